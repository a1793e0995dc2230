// The one place a process or a test opens its engines: Redis ones (pub/sub events, BullMQ jobs,
// locks, rate limits) when given a Redis connection, else in-process ones; closed together.
import type { EventBus } from './events.js';
import { createInProcessEventBus } from './events/in-process.js';
import { createRedisEventBus } from './events/redis.js';
import type { JobFailureListener, JobQueue } from './jobs.js';
import { createBullmqJobQueue } from './jobs/bullmq.js';
import { createInProcessJobQueue } from './jobs/in-process.js';
import type { Locks } from './locks.js';
import { createInProcessLocks } from './locks/in-process.js';
import { createRedisLocks } from './locks/redis.js';
import type { RateLimits } from './rate-limits.js';
import { createInProcessRateLimits } from './rate-limits/in-process.js';
import { createRedisRateLimits } from './rate-limits/redis.js';
import type { RedisEngineOptions } from './redis-connection.js';

export type Engines = {
  events: EventBus;
  jobs: JobQueue;
  locks: Locks;
  rateLimits: RateLimits;
  close(): Promise<void>;
};

export type EngineOptions = {
  /** Redis for every engine; without it, the engines live in this process only. */
  redis?: Omit<RedisEngineOptions, 'log'>;
  log: RedisEngineOptions['log'];
  onJobFailed?: JobFailureListener;
};

function openEach(options: EngineOptions): Omit<Engines, 'close'> {
  const { log, onJobFailed } = options;
  if (options.redis === undefined) {
    return {
      events: createInProcessEventBus({ log }),
      jobs: createInProcessJobQueue({ log, onJobFailed }),
      locks: createInProcessLocks(),
      rateLimits: createInProcessRateLimits(),
    };
  }
  const redis = { ...options.redis, log };
  return {
    events: createRedisEventBus(redis),
    jobs: createBullmqJobQueue({ ...redis, onJobFailed }),
    locks: createRedisLocks(redis),
    // Shared: every API process counts against the same windows.
    rateLimits: createRedisRateLimits(redis),
  };
}

export function openEngines(options: EngineOptions): Engines {
  const engines = openEach(options);
  return {
    ...engines,
    async close() {
      await engines.jobs.close();
      await engines.events.close();
      await engines.locks.close();
      await engines.rateLimits.close();
    },
  };
}
