// One port for everything: /graphql (HTTP, SSE and WebSocket), /health, /ready, /metrics, the
// video platform's webhooks and the client.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import { WebSocketServer } from 'ws';
import { WEBSOCKET_MAX_PAYLOAD_BYTES, type GraphqlServer } from '../graphql/server.js';
import type { Log } from '../processes/runtime.js';
import type { Metrics } from './metrics.js';
import { VIDEO_WEBHOOK_PATH, type VideoWebhookHandler } from './video-webhook.js';

export type ReadinessCheck = () => Promise<Record<string, string>>;

export type HttpServerOptions = {
  yoga: GraphqlServer;
  /** Names each engine with 'ok' or what is wrong. */
  checkReadiness: ReadinessCheck;
  metrics: Metrics;
  /** The built client (client/dist), served with a fallback to index.html for client routes. */
  clientDirectory: string | undefined;
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

export function createHttpServer(options: HttpServerOptions): HttpServer {
  const { yoga, checkReadiness, clientDirectory, metrics, videoWebhook, log } = options;
  async function handleRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const pathname = requestPathname(request);
    if (pathname === undefined) {
      sendJson(response, 400, { error: 'Bad request target' });
      return;
    }
    if (pathname === '/health') {
      sendJson(response, 200, { status: 'ok' });
      return;
    }
    if (pathname === '/ready') {
      const checks = await checkReadiness();
      const ready = Object.values(checks).every((state) => state === 'ok');
      sendJson(response, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', checks });
      return;
    }
    if (pathname === '/metrics') {
      const text = await metrics.render();
      response.writeHead(200, { 'content-type': metrics.contentType });
      response.end(text);
      return;
    }
    if (pathname === VIDEO_WEBHOOK_PATH && videoWebhook !== undefined) {
      await videoWebhook(request, response);
      return;
    }
    if (pathname.startsWith(yoga.graphqlEndpoint) || clientDirectory === undefined) {
      await yoga(request, response);
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      sendJson(response, 405, { error: 'Method not allowed' });
      return;
    }
    await serveClient(clientDirectory, pathname, response).catch(() => {
      if (!response.headersSent) sendJson(response, 404, { error: 'Not found' });
      else response.destroy();
    });
  }
  const server = createServer((request, response) => {
    // No request may end the process: whatever escapes a handler answers 500 and is logged.
    handleRequest(request, response).catch((error: unknown) => {
      log(`HTTP ${request.method ?? '?'} request failed`, error);
      if (!response.headersSent) sendJson(response, 500, { error: 'Internal server error' });
      else response.destroy();
    });
  });
  server.on('clientError', (error, socket) => {
    const status =
      'code' in error && error.code === 'HPE_HEADER_OVERFLOW'
        ? '431 Request Header Fields Too Large'
        : '400 Bad Request';
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
    else socket.destroy();
  });
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
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeIdleConnections();
      });
    },
  };
}
