// One port for everything: /graphql (HTTP, SSE and WebSocket), /health, /ready, the video
// platform's webhooks, the client, and /metrics unless it has a port of its own (METRICS_PORT); and
// a worker's own small server.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import { WebSocketServer } from 'ws';
import { WEBSOCKET_MAX_PAYLOAD_BYTES, type GraphqlServer } from '../graphql/server.js';
import { withRequestId } from '../processes/logger.js';
import type { Log } from '../processes/runtime.js';
import type { Metrics } from './metrics.js';
import { VIDEO_WEBHOOK_PATH, type VideoWebhookHandler } from './video-webhook.js';

export type ReadinessCheck = () => Promise<Record<string, string>>;

/** Prometheus metrics, and the bearer token they need (METRICS_TOKEN) if any. */
export type MetricsEndpoint = { metrics: Metrics; token: string | undefined };

export type HttpServerOptions = {
  yoga: GraphqlServer;
  /** Names each engine with 'ok' or 'unavailable'. */
  checkReadiness: ReadinessCheck;
  /** Served at /metrics; null where metrics have a port of their own. */
  metrics: MetricsEndpoint | null;
  /** Whether GET /graphql may answer GraphiQL's page (it loads its editor from unpkg.com). */
  graphiql: boolean;
  /** The built client (client/dist), served with a fallback to index.html for client routes. */
  clientDirectory: string | undefined;
  /** The video platform's origin (VIDEO_BASE_URL's): the only site the client may frame (the call). */
  videoOrigin: string;
  /** Presence webhooks of the video platform; undefined when it sends none (Jitsi). */
  videoWebhook: VideoWebhookHandler | undefined;
  log: Log;
};

export type HttpServer = {
  server: Server;
  webSockets: WebSocketServer;
  close(): Promise<void>;
};

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

// The client's policy: its own scripts, styles and API only (graphql-ws included: CSP 3's 'self'
// matches ws: and wss: on the same host), the video call in a frame, never in another site's frame.
const clientContentSecurityPolicy = (videoOrigin: string) =>
  [
    "default-src 'self'",
    `frame-src ${videoOrigin}`,
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    // The presence ticker (background-ticker.ts) is a worker the page makes from a blob.
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');

// API answers are data, never documents to render.
const apiContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";

// GraphiQL runs inline and unpkg.com scripts; it still may not be framed.
const graphiqlContentSecurityPolicy = "frame-ancestors 'none'";

function setSecurityHeaders(response: ServerResponse, contentSecurityPolicy: string): void {
  response.setHeader('content-security-policy', contentSecurityPolicy);
  response.setHeader('x-content-type-options', 'nosniff');
  // Room links are capabilities of a sort: the video platform need not learn them.
  response.setHeader('referrer-policy', 'no-referrer');
}

/** Mirrors yoga's own test for answering GraphiQL's page. */
function asksForGraphiql(request: IncomingMessage): boolean {
  return request.method === 'GET' && (request.headers.accept ?? '').includes('text/html');
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}

/** The request target's path, or undefined when the target is not a URL (a hostile request line). */
function requestPathname(request: IncomingMessage): string | undefined {
  try {
    return decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
  } catch {
    return undefined;
  }
}

async function serveClient(
  clientDirectory: string,
  urlPath: string,
  response: ServerResponse,
): Promise<void> {
  const candidate = path.join(clientDirectory, path.normalize(urlPath));
  const insideClient = candidate.startsWith(clientDirectory + path.sep);
  const file =
    insideClient && (await stat(candidate).catch(() => null))?.isFile() === true
      ? candidate
      : path.join(clientDirectory, 'index.html');
  const isAsset = file.includes(`${path.sep}assets${path.sep}`);
  response.writeHead(200, {
    'content-type': contentTypes[path.extname(file)] ?? 'application/octet-stream',
    // Vite fingerprints assets; index.html must always be fresh.
    'cache-control': isAsset ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  createReadStream(file).pipe(response);
}

/** An HTTP server no request can end: malformed ones get 4xx, whatever a handler throws a 500. */
function createGuardedServer(
  handleRequest: (request: IncomingMessage, response: ServerResponse) => Promise<void>,
  log: Log,
): Server {
  const server = createServer((request, response) => {
    void withRequestId(() =>
      handleRequest(request, response).catch((error: unknown) => {
        log(`HTTP ${request.method ?? '?'} request failed`, error);
        if (!response.headersSent) sendJson(response, 500, { error: 'Internal server error' });
        else response.destroy();
      }),
    );
  });
  server.on('clientError', (error, socket) => {
    const status =
      'code' in error && error.code === 'HPE_HEADER_OVERFLOW'
        ? '431 Request Header Fields Too Large'
        : '400 Bad Request';
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
    else socket.destroy();
  });
  return server;
}

/** Closes a server once its open requests are done. */
export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
    server.closeIdleConnections();
  });
}

/** METRICS_PORT: /metrics alone on a port of its own (bind it where only Prometheus reaches). */
export function createMetricsServer(endpoint: MetricsEndpoint, log: Log): Server {
  return createGuardedServer(async (request, response) => {
    setSecurityHeaders(response, apiContentSecurityPolicy);
    if (requestPathname(request) === '/metrics') await serveMetrics(endpoint, request, response);
    else sendJson(response, 404, { error: 'Not found' });
  }, log);
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** GET /metrics, behind `Authorization: Bearer <METRICS_TOKEN>` when a token is set. */
async function serveMetrics(
  endpoint: MetricsEndpoint,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  if (endpoint.token !== undefined) {
    const presented = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
    // Hashes have one length, so the comparison takes the same time whatever was presented.
    if (!timingSafeEqual(sha256(presented), sha256(endpoint.token))) {
      response.setHeader('www-authenticate', 'Bearer');
      sendJson(response, 401, { error: 'Metrics need Authorization: Bearer <METRICS_TOKEN>' });
      return;
    }
  }
  const text = await endpoint.metrics.render();
  response.writeHead(200, { 'content-type': endpoint.metrics.contentType });
  response.end(text);
}

type OperationsOptions = { checkReadiness: ReadinessCheck; metrics: MetricsEndpoint | null };

/** Answers /health, /ready and /metrics; false for any other path. */
async function serveOperations(
  pathname: string,
  request: IncomingMessage,
  response: ServerResponse,
  { checkReadiness, metrics }: OperationsOptions,
): Promise<boolean> {
  if (pathname === '/health') {
    sendJson(response, 200, { status: 'ok' });
    return true;
  }
  if (pathname === '/ready') {
    const checks = await checkReadiness();
    const ready = Object.values(checks).every((state) => state === 'ok');
    sendJson(response, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', checks });
    return true;
  }
  if (pathname === '/metrics') {
    // With METRICS_PORT, metrics are not on this port at all (not even the client's fallback).
    if (metrics === null) sendJson(response, 404, { error: 'Not found' });
    else await serveMetrics(metrics, request, response);
    return true;
  }
  return false;
}

/** WORKER_HTTP_PORT: a worker's /health, /ready and /metrics, where syncs and jobs run. */
export function createWorkerHttpServer(options: OperationsOptions & { log: Log }): Server {
  return createGuardedServer(async (request, response) => {
    setSecurityHeaders(response, apiContentSecurityPolicy);
    const pathname = requestPathname(request);
    if (pathname === undefined || !(await serveOperations(pathname, request, response, options))) {
      sendJson(response, 404, { error: 'Not found' });
    }
  }, options.log);
}

export function createHttpServer(options: HttpServerOptions): HttpServer {
  const { yoga, checkReadiness, clientDirectory, metrics, videoWebhook, log } = options;
  async function handleRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    setSecurityHeaders(response, apiContentSecurityPolicy);
    const pathname = requestPathname(request);
    if (pathname === undefined) {
      sendJson(response, 400, { error: 'Bad request target' });
      return;
    }
    if (await serveOperations(pathname, request, response, { checkReadiness, metrics })) return;
    if (pathname === VIDEO_WEBHOOK_PATH && videoWebhook !== undefined) {
      await videoWebhook(request, response);
      return;
    }
    if (pathname.startsWith(yoga.graphqlEndpoint) || clientDirectory === undefined) {
      if (options.graphiql && asksForGraphiql(request)) {
        setSecurityHeaders(response, graphiqlContentSecurityPolicy);
      }
      await yoga(request, response);
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      sendJson(response, 405, { error: 'Method not allowed' });
      return;
    }
    setSecurityHeaders(response, clientContentSecurityPolicy(options.videoOrigin));
    await serveClient(clientDirectory, pathname, response).catch(() => {
      if (!response.headersSent) sendJson(response, 404, { error: 'Not found' });
      else response.destroy();
    });
  }
  const server = createGuardedServer(handleRequest, log);
  const webSockets = new WebSocketServer({
    server,
    path: yoga.graphqlEndpoint,
    // A larger message closes the socket (1009) before it is buffered whole.
    maxPayload: WEBSOCKET_MAX_PAYLOAD_BYTES,
  });
  webSockets.on('error', (error) => {
    log('WebSocket server error', error);
  });
  return {
    server,
    webSockets,
    async close() {
      for (const client of webSockets.clients) client.close(1001, 'Server shutting down');
      await new Promise<void>((resolve) => {
        webSockets.close(() => {
          resolve();
        });
      });
      await closeServer(server);
    },
  };
}
