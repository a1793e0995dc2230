// Signing in: paste an API key or a JWT, or, where the server allows it, just pick a name.
import { createQuery, useClient } from '@urql/solid';
import { Show } from 'solid-js';
import { graphql } from '../graphql/generated/index.js';
import { authorizationHeader, normalizeToken } from '../lib/auth-token.js';
import { createFormAction, createMutationForm } from '../lib/form-action.js';
import { fail, succeed } from '../lib/outcome.js';
import { describeRequestError } from '../lib/request.js';
import { signIn } from '../lib/session-store.js';
import { ViewerDocument } from '../lib/viewer.js';
import { ActionForm } from './action-form.js';
import { TextField, verbatimText } from './field.js';

const DevSignInDocument = graphql(`
  mutation DevSignIn($displayName: String!) {
    devSignIn(displayName: $displayName) {
      __typename
      ... on DevSignInSuccess {
        token
      }
      ...ErrorMessage
    }
  }
`);

const DevSignInAvailableDocument = graphql(`
  query DevSignInAvailable {
    devSignInAvailable
  }
`);

const TOKEN_HINT =
  'An API key, or a token (JWT) from your organisation’s sign-in. Kept in this browser only.';

export function SignInForm() {
  const client = useClient();
  const [availability] = createQuery({ query: DevSignInAvailableDocument });
  const devSignInAvailable = () => availability.data?.devSignInAvailable === true;

  // The token is tried once before it is kept, so a typo is reported here and not on every page.
  const tokenSignIn = createFormAction({
    id: 'sign-in-token',
    fields: { token: '' },
    check: ({ token }) => {
      const normalized = normalizeToken(token);
      return normalized === null
        ? fail('Paste an API key or a token.', 'token')
        : succeed(normalized);
    },
    send: async (token) => {
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
    onSuccess: signIn,
  });

  const devSignIn = createMutationForm({
    id: 'sign-in-dev',
    fields: { displayName: '' },
    // Any name will do: the server says what it does not take.
    check: ({ displayName }) => succeed(displayName.trim()),
    mutation: DevSignInDocument,
    variables: (displayName) => ({ displayName }),
    result: (data) => data.devSignIn,
    success: 'DevSignInSuccess',
    onSuccess: (success) => {
      signIn(success.token);
    },
  });

  return (
    <section class="card" id="sign-in" aria-labelledby="sign-in-title">
      <h2 id="sign-in-title">Sign in</h2>
      <p>Sign in to create rooms and manage their calendars. Joining a meeting needs no sign-in.</p>
      <Show when={devSignInAvailable()}>
        <ActionForm
          action={devSignIn}
          nested
          class="dev-sign-in"
          title="Development sign-in"
          submitLabel={{ idle: 'Sign in as this name', pending: 'Signing in…' }}
        >
          <p>This server runs in development mode: pick any name to sign in as.</p>
          <TextField
            field={devSignIn.field('displayName')}
            label="Your name"
            autocomplete="name"
            required
          />
        </ActionForm>
      </Show>
      <ActionForm
        action={tokenSignIn}
        nested
        title="With an API key or token"
        submitLabel={{ idle: 'Sign in', pending: 'Signing in…' }}
        secondary={devSignInAvailable()}
      >
        <TextField
          field={tokenSignIn.field('token')}
          label="API key or token"
          hint={TOKEN_HINT}
          type="password"
          {...verbatimText}
        />
      </ActionForm>
    </section>
  );
}
