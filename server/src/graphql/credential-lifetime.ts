// Operations run only while their credential holds. An SSE subscription ends when it is revoked or
// expires, with a last result that says why; a WebSocket closes then (4403 / 4401), ending its
// operations, and checks its credential again before each operation (at most every few seconds).
import type { ExecutionResult, GraphQLError } from 'graphql';
import { createGraphQLError, isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { WebSocket } from 'ws';
import {
  AuthenticationError,
  type Authenticate,
  type Authenticated,
  type CredentialLifetime,
} from '../services/auth/authenticate.js';
import {
  credentialExpired,
  credentialRevoked,
  type CredentialEnd,
  type CredentialWatch,
} from '../services/auth/credential-watch.js';
import type { Context } from './context.js';
import { endingWith } from '../lib/async-iterators.js';

/** How long a WebSocket's credential check holds: revocation events end sockets sooner. */
export const credentialRecheckMs = 5_000;

const unauthenticated = (message: string): GraphQLError =>
  createGraphQLError(message, { extensions: { code: 'UNAUTHENTICATED' } });

/** Ends every subscription when its credential ends, the last result naming the reason. */
export function useCredentialLifetime(watch: CredentialWatch): Plugin<Context> {
  return {
    onSubscribe({ args }) {
      const lifetime = args.contextValue.credentialLifetime;
      if (lifetime.expiresAt === null && lifetime.apiKeyId === null) return undefined;
      return {
        onSubscribeResult({ result, setResult }) {
          if (!isAsyncIterable(result)) return;
          setResult(
            endingWith<ExecutionResult>(result, (deliverLast) =>
              watch.watch(lifetime, (end) => {
                deliverLast({ errors: [unauthenticated(end.message)] });
              }),
            ),
          );
        },
      };
    },
  };
}

type SocketCredential = {
  authorization: string | null;
  authenticated: Authenticated;
  checkedAtMs: number;
  stopWatching: () => void;
};

/**
 * What a WebSocket operation's own lifetime is: none, since the socket closes when its credential
 * ends and that ends the operation; one mechanism, so clients always see the close code.
 */
const endsWithTheSocket: CredentialLifetime = { expiresAt: null, apiKeyId: null };

export type SocketCredentials = {
  /** connection_init: whether the credential is accepted (graphql-ws refuses with 4403 if not). */
  open(socket: WebSocket, authorization: string | null): Promise<boolean>;
  /** The credential to run an operation with, or the error refusing it (the socket then closes). */
  current(socket: WebSocket): Promise<{ authenticated: Authenticated } | { refused: GraphQLError }>;
  forget(socket: WebSocket): void;
};

export function socketCredentials(
  authenticate: Authenticate,
  watch: CredentialWatch,
): SocketCredentials {
  const sockets = new WeakMap<WebSocket, SocketCredential>();
  const close = (socket: WebSocket, end: CredentialEnd) => {
    socket.close(end.closeCode, end.closeReason);
  };
  return {
    async open(socket, authorization) {
      let authenticated: Authenticated;
      try {
        authenticated = await authenticate(authorization);
      } catch (error) {
        if (error instanceof AuthenticationError) return false;
        throw error;
      }
      sockets.set(socket, {
        authorization,
        authenticated,
        checkedAtMs: Date.now(),
        stopWatching: watch.watch(authenticated.lifetime, (end) => {
          close(socket, end);
        }),
      });
      return true;
    },
    async current(socket) {
      const state = sockets.get(socket);
      if (state === undefined) return { refused: unauthenticated('Not authenticated') };
      const { expiresAt } = state.authenticated.lifetime;
      const expired = expiresAt !== null && expiresAt.getTime() <= Date.now();
      if (!expired && Date.now() - state.checkedAtMs < credentialRecheckMs) {
        return { authenticated: { ...state.authenticated, lifetime: endsWithTheSocket } };
      }
      try {
        state.authenticated = await authenticate(state.authorization);
        state.checkedAtMs = Date.now();
        return { authenticated: { ...state.authenticated, lifetime: endsWithTheSocket } };
      } catch (error) {
        if (!(error instanceof AuthenticationError)) throw error;
        state.stopWatching();
        // Closed once the refusal has been sent: graphql-ws sends it right after this returns.
        setImmediate(() => {
          close(socket, expired ? credentialExpired : credentialRevoked);
        });
        return { refused: unauthenticated(error.message) };
      }
    },
    forget(socket) {
      sockets.get(socket)?.stopWatching();
      sockets.delete(socket);
    },
  };
}
