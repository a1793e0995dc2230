// The one way to run work under a lock: acquire, keep extending while it runs, release.
import type { Lock, Locks } from './locks.js';

export type LockedOutcome<Result> = { acquired: true; result: Result } | { acquired: false };

export class LockLostError extends Error {
  override name = 'LockLostError';
}

export type WithLockOptions = {
  /** How long the lock outlives a crashed owner; while work runs it is extended every third of it. */
  ttlMs: number;
  log: (message: string, error: unknown) => void;
};

/**
 * Runs `work` holding the lock `key`, or resolves `{ acquired: false }` at once when another owner
 * holds it. The lock is released when work ends, also when it throws (the error is rethrown).
 * Should an extension find the lock lost, `signal` aborts with a LockLostError: work should stop.
 */
export async function withLock<Result>(
  locks: Locks,
  key: string,
  options: WithLockOptions,
  work: (signal: AbortSignal) => Promise<Result>,
): Promise<LockedOutcome<Result>> {
  const lock = await locks.tryAcquire(key, options.ttlMs);
  if (lock === undefined) {
    return { acquired: false };
  }
  const lost = new AbortController();
  const extension = keepExtended(lock, options, lost);
  try {
    return { acquired: true, result: await work(lost.signal) };
  } finally {
    await extension.stop();
    // The lock expires by itself: failing to release it must not hide the work's outcome.
    await lock.release().catch((error: unknown) => {
      options.log(`Releasing lock ${key} failed`, error);
    });
  }
}

function keepExtended(
  lock: Lock,
  { ttlMs, log }: WithLockOptions,
  lost: AbortController,
): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let extending: Promise<void> = Promise.resolve();
  const scheduleNext = () => {
    if (!stopped) {
      timer = setTimeout(extend, Math.max(1, Math.floor(ttlMs / 3)));
    }
  };
  const extend = () => {
    extending = lock.extend(ttlMs).then(
      (extended) => {
        if (extended) {
          scheduleNext();
        } else {
          lost.abort(new LockLostError(`Lock ${lock.key} was lost while its work ran`));
        }
      },
      // A failed extension (Redis unreachable) may still leave the lock held: try again.
      (error: unknown) => {
        log(`Extending lock ${lock.key} failed`, error);
        scheduleNext();
      },
    );
  };
  scheduleNext();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await extending;
    },
  };
}
