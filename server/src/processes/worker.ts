// `npm run start:worker`: one worker process (any number may run: jobs and locks are shared).
import type { Server } from 'node:http';
import { loadConfig } from '../config.js';
import { closeServer, createWorkerHttpServer } from '../http/server.js';
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
    metrics: { metrics: runtime.metrics, token: config.METRICS_TOKEN },
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
  if (httpServer !== undefined) await closeServer(httpServer);
  await runtime.close();
}, runtime.log);
