// `npm run start:api`: one API process (any number may run behind a load balancer).
import { loadConfig } from '../config.js';
import { startApiRole } from './api-role.js';
import { closeOnSignals } from './lifecycle.js';
import { openRuntime, requireSharedEngines } from './runtime.js';

const config = loadConfig();
requireSharedEngines(config, 'The API process');
if (config.DEV_SIGN_IN) {
  throw new Error(
    'DEV_SIGN_IN is for `npm start` only: the API process never issues development tokens.',
  );
}
const runtime = await openRuntime(config);
const api = await startApiRole(runtime, { issueDevelopmentToken: null });
runtime.log(`Lobby API listening on ${api.url} (public URL ${config.PUBLIC_BASE_URL})`);
closeOnSignals(async () => {
  await api.close();
  await runtime.close();
}, runtime.log);
