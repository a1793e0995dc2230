// `npm run start:worker`: one worker process (any number may run: jobs and locks are shared).
import type { Server } from 'node:http';
import { loadConfig } from '../config.js';
import { createWorkerHttpServer } from '../http/worker-server.js';
import { closeOnSignals } from './lifecycle.js';
import { openRuntime, requireSharedEngines } from './runtime.js';
import { startWorkerRole } from './worker-role.js';

const config = loadConfig();
requireSharedEngines(config, 'The worker process');
const runtime = await openRuntime(config);
await startWorkerRole(runtime);
let httpServer: Server | undefined;
if (config.WORKER_HTTP_PORT !== undefined) {
  const server = createWorkerHttpServer({
    checkReadiness: () => runtime.checkReadiness(),
    metrics: runtime.metrics,
    log: runtime.log,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.WORKER_HTTP_PORT, config.HOST, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  runtime.log(`Lobby worker health and metrics on http://localhost:${port}`);
  httpServer = server;
}
runtime.log('Lobby worker started');
closeOnSignals(async () => {
  await new Promise<void>((resolve) => {
    if (httpServer === undefined) resolve();
    else
      httpServer.close(() => {
        resolve();
      });
  });
  await runtime.close();
}, runtime.log);
