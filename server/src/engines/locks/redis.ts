// Redis locks: SET NX PX with a random token per owner; extend and release compare the token
// and act in one Lua script, so an owner whose lock expired can never touch its successor's.
import { randomBytes } from 'node:crypto';
import type { Lock, Locks } from '../locks.js';
import {
  closeRedisConnection,
  openRedisConnection,
  redisName,
  type RedisEngineOptions,
} from '../redis-connection.js';

const extendIfOwner = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`;

const releaseIfOwner = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

/** The Redis key of a lock. */
export function lockKey(options: Pick<RedisEngineOptions, 'prefix'>, key: string): string {
  return redisName(options, 'lock', key);
}

export function createRedisLocks(options: RedisEngineOptions): Locks {
  const connection = openRedisConnection(options, 'commands');
  let closing: Promise<void> | undefined;

  return {
    async tryAcquire(key, ttlMs) {
      const redisKey = lockKey(options, key);
      const token = randomBytes(16).toString('hex');
      if ((await connection.set(redisKey, token, 'PX', ttlMs, 'NX')) !== 'OK') {
        return undefined;
      }
      const lock: Lock = {
        key,
        async extend(extendedTtlMs) {
          return (await connection.eval(extendIfOwner, 1, redisKey, token, extendedTtlMs)) === 1;
        },
        async release() {
          return (await connection.eval(releaseIfOwner, 1, redisKey, token)) === 1;
        },
      };
      return lock;
    },
    close() {
      closing ??= closeRedisConnection(connection);
      return closing;
    },
  };
}
