// The GraphQL server over HTTP/SSE (yoga) and WebSocket (graphql-ws), with one way to authenticate.
import { EnvelopArmor } from '@escape.tech/graphql-armor';
import { PothosValidationError } from '@pothos/core';
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
import type { Viewer } from '../domain/access.js';
import { isEngineUnavailable } from '../engines/unavailable.js';
import { AuthenticationError, type Authenticate } from '../services/auth/authenticate.js';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  RateLimitedError,
  ValidationError,
} from '../services/errors.js';
import type { Context } from './context.js';
import { useSharedSubscriptionResults } from './shared-subscription-results.js';

export type GraphqlServerOptions = {
  schema: GraphQLSchema;
  authenticate: Authenticate;
  /** Everything in the context but the viewer. */
  createContext: (viewer: Viewer) => Context;
  production: boolean;
};

/** Depth, cost, alias and token limits: generous for the client, fatal to abuse. */
function armorPlugins() {
  return new EnvelopArmor({
    maxDepth: { n: 12 },
    costLimit: { maxCost: 5000 },
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

/** A typical outage: a restart or a failover takes seconds. */
const unavailableRetryAfterSeconds = 2;

/** Errors a user caused keep their message where no typed result carries them (subscriptions). */
const maskUnexpectedErrors: MaskError = (error, message, isDev) => {
  const cause =
    typeof error === 'object' && error !== null && 'originalError' in error
      ? error.originalError
      : error;
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

export function createGraphqlServer(
  options: GraphqlServerOptions,
): YogaServerInstance<Record<string, unknown>, Context> {
  const { schema, authenticate, createContext, production } = options;
  return createYoga<Record<string, unknown>, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    graphiql: !production,
    landingPage: false,
    maskedErrors: { isDev: !production, maskError: maskUnexpectedErrors },
    plugins: [jsonBodiesOnly, ...armorPlugins(), useSharedSubscriptionResults()],
    context: async ({ request }) => {
      try {
        return createContext(await authenticate(request.headers.get('authorization')));
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

/** graphql-ws on the same port; the bearer token travels in connection_init's payload. */
export function attachWebSocketGraphql(
  webSockets: WebSocketServer,
  yoga: YogaServerInstance<Record<string, unknown>, Context>,
  options: Pick<GraphqlServerOptions, 'schema' | 'authenticate' | 'createContext'>,
) {
  const { schema } = options;
  // Envelop types its functions with `any`: pin them to graphql-js's own signatures.
  type Enveloped = {
    schema: GraphQLSchema;
    parse: (source: string) => DocumentNode;
    validate: (schema: GraphQLSchema, document: DocumentNode) => readonly GraphQLError[];
    execute: typeof execute;
    subscribe: typeof subscribe;
  };
  const viewers = new WeakMap<object, Viewer>();
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
      execute: (args) => envelopeOf(args.contextValue).execute(args),
      subscribe: (args) => envelopeOf(args.contextValue).subscribe(args),
      onConnect: async (context) => {
        const authorization = context.connectionParams?.authorization;
        try {
          viewers.set(
            context.extra.socket,
            await options.authenticate(typeof authorization === 'string' ? authorization : null),
          );
          return true;
        } catch {
          // graphql-ws closes the socket with 4403 Forbidden when onConnect returns false.
          return false;
        }
      },
      onSubscribe: (context, _id, payload) => {
        const viewer = viewers.get(context.extra.socket);
        if (viewer === undefined) return [createGraphQLError('Not authenticated')];
        const contextValue = options.createContext(viewer);
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
