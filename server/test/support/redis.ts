// The engines a contract suite runs on: in-process always, Redis too where REDIS_URL is set (CI
// always sets it). Each space gets its own key prefix, so parallel test files never collide.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { vi } from 'vitest';
import type { RedisEngineOptions } from '../../src/engines/redis-connection.js';

/** Retries an assertion until it holds: engines deliver asynchronously, Redis ones over the wire. */
export function eventually(assertion: () => void): Promise<void> {
  return vi.waitFor(assertion, { timeout: 5_000, interval: 10 });
}

export type EngineName = 'in-process' | 'redis';

export type LogEntry = { message: string; error: unknown };

/** One isolated namespace in which a test opens engines. */
export type EngineSpace<Engine> = {
  /** Another instance in this namespace: on Redis, as a second process would open it. */
  open(): Engine;
  /** What every engine of this space logged. */
  logged: LogEntry[];
  /** The namespace's Redis options, for tests that look at Redis itself; undefined in process. */
  redis: TestNamespace | undefined;
};

export type EngineCase<Engine> = {
  engine: EngineName;
  /** Whether two instances of one space share their state, as processes on one Redis do. */
  sharedAcrossInstances: boolean;
  space(): EngineSpace<Engine>;
  /** Closes every engine opened so far and deletes the Redis keys of their spaces. */
  cleanup(): Promise<void>;
};

type Closable = { close(): Promise<void> };
type TestNamespace = RedisEngineOptions & { prefix: string };
type ErrorLog = RedisEngineOptions['log'];

export function engineCases<Engine extends Closable>(factories: {
  inProcess: (log: ErrorLog) => Engine;
  redis: (options: RedisEngineOptions) => Engine;
}): EngineCase<Engine>[] {
  const redisUrl = process.env.REDIS_URL;
  const inProcess = trackedCase('in-process', (log) => ({
    open: () => factories.inProcess(log),
    redis: undefined,
  }));
  if (redisUrl === undefined) {
    return [inProcess];
  }
  const redis = trackedCase('redis', (log) => {
    const options = { url: redisUrl, prefix: `lobby-test-${randomBytes(6).toString('hex')}`, log };
    return { open: () => factories.redis(options), redis: options };
  });
  return [inProcess, redis];
}

function trackedCase<Engine extends Closable>(
  engine: EngineName,
  createSpace: (log: ErrorLog) => { open(): Engine; redis: TestNamespace | undefined },
): EngineCase<Engine> {
  let opened: Engine[] = [];
  let namespaces: TestNamespace[] = [];
  return {
    engine,
    sharedAcrossInstances: engine === 'redis',
    space() {
      const logged: LogEntry[] = [];
      const space = createSpace((message, error) => {
        logged.push({ message, error });
      });
      if (space.redis !== undefined) {
        namespaces.push(space.redis);
      }
      return {
        logged,
        redis: space.redis,
        open() {
          const instance = space.open();
          opened.push(instance);
          return instance;
        },
      };
    },
    async cleanup() {
      await Promise.all(opened.map((instance) => instance.close()));
      await Promise.all(namespaces.map(deleteKeys));
      opened = [];
      namespaces = [];
    },
  };
}

async function deleteKeys(namespace: TestNamespace): Promise<void> {
  const redis = new Redis(namespace.url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${namespace.prefix}:*`, 'COUNT', 500);
      if (keys.length > 0) {
        await redis.unlink(...keys);
      }
      cursor = next;
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}
