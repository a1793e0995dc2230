// Signing in: paste an API key or a JWT, or, where the server allows it, just pick a name.
import { createQuery, useClient } from '@urql/solid';
import { createSignal, Show } from 'solid-js';
import { graphql } from '../graphql/generated/index.js';
import { authorizationHeader, normalizeToken } from '../lib/auth-token.js';
import { createAction } from '../lib/create-action.js';
import { fail, succeed } from '../lib/outcome.js';
import { describeRequestError, runMutation } from '../lib/request.js';
import { signIn } from '../lib/session-store.js';
import { ViewerDocument } from '../lib/viewer.js';
import { describedBy, Field, focusField, fieldId } from './field.js';
import { Notice } from './notice.js';

const DevSignInDocument = graphql(`
  mutation DevSignIn($displayName: String!) {
    devSignIn(displayName: $displayName) {
      __typename
      ... on DevSignInSuccess {
        token
      }
      ... on Error {
        message
      }
    }
  }
`);

const DevSignInAvailableDocument = graphql(`
  query DevSignInAvailable {
    devSignInAvailable
  }
`);

const TOKEN_FORM = 'sign-in-token';
const DEV_FORM = 'sign-in-dev';

export function SignInForm() {
  const client = useClient();
  const [availability] = createQuery({ query: DevSignInAvailableDocument });
  const devSignInAvailable = () => availability.data?.devSignInAvailable === true;
  const [tokenText, setTokenText] = createSignal('');
  const [displayName, setDisplayName] = createSignal('');

  // The token is tried once before it is kept, so a typo is reported here and not on every page.
  const tokenSignIn = createAction(
    async (text: string) => {
      const token = normalizeToken(text);
      if (token === null) return fail('Paste an API key or a token.', 'token');
      const response = await client
        .query(
          ViewerDocument,
          {},
          { fetchOptions: { headers: { authorization: authorizationHeader(token) } } },
        )
        .toPromise();
      if (response.error !== undefined) {
        const refused = response.error.graphQLErrors.some(
          (error) => error.extensions.code === 'UNAUTHENTICATED',
        );
        return refused
          ? fail('This key or token was not accepted.', 'token')
          : fail(describeRequestError(response.error));
      }
      return succeed(token);
    },
    ['token'],
  );

  const devSignIn = createAction(
    (name: string) =>
      runMutation(
        client,
        DevSignInDocument,
        { displayName: name.trim() },
        (data) => data.devSignIn,
        'DevSignInSuccess',
      ),
    ['displayName'],
  );

  const submitToken = async (event: SubmitEvent) => {
    event.preventDefault();
    const outcome = await tokenSignIn.submit(tokenText());
    if (outcome?.ok === true) signIn(outcome.value);
    else if (outcome !== null) focusField(TOKEN_FORM, outcome.field);
  };

  const submitDev = async (event: SubmitEvent) => {
    event.preventDefault();
    const outcome = await devSignIn.submit(displayName());
    if (outcome?.ok === true) signIn(outcome.value.token);
    else if (outcome !== null) focusField(DEV_FORM, outcome.field);
  };

  const tokenId = fieldId(TOKEN_FORM, 'token');
  const tokenHint =
    'An API key, or a token (JWT) from your organisation’s sign-in. Kept in this browser only.';
  const nameId = fieldId(DEV_FORM, 'displayName');

  return (
    <section class="card" id="sign-in" aria-labelledby="sign-in-title">
      <h2 id="sign-in-title">Sign in</h2>
      <p>Sign in to create rooms and manage their calendars. Joining a meeting needs no sign-in.</p>
      <Show when={devSignInAvailable()}>
        <form
          class="dev-sign-in"
          onSubmit={(event) => void submitDev(event)}
          novalidate
          aria-labelledby="dev-sign-in-title"
        >
          <h3 id="dev-sign-in-title">Development sign-in</h3>
          <p>This server runs in development mode: pick any name to sign in as.</p>
          <Field id={nameId} label="Your name" error={devSignIn.fieldError('displayName')}>
            <input
              id={nameId}
              autocomplete="name"
              required
              value={displayName()}
              onInput={(event) => setDisplayName(event.currentTarget.value)}
              {...describedBy(nameId, undefined, devSignIn.fieldError('displayName'))}
            />
          </Field>
          <Show when={devSignIn.formError()}>
            {(message) => <Notice tone="error">{message()}</Notice>}
          </Show>
          <button type="submit" class="button" disabled={devSignIn.pending()}>
            {devSignIn.pending() ? 'Signing in…' : 'Sign in as this name'}
          </button>
        </form>
      </Show>
      <form
        onSubmit={(event) => void submitToken(event)}
        novalidate
        aria-labelledby="token-sign-in-title"
      >
        <h3 id="token-sign-in-title">With an API key or token</h3>
        <Field
          id={tokenId}
          label="API key or token"
          hint={tokenHint}
          error={tokenSignIn.fieldError('token')}
        >
          <input
            id={tokenId}
            type="password"
            autocomplete="off"
            spellcheck={false}
            value={tokenText()}
            onInput={(event) => setTokenText(event.currentTarget.value)}
            {...describedBy(tokenId, tokenHint, tokenSignIn.fieldError('token'))}
          />
        </Field>
        <Show when={tokenSignIn.formError()}>
          {(message) => <Notice tone="error">{message()}</Notice>}
        </Show>
        <button
          type="submit"
          class="button"
          classList={{ 'button--secondary': devSignInAvailable() }}
          disabled={tokenSignIn.pending()}
        >
          {tokenSignIn.pending() ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </section>
  );
}
