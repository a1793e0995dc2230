// `npm run start:worker`: one worker process (any number may run: jobs and locks are shared).
import { loadConfig } from '../config.js';
import { closeOnSignals } from './lifecycle.js';
import { openRuntime, requireSharedEngines } from './runtime.js';
import { startWorkerRole } from './worker-role.js';

const config = loadConfig();
requireSharedEngines(config, 'The worker process');
const runtime = await openRuntime(config);
await startWorkerRole(runtime);
runtime.log('Lobby worker started');
closeOnSignals(() => runtime.close(), runtime.log);
