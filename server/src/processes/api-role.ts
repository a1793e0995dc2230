// The API's part of a process: GraphQL over HTTP and WebSocket, health, and the built client.
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRoomLobbies } from '../services/lobby/room-lobbies.js';
import { schema } from '../graphql/schema.js';
import { attachWebSocketGraphql, createGraphqlServer } from '../graphql/server.js';
import {
  closeServer,
  createHttpServer,
  createMetricsServer,
  type HttpServer,
} from '../http/server.js';
import { createVideoWebhookHandler } from '../http/video-webhook.js';
import { createAuthenticator, type Authenticated } from '../services/auth/authenticate.js';
import { createCredentialWatch } from '../services/auth/credential-watch.js';
import { loadRoomLobby } from '../services/meetings/index.js';
import type { Runtime } from './runtime.js';
import type { DevelopmentTokenIssuer } from '../services/auth/development-token.js';

const clientDist = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../client/dist',
);

export type ApiRole = HttpServer & {
  url: string;
  /** Lobby loads of the live fan-out so far (benchmarks: one per room per change). */
  loadCount(): number;
};

export type ApiRoleOptions = {
  issueDevelopmentToken: DevelopmentTokenIssuer | null;
};

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      resolve();
    });
  });
}

export async function startApiRole(runtime: Runtime, options: ApiRoleOptions): Promise<ApiRole> {
  const { config, deps, log, metrics } = runtime;
  const authenticate = createAuthenticator(deps.prisma, {
    jwtSecret: config.AUTH_JWT_SECRET,
    jwksUrl: config.AUTH_JWKS_URL,
    jwtIssuer: config.AUTH_JWT_ISSUER,
    jwtAudience: config.AUTH_JWT_AUDIENCE,
    bootstrapAdminToken: config.LOBBY_BOOTSTRAP_ADMIN_TOKEN,
  });
  const roomLobbies = createRoomLobbies({
    events: deps.events,
    loadRoomLobby: (roomId) => loadRoomLobby(deps.prisma, roomId, deps.now()),
    findRoomId: async (name) =>
      (await deps.prisma.room.findUnique({ where: { name }, select: { id: true } }))?.id ?? null,
    now: deps.now,
    log,
  });
  metrics.observeRoomLobbies(roomLobbies);
  const credentialWatch = await createCredentialWatch(deps.events);
  const createContext = ({ viewer, lifetime }: Authenticated, clientAddress: string) => ({
    viewer,
    clientAddress,
    credentialLifetime: lifetime,
    prisma: deps.prisma,
    deps,
    roomLobbies,
    issueDevelopmentToken: options.issueDevelopmentToken,
  });
  const presenceWebhooks = deps.videoPlatform.presenceWebhooks ?? undefined;
  const yoga = createGraphqlServer({
    schema,
    authenticate,
    createContext,
    production: config.NODE_ENV === 'production',
    introspection: config.GRAPHQL_INTROSPECTION,
    allowedOrigins: [new URL(config.PUBLIC_BASE_URL).origin, ...config.CORS_ALLOWED_ORIGINS],
    credentialWatch,
    log,
    trustedProxyHops: config.TRUSTED_PROXY_HOPS,
    operationMetrics: metrics.graphqlPlugin(),
  });
  const metricsEndpoint = { metrics, token: config.METRICS_TOKEN };
  const metricsServer =
    config.METRICS_PORT === undefined ? null : createMetricsServer(metricsEndpoint, log);
  const http = createHttpServer({
    yoga,
    checkReadiness: () => runtime.checkReadiness(),
    metrics: metricsServer === null ? metricsEndpoint : null,
    graphiql: config.GRAPHQL_INTROSPECTION,
    clientDirectory: existsSync(path.join(clientDist, 'index.html')) ? clientDist : undefined,
    videoOrigin: new URL(config.VIDEO_BASE_URL).origin,
    videoWebhook: presenceWebhooks && createVideoWebhookHandler(deps, presenceWebhooks, log),
    log,
  });
  metrics.observeWebSockets(http.webSockets);
  const webSocketGraphql = attachWebSocketGraphql(http.webSockets, yoga, {
    schema,
    authenticate,
    createContext,
    credentialWatch,
    trustedProxyHops: config.TRUSTED_PROXY_HOPS,
  });
  await listen(http.server, config.PORT, config.HOST);
  if (metricsServer !== null && config.METRICS_PORT !== undefined) {
    await listen(metricsServer, config.METRICS_PORT, config.HOST);
  }
  const address = http.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.PORT;
  return {
    ...http,
    url: `http://localhost:${port}`,
    loadCount: () => roomLobbies.loadCount(),
    async close() {
      await webSocketGraphql.dispose();
      await http.close();
      if (metricsServer !== null) await closeServer(metricsServer);
      await credentialWatch.close();
      await roomLobbies.close();
    },
  };
}
