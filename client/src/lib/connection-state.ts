// What the live connection (graphql-ws) is doing, in the terms the offline indicator needs.

export type ConnectionState =
  /** No live data is needed right now, so there is no socket. */
  | 'idle'
  | 'connecting'
  | 'online'
  /** The socket dropped; graphql-ws is retrying and will resubscribe. */
  | 'offline'
  /** The server refused the credentials: retrying cannot help. */
  | 'rejected';

export type ConnectionEvent =
  { type: 'connecting' } | { type: 'connected' } | { type: 'closed'; code: number };

export const NORMAL_CLOSURE = 1000;
/** graphql-ws closes with this when `onConnect` refuses the connection_init payload. */
export const FORBIDDEN_CLOSURE = 4403;

export function nextConnectionState(
  state: ConnectionState,
  event: ConnectionEvent,
): ConnectionState {
  switch (event.type) {
    case 'connecting':
      // A retry after a drop is still "offline" until it succeeds.
      return state === 'offline' ? 'offline' : 'connecting';
    case 'connected':
      return 'online';
    case 'closed':
      if (event.code === NORMAL_CLOSURE) return 'idle';
      return event.code === FORBIDDEN_CLOSURE ? 'rejected' : 'offline';
  }
}
