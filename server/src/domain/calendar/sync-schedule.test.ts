import { describe, expect, it } from 'vitest';
import { nextSyncAfterFailure, nextSyncAfterSuccess, syncWindow } from './sync-schedule.js';

const now = new Date('2026-11-27T10:00:00Z');
const minutesFromNow = (date: Date) => (date.getTime() - now.getTime()) / 60_000;

describe('sync schedule', () => {
  it('syncs again after the interval on success', () => {
    expect(minutesFromNow(nextSyncAfterSuccess(now, 5))).toBe(5);
  });

  it('backs off exponentially, capped at 24 intervals', () => {
    const delays = [1, 2, 3, 4, 5, 6, 10].map((failures) =>
      minutesFromNow(nextSyncAfterFailure(now, 5, failures, undefined)),
    );
    expect(delays).toEqual([5, 10, 20, 40, 80, 120, 120]);
  });

  it('honours a longer Retry-After, but never syncs sooner than the backoff', () => {
    expect(minutesFromNow(nextSyncAfterFailure(now, 5, 1, 3600))).toBe(60);
    expect(minutesFromNow(nextSyncAfterFailure(now, 5, 3, 10))).toBe(20);
  });

  it('waits at most a day for a Retry-After, however large', () => {
    const day = 24 * 60;
    expect(minutesFromNow(nextSyncAfterFailure(now, 5, 1, 10 ** 12))).toBe(day);
    expect(minutesFromNow(nextSyncAfterFailure(now, 5, 1, Number.POSITIVE_INFINITY))).toBe(day);
  });

  it('covers one hour back and the lookahead days forward', () => {
    const window = syncWindow(now, 7);
    expect(window.from.toISOString()).toBe('2026-11-27T09:00:00.000Z');
    expect(window.to.toISOString()).toBe('2026-12-04T10:00:00.000Z');
  });
});
