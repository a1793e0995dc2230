// The GraphQL server over HTTP/SSE (yoga) and WebSocket (graphql-ws), with one way to authenticate.
import { EnvelopArmor } from '@escape.tech/graphql-armor';
import {
  GraphQLError,
  type DocumentNode,
  type execute,
  type GraphQLSchema,
  type subscribe,
} from 'graphql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { useServer } from 'graphql-ws/use/ws';
import type { WebSocketServer } from 'ws';
import type { Viewer } from '../domain/access.js';
import { AuthenticationError, type Authenticate } from '../services/auth/authenticate.js';
import type { Context } from './context.js';

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

export function createGraphqlServer(
  options: GraphqlServerOptions,
): YogaServerInstance<Record<string, unknown>, Context> {
  const { schema, authenticate, createContext, production } = options;
  return createYoga<Record<string, unknown>, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    graphiql: !production,
    landingPage: false,
    maskedErrors: { isDev: !production },
    plugins: armorPlugins(),
    context: async ({ request }) => {
      try {
        return createContext(await authenticate(request.headers.get('authorization')));
      } catch (error) {
        if (error instanceof AuthenticationError) {
          throw new GraphQLError(error.message, {
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
        if (viewer === undefined) return [new GraphQLError('Not authenticated')];
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
        const document = enveloped.parse(payload.query);
        const errors = enveloped.validate(schema, document);
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
