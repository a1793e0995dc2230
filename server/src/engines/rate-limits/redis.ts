// Redis rate limits: one counter per rule and subject, incremented with its expiry in one script,
// so every API process counts against the same window.
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { rateLimitsFrom, type RateLimits } from '../rate-limits.js';
import {
  closeRedisConnection,
  openRedisConnection,
  redisName,
  type RedisEngineOptions,
} from '../redis-connection.js';

export function createRedisRateLimits(options: RedisEngineOptions): RateLimits {
  const connection = openRedisConnection(options, 'commands');
  let closing: Promise<void> | undefined;
  return rateLimitsFrom(
    (rule) =>
      new RateLimiterRedis({
        storeClient: connection,
        keyPrefix: redisName(options, 'rate', rule.name),
        points: rule.limit,
        duration: rule.windowSeconds,
      }),
    () => {
      closing ??= closeRedisConnection(connection);
      return closing;
    },
  );
}
