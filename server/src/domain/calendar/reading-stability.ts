// How long a reading of unchanged feed bytes stays true while the sync window moves with the clock
// (DESIGN §3, fetching 4): until an occurrence enters the window, a sync of the same bytes has
// nothing to write, and what it matched is the stored spans still in the window.
import { createHash } from 'node:crypto';
import { DAY_MS, overlapsWindow, type TimeWindow } from './read-feed.js';

/** How far past the window a sync reads, to see which occurrence enters the window next. */
export const STABILITY_HORIZON_MS = 7 * DAY_MS;

export type OccurrenceSpan = { startsAt: Date; endsAt: Date };

/** The window a sync reads: the sync window and the stability horizon after it. */
export function readingWindow(window: TimeWindow): TimeWindow {
  return { from: window.from, to: new Date(window.to.getTime() + STABILITY_HORIZON_MS) };
}

/**
 * The first instant at which the same bytes could read differently: an occurrence read through
 * `readingWindow(window)` enters the window, the horizon runs out, or the window's year (which
 * judges custom time-zone definitions) turns. `window` is the one around `now`. Occurrences leaving
 * the window change no row: `matchedInWindow` counts what remains.
 */
export function readingStableUntil(
  occurrences: readonly OccurrenceSpan[],
  window: TimeWindow,
  now: Date,
): Date {
  const lookBehindMs = now.getTime() - window.from.getTime();
  const lookAheadMs = window.to.getTime() - now.getTime();
  const nextYearOfWindow = Date.UTC(window.from.getUTCFullYear() + 1, 0, 1);
  let untilMs = Math.min(now.getTime() + STABILITY_HORIZON_MS, nextYearOfWindow + lookBehindMs);
  for (const occurrence of occurrences) {
    if (!overlapsWindow(occurrence, window)) {
      untilMs = Math.min(untilMs, occurrence.startsAt.getTime() - lookAheadMs);
    }
  }
  return new Date(untilMs);
}

/** How many of the spans a stable reading matched are in `window`. */
export function matchedInWindow(spans: readonly OccurrenceSpan[], window: TimeWindow): number {
  return spans.filter((span) => overlapsWindow(span, window)).length;
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
