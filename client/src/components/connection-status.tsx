// The live connection's state in the header: quiet when fine, plain words when it is not.
import { Match, Switch } from 'solid-js';
import { useGraphqlConnection } from '../lib/graphql-context.js';

export function ConnectionStatus() {
  const connection = useGraphqlConnection();
  return (
    <div class="connection" role="status">
      <Switch>
        <Match when={connection.connectionState() === 'online'}>
          <span class="connection__badge connection__badge--online">Live</span>
        </Match>
        <Match when={connection.connectionState() === 'connecting'}>
          <span class="connection__badge">Connecting…</span>
        </Match>
        <Match when={connection.connectionState() === 'offline'}>
          <span class="connection__badge connection__badge--offline">Offline: reconnecting…</span>
        </Match>
        <Match when={connection.connectionState() === 'rejected'}>
          <span class="connection__badge connection__badge--offline">
            Live updates refused your sign-in
          </span>
        </Match>
      </Switch>
    </div>
  );
}
