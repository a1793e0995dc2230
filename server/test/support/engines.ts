// The test kit's engines, opened by the processes' own openEngines: in-process, or on Redis in a
// test's namespace.
import { type Engines, openEngines } from '../../src/engines/open-engines.js';
import type { RedisEngineOptions } from '../../src/engines/redis-connection.js';
import { engineCases, type EngineCase } from './redis.js';

export type { Engines } from '../../src/engines/open-engines.js';

export function inProcessEngines(log: RedisEngineOptions['log']): Engines {
  return openEngines({ log });
}

/** The engines a process opens on Redis, under the options' key prefix. */
export function redisEngines(options: RedisEngineOptions): Engines {
  return openEngines({ redis: options, log: options.log });
}

/** In-process engines always, Redis ones too where REDIS_URL is set; keys are cleaned up. */
export function engineSetCases(): EngineCase<Engines>[] {
  return engineCases({ inProcess: inProcessEngines, redis: redisEngines });
}
