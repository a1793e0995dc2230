import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { engineCases, eventually } from '../../test/support/redis.js';
import { createInProcessLocks } from './locks/in-process.js';
import { createRedisLocks } from './locks/redis.js';
import { LockLostError, withLock } from './with-lock.js';

const cases = engineCases({
  inProcess: () => createInProcessLocks(),
  redis: createRedisLocks,
});

/** Holds the event loop, as a stalled process would: no timer, no extension runs meanwhile. */
function stallFor(durationMs: number) {
  const until = performance.now() + durationMs;
  while (performance.now() < until) {
    // Busy on purpose.
  }
}

describe.each(cases)('locks on $engine', (engineCase) => {
  afterEach(() => engineCase.cleanup());

  it('gives a key to one owner at a time, until it is released', async () => {
    const locks = engineCase.space().open();
    const lock = await locks.tryAcquire('room:1', 10_000);
    expect(lock?.key).toBe('room:1');
    expect(await locks.tryAcquire('room:1', 10_000)).toBeUndefined();
    expect(await locks.tryAcquire('room:2', 10_000)).toBeDefined();

    expect(await lock?.release()).toBe(true);
    expect(await lock?.release()).toBe(false);
    expect(await lock?.extend(10_000)).toBe(false);
    expect(await locks.tryAcquire('room:1', 10_000)).toBeDefined();
  });

  it('frees a lock that is not extended within its TTL', async () => {
    const locks = engineCase.space().open();
    expect(await locks.tryAcquire('room:1', 50)).toBeDefined();
    await sleep(120);
    expect(await locks.tryAcquire('room:1', 10_000)).toBeDefined();
  });

  it('keeps an extended lock beyond its first TTL', async () => {
    const locks = engineCase.space().open();
    const lock = await locks.tryAcquire('room:1', 50);
    expect(await lock?.extend(10_000)).toBe(true);
    await sleep(120);
    expect(await locks.tryAcquire('room:1', 10_000)).toBeUndefined();
  });

  it('never lets an expired owner extend or release its successor’s lock', async () => {
    const locks = engineCase.space().open();
    const expired = await locks.tryAcquire('room:1', 50);
    await sleep(120);
    const successor = await locks.tryAcquire('room:1', 10_000);
    expect(successor).toBeDefined();

    expect(await expired?.extend(10_000)).toBe(false);
    expect(await expired?.release()).toBe(false);
    expect(await locks.tryAcquire('room:1', 10_000)).toBeUndefined();
    expect(await successor?.release()).toBe(true);
  });

  it('refuses a TTL that is not a positive whole number of milliseconds', async () => {
    const locks = engineCase.space().open();
    await expect(locks.tryAcquire('room:1', 0)).rejects.toThrow();
    await expect(locks.tryAcquire('room:1', 1.5)).rejects.toThrow();
  });

  it('runs work under the lock and releases it afterwards', async () => {
    const locks = engineCase.space().open();
    const options = { ttlMs: 10_000, log: () => undefined };
    const outcome = await withLock(locks, 'sync', options, async () => {
      expect(await locks.tryAcquire('sync', 10_000)).toBeUndefined();
      return 'synced';
    });
    expect(outcome).toEqual({ acquired: true, result: 'synced' });
    expect(await locks.tryAcquire('sync', 10_000)).toBeDefined();
  });

  it('reports "not acquired" without running the work while another owner holds the lock', async () => {
    const locks = engineCase.space().open();
    await locks.tryAcquire('sync', 10_000);
    let ran = false;
    const work = () => {
      ran = true;
      return Promise.resolve();
    };
    expect(await withLock(locks, 'sync', { ttlMs: 10_000, log: () => undefined }, work)).toEqual({
      acquired: false,
    });
    expect(ran).toBe(false);
  });

  it('releases the lock when the work throws, and rethrows', async () => {
    const locks = engineCase.space().open();
    const failing = withLock(locks, 'sync', { ttlMs: 10_000, log: () => undefined }, () =>
      Promise.reject(new Error('work failed')),
    );
    await expect(failing).rejects.toThrow('work failed');
    expect(await locks.tryAcquire('sync', 10_000)).toBeDefined();
  });

  it('extends the lock while long work runs', async () => {
    const locks = engineCase.space().open();
    const outcome = await withLock(
      locks,
      'sync',
      { ttlMs: 240, log: () => undefined },
      async (signal) => {
        await sleep(600);
        return { heldByOther: await locks.tryAcquire('sync', 10_000), aborted: signal.aborted };
      },
    );
    expect(outcome).toEqual({ acquired: true, result: { heldByOther: undefined, aborted: false } });
  });

  it('aborts the work’s signal when the lock was lost, and leaves the new owner’s lock alone', async () => {
    const locks = engineCase.space().open();
    let successorHeld = false;
    const outcome = await withLock(
      locks,
      'sync',
      { ttlMs: 60, log: () => undefined },
      async (signal) => {
        stallFor(200);
        const successor = await locks.tryAcquire('sync', 10_000);
        successorHeld = successor !== undefined;
        await eventually(() => {
          expect(signal.aborted).toBe(true);
        });
        return String(signal.reason);
      },
    );
    expect(successorHeld).toBe(true);
    expect(outcome).toEqual({
      acquired: true,
      result: String(new LockLostError('Lock sync was lost while its work ran')),
    });
    expect(await locks.tryAcquire('sync', 10_000)).toBeUndefined();
  });

  if (engineCase.sharedAcrossInstances) {
    it('excludes the owners of two processes from each other', async () => {
      const space = engineCase.space();
      const first = space.open();
      const second = space.open();
      const lock = await first.tryAcquire('room:1', 10_000);
      expect(await second.tryAcquire('room:1', 10_000)).toBeUndefined();
      await lock?.release();
      expect(await second.tryAcquire('room:1', 10_000)).toBeDefined();
    });
  }
});
