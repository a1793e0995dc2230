// When a feed is synced next (DESIGN §3.5): on its interval after success, with exponential
// backoff after failures (capped at 24 × the interval), never before a server's Retry-After
// (itself capped at a day: a huge value must not push the next sync past any date).

export const BACKOFF_CAP_INTERVALS = 24;
export const RETRY_AFTER_CAP_SECONDS = 24 * 60 * 60;

/** Syncs in a row that stopped their worker before the feed is paused: it would kill the next one. */
export const WORKER_STOPS_BEFORE_PAUSE = 3;

const minuteMs = 60_000;

export function nextSyncAfterSuccess(now: Date, syncIntervalMinutes: number): Date {
  return new Date(now.getTime() + syncIntervalMinutes * minuteMs);
}

/** `consecutiveFailures` counts the failure just recorded (1 after the first failure). */
export function nextSyncAfterFailure(
  now: Date,
  syncIntervalMinutes: number,
  consecutiveFailures: number,
  retryAfterSeconds: number | undefined,
): Date {
  const backoffIntervals = Math.min(
    2 ** Math.max(0, consecutiveFailures - 1),
    BACKOFF_CAP_INTERVALS,
  );
  const backoffMs = backoffIntervals * syncIntervalMinutes * minuteMs;
  const retryAfterMs = Math.min(retryAfterSeconds ?? 0, RETRY_AFTER_CAP_SECONDS) * 1000;
  return new Date(now.getTime() + Math.max(backoffMs, retryAfterMs));
}

/** The sync window (DESIGN §3.7): occurrences overlapping [now − 1 h, now + lookahead days]. */
export function syncWindow(now: Date, lookaheadDays: number): { from: Date; to: Date } {
  return {
    from: new Date(now.getTime() - 60 * minuteMs),
    to: new Date(now.getTime() + lookaheadDays * 24 * 60 * minuteMs),
  };
}

/** Whether the feed must pause: its newest finished runs (newest first) all stopped their worker. */
export function pausesAfterWorkerStops(newestErrorCodes: readonly (string | null)[]): boolean {
  const newest = newestErrorCodes.slice(0, WORKER_STOPS_BEFORE_PAUSE);
  return (
    newest.length === WORKER_STOPS_BEFORE_PAUSE && newest.every((code) => code === 'WORKER_STOPPED')
  );
}
