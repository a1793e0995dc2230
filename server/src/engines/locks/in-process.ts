// In-process locks with a time to live, for the single-process mode.
import { performance } from 'node:perf_hooks';
import type { Lock, Locks } from '../locks.js';

type Holder = { readonly owner: symbol; expiresAt: number };

// Redis refuses such a PX too: both engines reject it.
const invalidTtl = (ttlMs: number) =>
  Number.isInteger(ttlMs) && ttlMs > 0
    ? undefined
    : new RangeError(`A lock TTL must be a positive whole number of milliseconds, not ${ttlMs}`);

export function createInProcessLocks(): Locks {
  const holders = new Map<string, Holder>();
  // A monotonic clock: wall-clock jumps must neither free nor keep a lock.
  const now = () => performance.now();
  const heldBy = (key: string, owner: symbol) => {
    const holder = holders.get(key);
    return holder?.owner === owner && holder.expiresAt > now() ? holder : undefined;
  };

  return {
    tryAcquire(key, ttlMs) {
      const ttlError = invalidTtl(ttlMs);
      if (ttlError !== undefined) {
        return Promise.reject(ttlError);
      }
      const current = holders.get(key);
      if (current !== undefined && current.expiresAt > now()) {
        return Promise.resolve(undefined);
      }
      const owner = Symbol(key);
      holders.set(key, { owner, expiresAt: now() + ttlMs });
      const lock: Lock = {
        key,
        extend(extendedTtlMs) {
          const extendError = invalidTtl(extendedTtlMs);
          if (extendError !== undefined) {
            return Promise.reject(extendError);
          }
          const holder = heldBy(key, owner);
          if (holder !== undefined) {
            holder.expiresAt = now() + extendedTtlMs;
          }
          return Promise.resolve(holder !== undefined);
        },
        release() {
          const held = heldBy(key, owner) !== undefined;
          if (held) {
            holders.delete(key);
          }
          return Promise.resolve(held);
        },
      };
      return Promise.resolve(lock);
    },
    close() {
      holders.clear();
      return Promise.resolve();
    },
  };
}
