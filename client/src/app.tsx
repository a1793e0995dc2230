// The app: one GraphQL connection per identity, one layout, five pages.
import { Route, Router } from '@solidjs/router';
import { Provider } from '@urql/solid';
import { createMemo, onCleanup, Show } from 'solid-js';
import { Layout } from './components/layout.js';
import { createGraphqlConnection } from './lib/graphql-client.js';
import { GraphqlConnectionContext } from './lib/graphql-context.js';
import { authToken } from './lib/session-store.js';
import CallPage from './routes/call.js';
import HomePage from './routes/home.js';
import LobbyPage from './routes/lobby.js';
import MeetingPage from './routes/meeting.js';
import NotFoundPage from './routes/not-found.js';
import SettingsPage from './routes/settings.js';

export function App() {
  // Signing in or out builds a new connection (socket included) and remounts the pages under it,
  // so no data loaded for the previous identity survives.
  const connection = createMemo(() => {
    const created = createGraphqlConnection(authToken());
    onCleanup(() => {
      created.dispose();
    });
    return created;
  });

  return (
    <Show when={connection()} keyed>
      {(current) => (
        <GraphqlConnectionContext.Provider value={current}>
          <Provider value={current.client}>
            <Router root={Layout}>
              <Route path="/" component={HomePage} />
              <Route path="/:room" component={LobbyPage} />
              <Route path="/:room/settings" component={SettingsPage} />
              <Route path="/:room/:meetingId" component={MeetingPage} />
              <Route path="/:room/:meetingId/call" component={CallPage} />
              <Route path="*" component={NotFoundPage} />
            </Router>
          </Provider>
        </GraphqlConnectionContext.Provider>
      )}
    </Show>
  );
}
