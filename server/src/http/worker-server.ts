// WORKER_HTTP_PORT: a worker process's own /health, /ready and /metrics, where syncs and jobs run.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { Log } from '../processes/runtime.js';
import type { Metrics } from './metrics.js';
import type { ReadinessCheck } from './server.js';

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}

export type WorkerHttpServerOptions = {
  checkReadiness: ReadinessCheck;
  metrics: Metrics;
  log: Log;
};

export function createWorkerHttpServer(options: WorkerHttpServerOptions): Server {
  const { checkReadiness, metrics, log } = options;
  return createServer((request, response) => {
    const pathname = (request.url ?? '/').split('?')[0];
    const answer = async () => {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        sendJson(response, 405, { error: 'Method not allowed' });
      } else if (pathname === '/health') {
        sendJson(response, 200, { status: 'ok' });
      } else if (pathname === '/ready') {
        const checks = await checkReadiness();
        const ready = Object.values(checks).every((state) => state === 'ok');
        sendJson(response, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', checks });
      } else if (pathname === '/metrics') {
        const text = await metrics.render();
        response.writeHead(200, { 'content-type': metrics.contentType });
        response.end(text);
      } else {
        sendJson(response, 404, { error: 'Not found' });
      }
    };
    // No request may end the process.
    answer().catch((error: unknown) => {
      log(`Worker HTTP ${request.method ?? '?'} request failed`, error);
      if (!response.headersSent) sendJson(response, 500, { error: 'Internal server error' });
      else response.destroy();
    });
  });
}
