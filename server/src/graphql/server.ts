// The GraphQL server over HTTP/SSE (yoga) and WebSocket (graphql-ws), with one way to authenticate.
import { useDisableIntrospection } from '@envelop/disable-introspection';
import { EnvelopArmor } from '@escape.tech/graphql-armor';
import { PothosValidationError } from '@pothos/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DocumentNode, execute, GraphQLError, GraphQLSchema, subscribe } from 'graphql';
import {
  createGraphQLError,
  createYoga,
  maskError,
  type MaskError,
  type Plugin,
  type YogaServerInstance,
} from 'graphql-yoga';
import { useServer } from 'graphql-ws/use/ws';
import type { WebSocketServer } from 'ws';
import { isEngineUnavailable } from '../engines/unavailable.js';
import { clientAddress } from '../http/client-address.js';
import { withRequestId } from '../processes/logger.js';
import {
  AuthenticationError,
  type Authenticate,
  type Authenticated,
} from '../services/auth/authenticate.js';
import type { CredentialWatch } from '../services/auth/credential-watch.js';
import type { Log } from '../processes/runtime.js';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  RateLimitedError,
  ValidationError,
} from '../services/errors.js';
import type { Context } from './context.js';
import { socketCredentials, useCredentialLifetime } from './credential-lifetime.js';
import { useOperationSpans } from './operation-spans.js';
import { useOperationCostLimit } from './operation-cost.js';
import { useSharedSubscriptionResults } from './shared-subscription-results.js';

/** What Node's HTTP server hands yoga with each request. */
export type HttpServerContext = { req: IncomingMessage; res: ServerResponse };

export type GraphqlServer = YogaServerInstance<HttpServerContext, Context>;

export type GraphqlServerOptions = {
  schema: GraphQLSchema;
  authenticate: Authenticate;
  /** The context of an operation, from the caller's credential and address. */
  createContext: (authenticated: Authenticated, clientAddress: string) => Context;
  /** Proxies of ours in front of the API, whose X-Forwarded-For entries are believed. */
  trustedProxyHops: number;
  /** Ends subscriptions and sockets whose credential is revoked or expires. */
  credentialWatch: CredentialWatch;
  production: boolean;
  /** Introspection and GraphiQL (GRAPHQL_INTROSPECTION). */
  introspection: boolean;
  /** Browser origins that may call the API (PUBLIC_BASE_URL's and CORS_ALLOWED_ORIGINS). */
  allowedOrigins: readonly string[];
  log: Log;
  /** Records each operation's duration and errors (GET /metrics). */
  operationMetrics: Plugin;
};

/** Depth, alias and token limits: generous for the client, fatal to abuse. */
function armorPlugins() {
  return new EnvelopArmor({
    maxDepth: { n: 12 },
    // Cost is ours (operation-cost.ts): armor's does not multiply by list sizes.
    costLimit: { enabled: false },
    maxAliases: { n: 15 },
    maxTokens: { n: 3000 },
    maxDirectives: { n: 20 },
    blockFieldSuggestion: { enabled: true },
  }).protect().plugins;
}

/** CSRF: browsers post forms cross-site without asking; JSON bodies need a preflight first. */
const jsonBodiesOnly: Plugin = {
  onRequest(payload) {
    const { request, fetchAPI } = payload;
    const contentType = request.headers.get('content-type') ?? '';
    if (request.method !== 'POST' || /^application\/(graphql|json)\b/i.test(contentType)) return;
    const body = { errors: [{ message: 'POST a JSON body (Content-Type: application/json)' }] };
    payload.endResponse(
      new fetchAPI.Response(JSON.stringify(body), {
        status: 415,
        headers: { 'content-type': 'application/json' },
      }),
    );
  },
};

const userErrorCodes = [
  [ValidationError, 'BAD_USER_INPUT'],
  // Arguments Pothos rejects, such as an id of the wrong type or a malformed one.
  [PothosValidationError, 'BAD_USER_INPUT'],
  [NotFoundError, 'NOT_FOUND'],
  [ForbiddenError, 'FORBIDDEN'],
  [ConflictError, 'CONFLICT'],
  [RateLimitedError, 'RATE_LIMITED'],
] as const;

/** The error a GraphQL error wraps, or the value itself. */
function causeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'originalError' in error
    ? error.originalError
    : error;
}

function isUserError(error: unknown): boolean {
  const cause = causeOf(error);
  return userErrorCodes.some(([UserError]) => cause instanceof UserError);
}

/**
 * Yoga logs every error it masks. Errors callers cause are their answer, not an incident: logging
 * them would write caller-supplied text (and a stack) for every bad request. Others go to our log.
 */
function yogaLogger(log: Log) {
  const report = (...args: unknown[]) => {
    if (isUserError(args[0])) return;
    log('GraphQL operation failed', args.length === 1 ? args[0] : args);
  };
  return { debug: () => undefined, info: () => undefined, warn: report, error: report };
}

/** A typical outage: a restart or a failover takes seconds. */
const unavailableRetryAfterSeconds = 2;

/** Errors a user caused keep their message where no typed result carries them (subscriptions). */
const maskUnexpectedErrors: MaskError = (error, message, isDev) => {
  const cause = causeOf(error);
  if (isEngineUnavailable(cause)) {
    return createGraphQLError(
      'Lobby cannot reach its database or Redis right now; nothing was changed, try again shortly',
      {
        extensions: {
          code: 'SERVICE_UNAVAILABLE',
          retryable: true,
          retryAfterSeconds: unavailableRetryAfterSeconds,
        },
      },
    );
  }
  const code = userErrorCodes.find(([UserError]) => cause instanceof UserError)?.[1];
  if (code === undefined || !(cause instanceof Error)) return maskError(error, message, isDev);
  return createGraphQLError(cause.message, { extensions: { code } });
};

export function createGraphqlServer(options: GraphqlServerOptions): GraphqlServer {
  const { schema, authenticate, createContext, production, credentialWatch, trustedProxyHops } =
    options;
  return createYoga<HttpServerContext, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    graphiql: options.introspection,
    landingPage: false,
    logging: yogaLogger(options.log),
    // Bearer tokens, no cookies: other origins need no credentials, only a place on the list.
    cors: {
      origin: [...options.allowedOrigins],
      credentials: false,
      methods: ['GET', 'POST'],
    },
    maskedErrors: { isDev: !production, maskError: maskUnexpectedErrors },
    plugins: [
      useOperationSpans(),
      options.operationMetrics,
      jsonBodiesOnly,
      // A validation rule, so it holds for WebSocket operations too (they share this envelop).
      ...(options.introspection ? [] : [useDisableIntrospection()]),
      ...armorPlugins(),
      useOperationCostLimit(),
      useSharedSubscriptionResults(),
      useCredentialLifetime(credentialWatch),
    ],
    context: async ({ request, req }) => {
      try {
        return createContext(
          await authenticate(request.headers.get('authorization')),
          clientAddress(req, trustedProxyHops),
        );
      } catch (error) {
        if (error instanceof AuthenticationError) {
          // Made by yoga's own graphql copy: test runners that load graphql twice still see a 401.
          throw createGraphQLError(error.message, {
            extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
          });
        }
        throw error;
      }
    },
  });
}

/** The largest WebSocket message accepted: queries are small; ws's default is 100 MiB. */
export const WEBSOCKET_MAX_PAYLOAD_BYTES = 64 * 1024;

/** Operations one socket may run at once: each subscription holds memory and a fan-out slot. */
export const MAX_OPERATIONS_PER_SOCKET = 25;

/** graphql-ws on the same port; the bearer token travels in connection_init's payload. */
export function attachWebSocketGraphql(
  webSockets: WebSocketServer,
  yoga: GraphqlServer,
  options: Pick<
    GraphqlServerOptions,
    'schema' | 'authenticate' | 'createContext' | 'credentialWatch' | 'trustedProxyHops'
  >,
) {
  const { schema } = options;
  const credentials = socketCredentials(options.authenticate, options.credentialWatch);
  // Envelop types its functions with `any`: pin them to graphql-js's own signatures.
  type Enveloped = {
    schema: GraphQLSchema;
    parse: (source: string) => DocumentNode;
    validate: (schema: GraphQLSchema, document: DocumentNode) => readonly GraphQLError[];
    execute: typeof execute;
    subscribe: typeof subscribe;
  };
  // Each operation runs with the envelop (armor limits included) made for its own context.
  const envelopes = new WeakMap<object, Enveloped>();
  const envelopeOf = (contextValue: unknown): Enveloped => {
    const enveloped =
      typeof contextValue === 'object' && contextValue !== null
        ? envelopes.get(contextValue)
        : undefined;
    if (enveloped === undefined) throw new Error('Operation without an enveloped context');
    return enveloped;
  };
  return useServer(
    {
      // Each operation is a request of its own in the logs.
      execute: (args) => withRequestId(() => envelopeOf(args.contextValue).execute(args)),
      subscribe: (args) => withRequestId(() => envelopeOf(args.contextValue).subscribe(args)),
      // graphql-ws closes the socket with 4403 Forbidden when onConnect returns false.
      onConnect: (context) => {
        const authorization = context.connectionParams?.authorization;
        return credentials.open(
          context.extra.socket,
          typeof authorization === 'string' ? authorization : null,
        );
      },
      onClose: (context) => {
        credentials.forget(context.extra.socket);
      },
      onSubscribe: async (context, _id, payload) => {
        // graphql-ws lists this operation too, from its subscribe message until it ends.
        if (Object.keys(context.subscriptions).length > MAX_OPERATIONS_PER_SOCKET) {
          return [
            createGraphQLError(
              `At most ${MAX_OPERATIONS_PER_SOCKET} operations may run at once on one socket`,
              { extensions: { code: 'TOO_MANY_OPERATIONS' } },
            ),
          ];
        }
        // Checked again per operation: a revoked or expired credential is refused, its socket closed.
        const checked = await credentials.current(context.extra.socket);
        if ('refused' in checked) return [checked.refused];
        const contextValue = options.createContext(
          checked.authenticated,
          clientAddress(context.extra.request, options.trustedProxyHops),
        );
        const envelope = yoga.getEnveloped(contextValue);
        const enveloped: Enveloped = {
          schema: schema,
          parse: envelope.parse,
          validate: envelope.validate,
          execute: envelope.execute,
          subscribe: envelope.subscribe,
        };
        envelopes.set(contextValue, enveloped);
        let document: DocumentNode;
        let errors: readonly GraphQLError[];
        try {
          document = enveloped.parse(payload.query);
          errors = enveloped.validate(schema, document);
        } catch (error) {
          // The limits throw while parsing or validating: an error message, not a dropped socket.
          return [createGraphQLError(error instanceof Error ? error.message : 'Invalid query')];
        }
        if (errors.length > 0) return errors;
        return {
          schema,
          operationName: payload.operationName,
          document,
          variableValues: payload.variables,
          contextValue,
        };
      },
    },
    webSockets,
  );
}
