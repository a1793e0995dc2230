// One port for everything: /graphql (HTTP, SSE and WebSocket), /health, /ready, /metrics and the
// client.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import type { YogaServerInstance } from 'graphql-yoga';
import { WebSocketServer } from 'ws';
import type { Context } from '../graphql/context.js';
import type { Metrics } from './metrics.js';

export type ReadinessCheck = () => Promise<Record<string, string>>;

export type HttpServerOptions = {
  yoga: YogaServerInstance<Record<string, unknown>, Context>;
  /** Names each engine with 'ok' or what is wrong. */
  checkReadiness: ReadinessCheck;
  metrics: Metrics;
  /** The built client (client/dist), served with a fallback to index.html for client routes. */
  clientDirectory: string | undefined;
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

async function serveClient(
  clientDirectory: string,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const urlPath = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
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
  const { yoga, checkReadiness, clientDirectory, metrics } = options;
  const server = createServer((request, response) => {
    const pathname = new URL(request.url ?? '/', 'http://x').pathname;
    if (pathname === '/health') {
      sendJson(response, 200, { status: 'ok' });
      return;
    }
    if (pathname === '/ready') {
      void checkReadiness().then((checks) => {
        const ready = Object.values(checks).every((state) => state === 'ok');
        sendJson(response, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', checks });
      });
      return;
    }
    if (pathname === '/metrics') {
      void metrics.render().then((text) => {
        response.writeHead(200, { 'content-type': metrics.contentType });
        response.end(text);
      });
      return;
    }
    if (pathname.startsWith(yoga.graphqlEndpoint) || clientDirectory === undefined) {
      void yoga(request, response);
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      sendJson(response, 405, { error: 'Method not allowed' });
      return;
    }
    serveClient(clientDirectory, request, response).catch(() => {
      if (!response.headersSent) sendJson(response, 404, { error: 'Not found' });
      else response.destroy();
    });
  });
  const webSockets = new WebSocketServer({ server, path: yoga.graphqlEndpoint });
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
