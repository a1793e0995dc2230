// The one layout: header (home, live state, who is signed in) around every page.
import { A, useLocation, type RouteSectionProps } from '@solidjs/router';
import { createQuery } from '@urql/solid';
import { createEffect, on, Show } from 'solid-js';
import { authToken, signOut } from '../lib/session-store.js';
import { ViewerContext, ViewerDocument } from '../lib/viewer.js';
import { ConnectionStatus } from './connection-status.js';
import { Notice } from './notice.js';

export function Layout(props: RouteSectionProps) {
  const [viewerQuery] = createQuery({ query: ViewerDocument });
  const viewer = () => viewerQuery.data?.viewer;
  const signInRefused = () =>
    authToken() !== null &&
    (viewerQuery.error?.graphQLErrors.some(
      (error) => error.extensions.code === 'UNAUTHENTICATED',
    ) ??
      false);

  // After a client-side navigation, focus the new page so screen readers start reading there.
  let main: HTMLElement | undefined;
  const location = useLocation();
  createEffect(
    on(
      () => location.pathname,
      () => main?.focus(),
      { defer: true },
    ),
  );

  return (
    <ViewerContext.Provider value={viewer}>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="site-header">
        <A href="/" class="brand" end>
          Lobby
        </A>
        <ConnectionStatus />
        <div class="site-header__viewer">
          <Show
            when={viewer()?.isSignedIn === true}
            fallback={
              <Show when={authToken() === null}>
                <A href="/#sign-in">Sign in</A>
              </Show>
            }
          >
            <span class="site-header__name">
              {viewer()?.user?.displayName ?? 'Signed in with an API key'}
            </span>
            <button type="button" class="button button--secondary" onClick={signOut}>
              Sign out
            </button>
          </Show>
        </div>
      </header>
      <Show when={signInRefused()}>
        <div class="page">
          <Notice tone="error">
            <p>Your sign-in was not accepted: the key or token may have expired or been revoked.</p>
            <button type="button" class="button" onClick={signOut}>
              Sign out
            </button>
          </Notice>
        </div>
      </Show>
      <main
        id="main"
        class="page"
        tabindex="-1"
        ref={(element) => {
          main = element;
        }}
      >
        {props.children}
      </main>
    </ViewerContext.Provider>
  );
}
