// One GraphQL connection per identity: HTTP for queries and mutations, graphql-ws for subscriptions.
import { Client, fetchExchange, subscriptionExchange } from '@urql/core';
import { createClient as createWebSocketClient } from 'graphql-ws';
import { createSignal, type Accessor } from 'solid-js';
import { authorizationHeader } from './auth-token.js';
import {
  FORBIDDEN_CLOSURE,
  nextConnectionState,
  type ConnectionEvent,
  type ConnectionState,
} from './connection-state.js';

export const GRAPHQL_PATH = '/graphql';
/** How often the socket is pinged: a dead network often closes nothing, so we must ask. */
const PING_INTERVAL_MS = 10_000;
const PONG_TIMEOUT_MS = 5_000;
const RETRY_DELAY_MAX_MS = 30_000;
/** Any code of ours in graphql-ws's retryable range: the ping went unanswered. */
const PONG_TIMEOUT_CLOSURE = 4408;

export type GraphqlConnection = {
  client: Client;
  connectionState: Accessor<ConnectionState>;
  /** Headers for requests made outside urql (the keepalive leave on page unload). */
  headers: Record<string, string>;
  dispose(): void;
};

function webSocketUrl(): string {
  const url = new URL(GRAPHQL_PATH, window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

function closeCodeOf(event: unknown): number | null {
  return typeof event === 'object' &&
    event !== null &&
    'code' in event &&
    typeof event.code === 'number'
    ? event.code
    : null;
}

async function waitBeforeRetry(retries: number): Promise<void> {
  const delayMs = Math.min(1_000 * 2 ** retries, RETRY_DELAY_MAX_MS) + Math.random() * 1_000;
  await new Promise((resolve) => setTimeout(resolve, delayMs));
}

export function createGraphqlConnection(token: string | null): GraphqlConnection {
  const headers: Record<string, string> =
    token === null ? {} : { authorization: authorizationHeader(token) };
  const [connectionState, setConnectionState] = createSignal<ConnectionState>('idle');
  const record = (event: ConnectionEvent) => {
    setConnectionState((state) => nextConnectionState(state, event));
  };

  let socket: WebSocket | null = null;
  let pongTimer: ReturnType<typeof setTimeout> | undefined;
  const webSockets = createWebSocketClient({
    url: webSocketUrl(),
    connectionParams: headers,
    lazy: true,
    keepAlive: PING_INTERVAL_MS,
    retryAttempts: Infinity,
    retryWait: waitBeforeRetry,
    // Everything but refused credentials is worth retrying: the network comes back.
    shouldRetry: (errorOrCloseEvent) => closeCodeOf(errorOrCloseEvent) !== FORBIDDEN_CLOSURE,
    on: {
      connecting: () => {
        record({ type: 'connecting' });
      },
      connected: (connectedSocket) => {
        socket = connectedSocket instanceof WebSocket ? connectedSocket : null;
        record({ type: 'connected' });
      },
      ping: (received) => {
        if (received) return;
        pongTimer = setTimeout(() => {
          socket?.close(PONG_TIMEOUT_CLOSURE, 'Ping timeout');
        }, PONG_TIMEOUT_MS);
      },
      pong: (received) => {
        if (received) clearTimeout(pongTimer);
      },
      closed: (event) => {
        socket = null;
        clearTimeout(pongTimer);
        record({ type: 'closed', code: closeCodeOf(event) ?? 0 });
      },
    },
  });

  // The browser knows first when the network is gone: drop the socket and let the retries begin.
  const onOffline = () => {
    webSockets.terminate();
  };
  window.addEventListener('offline', onOffline);

  const client = new Client({
    url: GRAPHQL_PATH,
    // No document cache: live data arrives by subscription and replaces what is shown.
    exchanges: [
      fetchExchange,
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (sink) => ({
            unsubscribe: webSockets.subscribe({ ...request, query: request.query ?? '' }, sink),
          }),
        }),
      }),
    ],
    fetchOptions: { headers },
    preferGetMethod: false,
  });

  return {
    client,
    connectionState,
    headers,
    dispose: () => {
      window.removeEventListener('offline', onOffline);
      clearTimeout(pongTimer);
      void webSockets.dispose();
    },
  };
}
