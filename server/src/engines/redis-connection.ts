// The one place that opens ioredis connections for the Redis engines, and names their keys.
import { Redis } from 'ioredis';

export type RedisEngineOptions = {
  url: string;
  /** Namespaces every key, channel and queue, so deployments and test suites can share a Redis. */
  prefix?: string;
  log: (message: string, error: unknown) => void;
};

const defaultPrefix = 'lobby';

export function redisPrefix(options: Pick<RedisEngineOptions, 'prefix'>): string {
  return options.prefix ?? defaultPrefix;
}

/** A key or channel name inside the engine's namespace: `<prefix>:<part>:<part>…`. */
export function redisName(options: Pick<RedisEngineOptions, 'prefix'>, ...parts: string[]): string {
  return [redisPrefix(options), ...parts].join(':');
}

export type RedisConnectionUse =
  /** Locks, publishing and readiness: a command fails fast while Redis is unreachable. */
  | 'commands'
  /** Enqueueing jobs (BullMQ's Queue): fails fast too, so a request never waits on a lost Redis. */
  | 'queue'
  /** Pub/sub: ioredis re-subscribes by itself after a reconnect. */
  | 'subscriber'
  /** BullMQ's worker requires commands that wait for Redis indefinitely (`maxRetriesPerRequest: null`). */
  | 'bullmq';

/** How long a request may wait on Redis before it fails with a retryable error. */
export const redisCommandTimeoutMs = 2_000;

/**
 * Without bounds, a command sent while Redis is down waits through 20 reconnection attempts (about
 * 40 s); with them it fails within `redisCommandTimeoutMs`.
 */
const failFast = {
  commandTimeout: redisCommandTimeoutMs,
  connectTimeout: redisCommandTimeoutMs,
  maxRetriesPerRequest: 1,
} as const;

/** A connection named `<prefix>:<use>` (visible in CLIENT LIST), its errors logged, not thrown. */
export function openRedisConnection(options: RedisEngineOptions, use: RedisConnectionUse): Redis {
  const connectionName = redisName(options, use);
  const connection = new Redis(options.url, {
    connectionName,
    ...(use === 'bullmq'
      ? { maxRetriesPerRequest: null }
      : use === 'subscriber'
        ? { connectTimeout: redisCommandTimeoutMs, maxRetriesPerRequest: 1 }
        : failFast),
  });
  connection.on('error', (error: unknown) => {
    options.log(`Redis connection ${connectionName} failed`, error);
  });
  return connection;
}

/** Quits gracefully when connected; drops the connection (and its reconnection) otherwise. */
export async function closeRedisConnection(connection: Redis): Promise<void> {
  if (connection.status === 'ready') {
    await connection.quit();
  } else {
    connection.disconnect();
  }
}
