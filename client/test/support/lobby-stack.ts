// Lobby as its users run it, for browser tests: the real entry points in child processes on a free
// loopback port, a calendar host the test rewrites, and a loopback stand-in for the video platform.
//   postgres and redis: a fresh migrated database, Redis, and `api.ts` beside `worker.ts`;
//   embedded: `all-in-one.ts` on a fresh data directory (PGlite, in-process engines).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { inject } from 'vitest';
import {
  dataOf,
  graphqlClient,
  pickString,
  type Gql,
} from '../../../server/test/support/api-client.js';
import {
  claimRedisDatabase,
  startApiProcess,
  startLobbyProcess,
  startWorkerProcess,
} from '../../../server/test/support/api-server.js';
import { startIcsServer, type IcsServer } from '../../../server/test/support/ics-server.js';
import { adminQuery, withDatabaseName } from '../../../server/test/support/postgres-admin.js';
// Declares what the run's global setup provides (`inject('postgres')`).
import type {} from '../../../server/test/global-setup.js';
import { repositoryRoot } from './client-build.js';
import { freePort } from '../../../server/test/support/free-port.js';

const run = promisify(execFile);

/** How the browser signs in as the stack's manager. */
export type ManagerSignIn =
  { kind: 'token'; token: string } | { kind: 'development'; displayName: string };

export type LobbyStack = {
  /** `http://127.0.0.1:<port>`: the app, its API and PUBLIC_BASE_URL. */
  baseUrl: string;
  gql: Gql;
  /** A bearer token of the manager: rooms it creates are theirs. */
  managerToken: string;
  managerSignIn: ManagerSignIn;
  /** Serves the feeds (and `/video`, VIDEO_BASE_URL); its authority is an allowed fetch host. */
  calendars: IcsServer;
  /** What calendar events must link to for the room (DESIGN §3, matching). */
  roomUrl: (roomName: string) => string;
  stop(): Promise<void>;
};

export type StackVariant = {
  /** For describe blocks: real engines are named, as CI's real-engine check expects. */
  name: string;
  start(): Promise<LobbyStack>;
};

type Cleanup = () => Promise<void>;

function npmEnvironment(databaseUrl: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME ?? os.homedir(),
    DATABASE_URL: databaseUrl,
  };
}

/** Runs cleanups newest first, also when setting up failed half way. */
async function withCleanups(
  setUp: (cleanups: Cleanup[]) => Promise<Omit<LobbyStack, 'stop'>>,
): Promise<LobbyStack> {
  const cleanups: Cleanup[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    return { ...(await setUp(cleanups)), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** What both variants start with: the calendar host, the app's address and its environment. */
async function prepareStack(cleanups: Cleanup[]) {
  const calendars = await startIcsServer();
  cleanups.push(() => calendars.close());
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const environment = {
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_BASE_URL: baseUrl,
    // Join links point here, so no page ever loads a real video platform.
    VIDEO_BASE_URL: calendars.url('/video'),
    CALENDAR_FETCH_ALLOWED_HOSTS: calendars.authority,
    // `syncNowAs` asks every second until the per-room cooldown lets it through: each refusal
    // counts against the per-user sync limit too, which these tests are not about.
    CALENDAR_SYNCS_PER_USER_PER_MINUTE: '10000',
  };
  return {
    calendars,
    baseUrl,
    environment,
    gql: graphqlClient(`${baseUrl}/graphql`),
    roomUrl: (roomName: string) => `${baseUrl}/${roomName}`,
  };
}

/** Deletes the engines' keys (BullMQ schedules and delayed jobs outlive the processes). */
function startOnRealEngines(
  postgres: { adminUrl: string; templateName: string },
  sharedRedisUrl: string,
): Promise<LobbyStack> {
  return withCleanups(async (cleanups) => {
    const parts = await prepareStack(cleanups);
    // Named after this run's template, so the run's teardown drops it even if this process dies.
    const databaseName = `${postgres.templateName}_browser_${randomBytes(4).toString('hex')}`;
    await adminQuery(postgres.adminUrl, `CREATE DATABASE "${databaseName}"`);
    cleanups.push(async () => {
      await adminQuery(postgres.adminUrl, `DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
    });
    const databaseUrl = withDatabaseName(postgres.adminUrl, databaseName);
    const options = { cwd: repositoryRoot, env: npmEnvironment(databaseUrl) };
    await run('npm', ['run', 'db:migrate'], options);
    const created = await run(
      'npm',
      [
        'run',
        'lobby',
        '--',
        'apikey',
        'create',
        '--name',
        'browser-tests',
        '--owner',
        'browser-manager@example.org',
      ],
      options,
    );
    const managerToken = /Secret \(shown once\): (\S+)/.exec(created.stdout)?.[1];
    if (managerToken === undefined) {
      throw new Error(`apikey create printed no secret:\n${created.stdout}${created.stderr}`);
    }

    const claimed = await claimRedisDatabase(sharedRedisUrl);
    cleanups.push(() => claimed.release());
    const redisUrl = claimed.url;
    const engines = { databaseUrl, redisUrl };
    const [api, worker] = await Promise.allSettled([
      startApiProcess(engines, parts.environment),
      startWorkerProcess(engines, parts.environment),
    ]);
    for (const started of [api, worker]) {
      if (started.status === 'fulfilled') cleanups.push(() => started.value.stop());
    }
    for (const started of [api, worker]) {
      if (started.status === 'rejected') throw started.reason;
    }
    return { ...parts, managerToken, managerSignIn: { kind: 'token', token: managerToken } };
  });
}

function startEmbedded(): Promise<LobbyStack> {
  return withCleanups(async (cleanups) => {
    const parts = await prepareStack(cleanups);
    const dataDirectory = await mkdtemp(path.join(os.tmpdir(), 'lobby-browser-'));
    cleanups.push(() => rm(dataDirectory, { recursive: true, force: true }));
    const server = await startLobbyProcess({
      script: 'all-in-one.ts',
      environment: {
        ...parts.environment,
        NODE_ENV: 'test',
        LOBBY_DATA_DIR: dataDirectory,
        DEV_SIGN_IN: 'true',
      },
      readyLine: /Lobby is running: (\S+)/,
    });
    cleanups.push(() => server.stop());
    const displayName = 'Browser Manager';
    const signedIn = await parts.gql(
      `mutation ($displayName: String!) {
        devSignIn(displayName: $displayName) {
          __typename ... on DevSignInSuccess { token } ... on Error { message }
        }
      }`,
      { displayName },
    );
    const managerToken = pickString(dataOf(signedIn), 'devSignIn', 'token');
    return { ...parts, managerToken, managerSignIn: { kind: 'development', displayName } };
  });
}

/** Real engines where DATABASE_URL and REDIS_URL are set (CI always sets them); embedded always. */
export function stackVariants(): StackVariant[] {
  const postgres = inject('postgres');
  const redisUrl = process.env.REDIS_URL;
  const real: StackVariant[] =
    postgres === null || redisUrl === undefined
      ? []
      : [
          {
            name: 'browser on postgres and redis',
            start: () => startOnRealEngines(postgres, redisUrl),
          },
        ];
  return [...real, { name: 'browser on embedded engines', start: startEmbedded }];
}
