// An API process for `npm run bench:live`: what `processes/api.ts` runs, plus answers to the
// benchmark's "stats" message on the IPC channel (lobby loads, memory after a GC), so measuring
// goes through neither GraphQL nor the sockets being measured. Needs --expose-gc and an IPC channel.
import { loadConfig } from '../src/config.js';
import { startApiRole } from '../src/processes/api-role.js';
import { closeOnSignals } from '../src/processes/lifecycle.js';
import { openRuntime, requireSharedEngines } from '../src/processes/runtime.js';

export type ApiProcessStats = { loadCount: number; rssBytes: number; heapUsedBytes: number };

const config = loadConfig();
requireSharedEngines(config, 'The API process');
const runtime = await openRuntime(config);
const api = await startApiRole(runtime, { issueDevelopmentToken: null });

process.on('message', (message) => {
  if (message !== 'stats') return;
  globalThis.gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  const stats: ApiProcessStats = {
    loadCount: api.loadCount(),
    rssBytes: rss,
    heapUsedBytes: heapUsed,
  };
  process.send?.(stats);
});

runtime.log(`Lobby API listening on ${api.url}`);
closeOnSignals(async () => {
  await api.close();
  await runtime.close();
}, runtime.log);
