// Chooses and opens the engines: PostgreSQL/Redis/BullMQ when their URLs are set, else the
// embedded ones (PGlite under LOBBY_DATA_DIR, in-process events, jobs, locks and rate limits).
import path from 'node:path';
import { createFeedReader } from '../adapters/feed-reader/index.js';
import type { Config } from '../config.js';
import { openDatabase, type Database } from '../engines/database/database.js';
import type { EventBus } from '../engines/events.js';
import { createInProcessEventBus } from '../engines/events/in-process.js';
import { createRedisEventBus } from '../engines/events/redis.js';
import type { JobQueue } from '../engines/jobs.js';
import { createBullmqJobQueue } from '../engines/jobs/bullmq.js';
import { createInProcessJobQueue } from '../engines/jobs/in-process.js';
import type { Locks } from '../engines/locks.js';
import { createInProcessLocks } from '../engines/locks/in-process.js';
import { createRedisLocks } from '../engines/locks/redis.js';
import type { RateLimits } from '../engines/rate-limits.js';
import { createInProcessRateLimits } from '../engines/rate-limits/in-process.js';
import { createRedisRateLimits } from '../engines/rate-limits/redis.js';
import { closeRedisConnection, openRedisConnection } from '../engines/redis-connection.js';
import { createProcessMetrics, type ProcessMetrics } from '../http/metrics.js';
import type { ServiceDependencies } from '../services/dependencies.js';
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
  let events: EventBus;
  let jobs: JobQueue;
  let locks: Locks;
  let rateLimits: RateLimits;
  let pingRedis: (() => Promise<unknown>) | undefined;
  let closeRedis: () => Promise<void> = () => Promise.resolve();
  if (config.REDIS_URL === undefined) {
    events = createInProcessEventBus({ log });
    jobs = createInProcessJobQueue({ log, onJobFailed: metrics.onJobFailed });
    locks = createInProcessLocks();
    rateLimits = createInProcessRateLimits();
  } else {
    const redisOptions = { url: config.REDIS_URL, prefix: config.REDIS_KEY_PREFIX, log };
    events = createRedisEventBus(redisOptions);
    jobs = createBullmqJobQueue({ ...redisOptions, onJobFailed: metrics.onJobFailed });
    locks = createRedisLocks(redisOptions);
    // Shared: every API process counts against the same windows.
    rateLimits = createRedisRateLimits(redisOptions);
    const readinessConnection = openRedisConnection(redisOptions, 'commands');
    pingRedis = () => readinessConnection.ping();
    closeRedis = () => closeRedisConnection(readinessConnection);
  }
  metrics.observeJobQueue(jobs);
  const feedReader = createFeedReader({ timeoutSeconds: config.CALENDAR_READ_TIMEOUT_SECONDS });
  const deps: ServiceDependencies = {
    prisma: database.prisma,
    events,
    jobs,
    locks,
    rateLimits,
    feedReader,
    instruments: observed(metrics.instruments, log),
    now: () => new Date(),
    config,
  };
  // Every process with a bus relays: leftovers go out while any process of the deployment runs.
  const outboxRelay = startOutboxRelay({ ...deps, log });
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
      await jobs.close();
      await events.close();
      await locks.close();
      await rateLimits.close();
      await closeRedis();
      await feedReader.close();
      await database.close();
    },
  };
}
