// `npm start`: API, worker and the built client in one process. With no DATABASE_URL/REDIS_URL it
// runs on embedded engines and seeds a demo room; with DEV_SIGN_IN (which `npm start` sets) it
// offers a development sign-in, on loopback only (config.ts).
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig, type Config } from '../config.js';
import { developmentTokenIssuer } from '../services/auth/development-token.js';
import { startApiRole } from './api-role.js';
import { seedDemoRoom, serveDemoCalendar } from './demo/seed-demo.js';
import { closeOnSignals } from './lifecycle.js';
import { openRuntime } from './runtime.js';
import { startWorkerRole } from './worker-role.js';

/** A signing secret kept under the data directory, so development tokens survive restarts. */
async function developmentSecret(dataDirectory: string): Promise<string> {
  const secretPath = path.resolve(dataDirectory, 'development-jwt-secret');
  const existing = await readFile(secretPath, 'utf8').catch(() => null);
  if (existing !== null && existing.trim() !== '') return existing.trim();
  const secret = randomBytes(32).toString('base64url');
  await mkdir(path.dirname(secretPath), { recursive: true });
  await writeFile(secretPath, secret, { mode: 0o600 });
  return secret;
}

const loaded = loadConfig();
const embedded = loaded.DATABASE_URL === undefined;
const demoCalendar = embedded ? await serveDemoCalendar(loaded.PUBLIC_BASE_URL) : null;
const secret = loaded.DEV_SIGN_IN
  ? (loaded.AUTH_JWT_SECRET ?? (await developmentSecret(loaded.LOBBY_DATA_DIR)))
  : undefined;
const config: Config = {
  ...loaded,
  AUTH_JWT_SECRET: loaded.AUTH_JWT_SECRET ?? secret,
  // The demo calendar lives on loopback, which the fetcher refuses unless told otherwise.
  CALENDAR_FETCH_ALLOWED_HOSTS:
    demoCalendar === null
      ? loaded.CALENDAR_FETCH_ALLOWED_HOSTS
      : [...loaded.CALENDAR_FETCH_ALLOWED_HOSTS, demoCalendar.host],
};

const runtime = await openRuntime(config);
await startWorkerRole(runtime);
const api = await startApiRole(runtime, {
  issueDevelopmentToken: secret === undefined ? null : developmentTokenIssuer(secret),
});
if (demoCalendar !== null) await seedDemoRoom(runtime, demoCalendar.url);
for (const line of [
  `Lobby is running: ${config.PUBLIC_BASE_URL}`,
  config.DEV_SIGN_IN ? `Development sign-in is on (listening on ${config.HOST} only)` : '',
  demoCalendar === null ? '' : `Demo room: ${config.PUBLIC_BASE_URL}/demo`,
  embedded ? `Embedded database in ${path.resolve(config.LOBBY_DATA_DIR)}` : '',
]) {
  if (line !== '') runtime.log(line);
}
closeOnSignals(async () => {
  await api.close();
  demoCalendar?.server.close();
  await runtime.close();
}, runtime.log);
