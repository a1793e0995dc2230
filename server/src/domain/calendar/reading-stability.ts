// How long a reading of unchanged feed bytes stays true while the sync window moves with the clock
// (DESIGN §3, fetching 4): a sync of the same bytes before then has nothing to read or write.
import { createHash } from 'node:crypto';
import type { TimeWindow } from './occurrence.js';
import { overlapsWindow } from './series.js';
import { DAY_MS } from './time-zones.js';

/** How far past the window a sync reads, to see which occurrence enters the window next. */
export const STABILITY_HORIZON_MS = DAY_MS;

type Span = { startsAt: Date; endsAt: Date };

/** The window a sync reads: the sync window and the stability horizon after it. */
export function readingWindow(window: TimeWindow): TimeWindow {
  return { from: window.from, to: new Date(window.to.getTime() + STABILITY_HORIZON_MS) };
}

/**
 * The first instant at which the same bytes could read differently: an occurrence read through
 * `readingWindow(window)` enters the window, one inside it leaves it, the horizon runs out, or the
 * window's year (which judges custom time-zone definitions) turns. `window` is the one around `now`.
 */
export function readingStableUntil(
  occurrences: readonly Span[],
  window: TimeWindow,
  now: Date,
): Date {
  const lookBehindMs = now.getTime() - window.from.getTime();
  const lookAheadMs = window.to.getTime() - now.getTime();
  const nextYearOfWindow = Date.UTC(window.from.getUTCFullYear() + 1, 0, 1);
  let untilMs = Math.min(now.getTime() + STABILITY_HORIZON_MS, nextYearOfWindow + lookBehindMs);
  for (const occurrence of occurrences) {
    const changesAtMs = overlapsWindow(occurrence, window)
      ? occurrence.endsAt.getTime() + lookBehindMs
      : occurrence.startsAt.getTime() - lookAheadMs;
    untilMs = Math.min(untilMs, changesAtMs);
  }
  return new Date(untilMs);
}

/** What a reading depends on besides the bytes and the clock: a change in any of them reads again. */
export function readingInputsHash(inputs: {
  roomUrl: string;
  timezone: string;
  lookaheadDays: number;
}): string {
  return createHash('sha256')
    .update(JSON.stringify([inputs.roomUrl, inputs.timezone, inputs.lookaheadDays]))
    .digest('hex');
}
