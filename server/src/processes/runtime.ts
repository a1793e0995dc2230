// Chooses and opens the engines: PostgreSQL/Redis/BullMQ when their URLs are set, else the
// embedded ones (PGlite under LOBBY_DATA_DIR, in-process events, jobs, locks and rate limits).
import path from 'node:path';
import { createFeedReader } from '../adapters/feed-reader/index.js';
import type { Config } from '../config.js';
import { openDatabase, type Database } from '../engines/database/database.js';
import { openEngines } from '../engines/open-engines.js';
import { closeRedisConnection, openRedisConnection } from '../engines/redis-connection.js';
import { createProcessMetrics, type ProcessMetrics } from '../http/metrics.js';
import { createServiceDependencies, type ServiceDependencies } from '../services/dependencies.js';
import type { Instruments } from '../services/instruments.js';
import { startOutboxRelay } from '../services/outbox/relay.js';
import { createLog, type Log } from './logger.js';

export type { Log } from './logger.js';

/** Metrics for every report, and a line for each run and meeting (with the request id). */
function observed(instruments: Instruments, log: Log): Instruments {
  return {
    syncRunFinished(run) {
      instruments.syncRunFinished(run);
      log.event('Calendar sync run finished', run);
    },
    feedFetched(status, bodyBytes) {
      instruments.feedFetched(status, bodyBytes);
      log.debug('Feed downloaded', { status, bodyBytes });
    },
    meetingOpened(meeting) {
      instruments.meetingOpened(meeting);
      log.event('Meeting opened', meeting);
    },
    meetingEnded(meeting) {
      instruments.meetingEnded(meeting);
      log.event('Meeting ended', meeting);
    },
  };
}

export type Runtime = {
  config: Config;
  database: Database;
  deps: ServiceDependencies;
  log: Log;
  /** This process's Prometheus registry: services, jobs, and the API's figures where it serves. */
  metrics: ProcessMetrics;
  /** Each engine with 'ok' or 'unavailable' (GET /ready). */
  checkReadiness(): Promise<Record<string, string>>;
  close(): Promise<void>;
};

export function openDatabaseFromConfig(config: Config): Promise<Database> {
  return config.DATABASE_URL === undefined
    ? openDatabase({ kind: 'pglite', dataDirectory: path.resolve(config.LOBBY_DATA_DIR) })
    : openDatabase({ kind: 'postgres', url: config.DATABASE_URL });
}

/** 'ok' or 'unavailable': /ready is public, so the driver's own words (hosts, ports) go to the log. */
async function probe(log: Log, engine: string, check: () => Promise<unknown>): Promise<string> {
  try {
    await check();
    return 'ok';
  } catch (error) {
    log(`Readiness: ${engine} is unavailable`, error);
    return 'unavailable';
  }
}

/** Separate API and worker processes share work only through PostgreSQL and Redis. */
export function requireSharedEngines(config: Config, processName: string): void {
  if (config.DATABASE_URL === undefined || config.REDIS_URL === undefined) {
    throw new Error(
      `${processName} runs beside other processes: set DATABASE_URL and REDIS_URL ` +
        '(or use `npm start`, which runs everything in one process on embedded engines).',
    );
  }
}

/** `database` lets tests hand in a database they made (it is closed with the runtime). */
export async function openRuntime(
  config: Config,
  options: { database?: Database } = {},
): Promise<Runtime> {
  const database = options.database ?? (await openDatabaseFromConfig(config));
  if (database.kind === 'pglite') {
    // The embedded database is this process's own: bring it to the current schema.
    await database.migrate();
  }
  const log = createLog({ level: config.LOG_LEVEL });
  const metrics = createProcessMetrics();
  const redis =
    config.REDIS_URL === undefined
      ? undefined
      : { url: config.REDIS_URL, prefix: config.REDIS_KEY_PREFIX };
  const engines = openEngines({ redis, log, onJobFailed: metrics.onJobFailed });
  let pingRedis: (() => Promise<unknown>) | undefined;
  let closeRedis: () => Promise<void> = () => Promise.resolve();
  if (redis !== undefined) {
    const readinessConnection = openRedisConnection({ ...redis, log }, 'commands');
    pingRedis = () => readinessConnection.ping();
    closeRedis = () => closeRedisConnection(readinessConnection);
  }
  metrics.observeJobQueue(engines.jobs);
  // A worker runs up to WORKER_CONCURRENCY sync jobs at once, each reading one feed at a time.
  const feedReader = createFeedReader({
    timeoutSeconds: config.CALENDAR_READ_TIMEOUT_SECONDS,
    idleThreads: config.WORKER_CONCURRENCY,
  });
  const deps = createServiceDependencies({
    prisma: database.prisma,
    engines,
    feedReader,
    instruments: observed(metrics.instruments, log),
    now: () => new Date(),
    config,
    log,
  });
  // Every process with a bus relays: leftovers go out while any process of the deployment runs.
  const outboxRelay = startOutboxRelay(deps);
  return {
    config,
    database,
    deps,
    log,
    metrics,
    async checkReadiness() {
      const checks: Record<string, string> = {
        database: await probe(log, 'database', () => database.ping()),
      };
      if (pingRedis !== undefined) checks.redis = await probe(log, 'redis', pingRedis);
      return checks;
    },
    async close() {
      await outboxRelay.stop();
      await engines.close();
      await closeRedis();
      await feedReader.close();
      await database.close();
    },
  };
}
