// Lobby APIs for black-box tests and benchmarks, always on 127.0.0.1 with a free port: in this
// process on a database and engines the caller made, or as the real `api.ts` / `worker.ts` entry
// points in child processes sharing PostgreSQL and Redis.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { createFeedReader, type FeedReader } from '../../src/adapters/feed-reader/index.js';
import { parseConfig } from '../../src/config.js';
import type { Database } from '../../src/engines/database/database.js';
import type { Engines } from '../../src/engines/open-engines.js';
import { createProcessMetrics } from '../../src/http/metrics.js';
import { startApiRole } from '../../src/processes/api-role.js';
import { openRuntime, type Log, type Runtime } from '../../src/processes/runtime.js';
import { startWorkerRole } from '../../src/processes/worker-role.js';
import {
  createServiceDependencies,
  type ServiceDependencies,
} from '../../src/services/dependencies.js';
import { graphqlClient, type Gql } from './api-client.js';

/** Secrets every test API accepts; tests mint their tokens with them. */
export const testSecrets = {
  jwtSecret: 'lobby-test-jwt-secret-0123456789abcdef',
  bootstrapAdminToken: 'lobby-test-bootstrap-admin-token-0123456789',
} as const;

export const testPublicBaseUrl = 'https://lobby.example.org';

/** The environment of a test API: loopback only, a free port, the test secrets. */
export function testEnvironment(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    PUBLIC_BASE_URL: testPublicBaseUrl,
    VIDEO_BASE_URL: 'https://video.example.org',
    AUTH_JWT_SECRET: testSecrets.jwtSecret,
    LOBBY_BOOTSTRAP_ADMIN_TOKEN: testSecrets.bootstrapAdminToken,
    ...overrides,
  };
}

export type TestApi = {
  /** http://127.0.0.1:<port> */
  url: string;
  graphqlUrl: string;
  webSocketUrl: string;
  gql: Gql;
  close(): Promise<void>;
};

export function testApi(port: number, close: () => Promise<void>): TestApi {
  const url = `http://127.0.0.1:${port}`;
  const graphqlUrl = `${url}/graphql`;
  return {
    url,
    graphqlUrl,
    webSocketUrl: `ws://127.0.0.1:${port}/graphql`,
    gql: graphqlClient(graphqlUrl),
    close,
  };
}

function portOf(url: string): number {
  return Number(new URL(url).port);
}

export type InProcessApi = TestApi & {
  /** The services of the API's process, for set-ups no API call can make (a start time). */
  deps: ServiceDependencies;
  /** Every message the API (and its worker) logged. */
  logged: string[];
  /** Lobby loads done by the API's live fan-out so far. */
  loadCount(): number;
};

export type InProcessApiOptions = {
  database: Database;
  /** Their owner closes them after the API. */
  engines: Engines;
  /** Run the worker's jobs (calendar syncs, meeting timers) in this process too. */
  worker?: boolean;
  environment?: Record<string, string>;
  /** The feed reader to use (its owner closes it); one of the configured limit otherwise. */
  feedReader?: FeedReader;
};

/**
 * Starts the API role in this process. It closes neither the database nor the engines: their
 * owner does, after `close()`.
 */
export async function startInProcessApi(options: InProcessApiOptions): Promise<InProcessApi> {
  const config = parseConfig(testEnvironment(options.environment));
  const logged: string[] = [];
  const record = (message: string, error?: unknown) => {
    const detail = error instanceof Error ? error.message : JSON.stringify(error);
    logged.push(error === undefined ? message : `${message}: ${detail}`);
  };
  // Run and meeting lines come from the process's own instruments, which this API does not use.
  const log: Log = Object.assign(record, { event: () => undefined, debug: () => undefined });
  const { database, engines } = options;
  const feedReader =
    options.feedReader ??
    createFeedReader({ timeoutSeconds: config.CALENDAR_READ_TIMEOUT_SECONDS });
  const metrics = createProcessMetrics();
  metrics.observeJobQueue(engines.jobs);
  const deps = createServiceDependencies({
    prisma: database.prisma,
    engines,
    feedReader,
    instruments: metrics.instruments,
    now: () => new Date(),
    config,
    log,
  });
  const runtime: Runtime = {
    config,
    database,
    deps,
    log,
    metrics,
    checkReadiness: () => Promise.resolve({ database: 'ok' }),
    close: () => Promise.resolve(),
  };
  if (options.worker === true) await startWorkerRole(runtime);
  const api = await startApiRole(runtime, { issueDevelopmentToken: null });
  return {
    ...testApi(portOf(api.url), async () => {
      await api.close();
      if (options.feedReader === undefined) await feedReader.close();
    }),
    deps,
    logged,
    loadCount: () => api.loadCount(),
  };
}

export type RuntimeApi = TestApi & { runtime: Runtime };

/**
 * An API process's own runtime (engines, readiness checks) and API role, in this process: for
 * fault tests on engines the caller owns, given by DATABASE_URL and REDIS_URL in `environment`.
 */
export async function startRuntimeApi(
  environment: Record<string, string>,
  options: { worker?: boolean } = {},
): Promise<RuntimeApi> {
  const runtime = await openRuntime(parseConfig(testEnvironment(environment)));
  if (options.worker === true) await startWorkerRole(runtime);
  const api = await startApiRole(runtime, { issueDevelopmentToken: null });
  return {
    ...testApi(portOf(api.url), async () => {
      await api.close();
      await runtime.close();
    }),
    runtime,
  };
}

const processesDirectory = fileURLToPath(new URL('../../src/processes/', import.meta.url));
const startTimeoutMs = 60_000;
const stopTimeoutMs = 15_000;

export type LobbyProcess = {
  child: ChildProcess;
  /** Everything it wrote to stdout and stderr, line by line. */
  output: string[];
  /** SIGTERM, then SIGKILL if it has not exited in time. */
  stop(): Promise<void>;
};

export type ProcessOptions = {
  /** Entry point relative to server/src/processes (e.g. `api.ts`), or an absolute path. */
  script: string;
  environment: Record<string, string>;
  /** The line that says it is ready; its first capture group is returned. */
  readyLine: RegExp;
  nodeArguments?: string[];
  /** An IPC channel, for processes that report figures to their parent. */
  ipc?: boolean;
};

/**
 * Spawns `node --import tsx [nodeArguments] <script>` with only the given environment and waits
 * until it is ready (tsx first, so a preload may be TypeScript).
 */
export async function startLobbyProcess(
  options: ProcessOptions,
): Promise<LobbyProcess & { ready: string }> {
  const script = options.script.startsWith('/')
    ? options.script
    : `${processesDirectory}${options.script}`;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', ...(options.nodeArguments ?? []), script],
    {
      env: { PATH: process.env.PATH ?? '', ...options.environment },
      stdio: ['ignore', 'pipe', 'pipe', ...(options.ipc === true ? ['ipc' as const] : [])],
    },
  );
  const output: string[] = [];
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
  const ready = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`${options.script} was not ready in time:\n${output.join('\n')}`));
    }, startTimeoutMs);
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (line === '') continue;
        output.push(line);
        const match = options.readyLine.exec(line);
        if (match !== null) {
          clearTimeout(timer);
          resolve(match[1] ?? line);
        }
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(
          `${options.script} exited (${String(code ?? signal)}) before it was ready:\n${output.join('\n')}`,
        ),
      );
    });
  });
  return {
    child,
    output,
    ready,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

export type SharedEngines = { databaseUrl: string; redisUrl: string };

export type ClaimedRedis = { url: string; release(): Promise<void> };

const claimKey = 'lobby-test:claimed-by';
const claimSeconds = 3600;

/**
 * One of Redis's logical databases 1–15, claimed for this caller alone: child processes use the
 * default key prefix for queues and locks, so they need a database nobody else uses. `release()`
 * empties it. (Pub/sub ignores databases; topics carry unique ids.)
 */
export async function claimRedisDatabase(redisUrl: string): Promise<ClaimedRedis> {
  for (let database = 1; database <= 15; database += 1) {
    const url = new URL(redisUrl);
    url.pathname = `/${database}`;
    const connection = new Redis(url.toString());
    try {
      const claimed = await connection.set(claimKey, String(process.pid), 'EX', claimSeconds, 'NX');
      if (claimed === 'OK' && (await connection.dbsize()) === 1) {
        return {
          url: url.toString(),
          async release() {
            const owner = new Redis(url.toString());
            await owner.flushdb();
            await owner.quit();
          },
        };
      }
      if (claimed === 'OK') await connection.del(claimKey);
    } finally {
      await connection.quit();
    }
  }
  throw new Error('Redis databases 1–15 are all in use: no isolated database to run processes on');
}

function sharedEnvironment(engines: SharedEngines, overrides: Record<string, string>) {
  return testEnvironment({
    DATABASE_URL: engines.databaseUrl,
    REDIS_URL: engines.redisUrl,
    ...overrides,
  });
}

export type ApiProcess = TestApi & LobbyProcess;

/** `server/src/processes/api.ts` in a child process. */
export async function startApiProcess(
  engines: SharedEngines,
  overrides: Record<string, string> = {},
  options: Pick<ProcessOptions, 'script' | 'nodeArguments' | 'ipc'> = { script: 'api.ts' },
): Promise<ApiProcess> {
  const started = await startLobbyProcess({
    ...options,
    environment: sharedEnvironment(engines, overrides),
    readyLine: /listening on (http:\/\/\S+)/,
  });
  return { ...started, ...testApi(portOf(started.ready), () => started.stop()) };
}

/** `server/src/processes/worker.ts` in a child process. */
export function startWorkerProcess(
  engines: SharedEngines,
  overrides: Record<string, string> = {},
  options: Pick<ProcessOptions, 'nodeArguments'> = {},
): Promise<LobbyProcess> {
  return startLobbyProcess({
    ...options,
    script: 'worker.ts',
    environment: sharedEnvironment(engines, overrides),
    readyLine: /(Lobby worker started)/,
  });
}
