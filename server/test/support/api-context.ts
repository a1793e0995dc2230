// The hooks of a black-box API suite: one database, one calendar feed server, one API (with its
// worker) and one seeded scenario per suite, all closed after it.
import { afterAll, beforeAll } from 'vitest';
import {
  seedLobbyScenario,
  serveCalendarFeeds,
  type CalendarFeeds,
  type LobbyScenario,
} from './api-seed.js';
import {
  claimRedisDatabase,
  startApiProcess,
  startInProcessApi,
  startWorkerProcess,
  type ClaimedRedis,
  type InProcessApi,
  type LobbyProcess,
  type SharedEngines,
  type TestApi,
} from './api-server.js';
import { databaseEngines, type TestDatabase } from './database.js';
import type { EngineCase } from './redis.js';
import { type Engines, inProcessEngines } from './engines.js';

export type LobbyApiContext = {
  readonly database: TestDatabase;
  readonly feeds: CalendarFeeds;
  readonly api: InProcessApi;
  readonly scenario: LobbyScenario;
};

export type LobbyApiOptions = {
  open: () => Promise<TestDatabase>;
  /** Where the engines come from (Redis ones are namespaced and cleaned up); in-process if absent. */
  engineCase?: EngineCase<Engines>;
  environment?: Record<string, string>;
};

export function useLobbyApi(options: LobbyApiOptions): LobbyApiContext {
  let state: LobbyApiContext | undefined;
  let closeEngines: () => Promise<void> = () => Promise.resolve();
  const closers: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    const database = await options.open();
    closers.unshift(() => database.drop());
    const feeds = await serveCalendarFeeds();
    closers.unshift(() => feeds.close());
    let engines: Engines;
    if (options.engineCase === undefined) {
      engines = inProcessEngines(() => undefined);
      closeEngines = () => engines.close();
    } else {
      const { engineCase } = options;
      engines = engineCase.space().open();
      closeEngines = () => engineCase.cleanup();
    }
    const api = await startInProcessApi({
      database,
      engines,
      worker: true,
      environment: { CALENDAR_FETCH_ALLOWED_HOSTS: feeds.host, ...options.environment },
    });
    // The API first, then the jobs it may still run, then what they use.
    closers.unshift(() => closeEngines());
    closers.unshift(() => api.close());
    state = { database, feeds, api, scenario: await seedLobbyScenario(api.gql, feeds) };
  });
  afterAll(async () => {
    for (const close of closers) await close();
  });
  const current = () => {
    if (state === undefined) throw new Error('The API suite did not start');
    return state;
  };
  return {
    get database() {
      return current().database;
    },
    get feeds() {
      return current().feeds;
    },
    get api() {
      return current().api;
    },
    get scenario() {
      return current().scenario;
    },
  };
}

/** A suite's API with nothing seeded: one database and in-process engines, closed after it. */
export function useBareApi(
  open: () => Promise<TestDatabase>,
  environment: Record<string, string> = {},
): {
  readonly database: TestDatabase;
  readonly api: InProcessApi;
} {
  let state: { database: TestDatabase; engines: Engines; api: InProcessApi } | undefined;
  beforeAll(async () => {
    const database = await open();
    const engines = inProcessEngines(() => undefined);
    state = { database, engines, api: await startInProcessApi({ database, engines, environment }) };
  });
  afterAll(async () => {
    if (state === undefined) return;
    await state.api.close();
    await state.engines.close();
    await state.database.drop();
  });
  const current = () => {
    if (state === undefined) throw new Error('The API suite did not start');
    return state;
  };
  return {
    get database() {
      return current().database;
    },
    get api() {
      return current().api;
    },
  };
}

/** PostgreSQL and Redis for a suite of separate processes: one entry where both are set, else none. */
export function sharedEngineCases(): { open: () => Promise<TestDatabase>; redisUrl: string }[] {
  const postgres = databaseEngines().find(({ engine }) => engine === 'postgres');
  const redisUrl = process.env.REDIS_URL;
  return postgres === undefined || redisUrl === undefined
    ? []
    : [{ open: postgres.open, redisUrl }];
}

export type SharedEngineCase = ReturnType<typeof sharedEngineCases>[number];

/**
 * A fresh PostgreSQL database, Redis database and feed server for a suite's own processes; each
 * is closed by a closer put first on `closers` (run them in order).
 */
export async function openProcessEngines(
  { open, redisUrl }: SharedEngineCase,
  closers: (() => Promise<void>)[],
): Promise<{ engines: SharedEngines; feeds: CalendarFeeds }> {
  const database = await open();
  closers.unshift(() => database.drop());
  const feeds = await serveCalendarFeeds();
  closers.unshift(() => feeds.close());
  const redis = await claimRedisDatabase(redisUrl);
  closers.unshift(() => redis.release());
  if (database.url === undefined) throw new Error('PostgreSQL databases have a URL');
  return { engines: { databaseUrl: database.url, redisUrl: redis.url }, feeds };
}

export type ApiProcessesContext = {
  /** Makes changes; `reader` serves the same database and Redis from another process. */
  writer: TestApi;
  reader: TestApi;
  scenario: LobbyScenario;
  feeds: CalendarFeeds;
};

/** Two API processes and a worker sharing one PostgreSQL database and one Redis, per suite. */
export function useApiProcesses(engines: {
  open: () => Promise<TestDatabase>;
  redisUrl: string;
}): () => ApiProcessesContext {
  let database: TestDatabase | undefined;
  let feeds: CalendarFeeds | undefined;
  let redis: ClaimedRedis | undefined;
  const processes: LobbyProcess[] = [];
  let state: ApiProcessesContext | undefined;
  beforeAll(async () => {
    database = await engines.open();
    feeds = await serveCalendarFeeds();
    if (database.url === undefined) throw new Error('PostgreSQL databases have a URL');
    redis = await claimRedisDatabase(engines.redisUrl);
    const shared = { databaseUrl: database.url, redisUrl: redis.url };
    const environment = { CALENDAR_FETCH_ALLOWED_HOSTS: feeds.host };
    const [writer, reader, worker] = await Promise.all([
      startApiProcess(shared, environment),
      startApiProcess(shared, environment),
      startWorkerProcess(shared, environment),
    ]);
    processes.push(writer, reader, worker);
    state = { writer, reader, feeds, scenario: await seedLobbyScenario(writer.gql, feeds) };
  }, 120_000);
  afterAll(async () => {
    await Promise.all(processes.map((child) => child.stop()));
    await redis?.release();
    await feeds?.close();
    await database?.drop();
  });
  return () => {
    if (state === undefined) throw new Error('The processes did not start');
    return state;
  };
}
