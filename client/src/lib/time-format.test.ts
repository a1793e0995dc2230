import { describe, expect, it } from 'vitest';
import {
  formatDateTime,
  formatStartedAgo,
  formatStartsIn,
  formatTimeRange,
} from './time-format.js';

const nowMs = Date.parse('2026-11-27T10:00:00.000Z');
const minutes = (count: number) => count * 60_000;

describe('formatStartsIn', () => {
  it('counts whole minutes up, so the label never reads "in 0 min"', () => {
    expect(formatStartsIn(nowMs + 1_000, nowMs)).toBe('Starts in 1 min');
    expect(formatStartsIn(nowMs + minutes(4) + 10_000, nowMs)).toBe('Starts in 5 min');
    expect(formatStartsIn(nowMs + minutes(5), nowMs)).toBe('Starts in 5 min');
    expect(formatStartsIn(nowMs + minutes(59), nowMs)).toBe('Starts in 59 min');
  });

  it('says "Starting now" once the start has come', () => {
    expect(formatStartsIn(nowMs, nowMs)).toBe('Starting now');
    expect(formatStartsIn(nowMs - 5_000, nowMs)).toBe('Starting now');
  });

  it('switches to hours and then days for meetings further out', () => {
    expect(formatStartsIn(nowMs + minutes(60), nowMs)).toBe('Starts in 1 h');
    expect(formatStartsIn(nowMs + minutes(80), nowMs)).toBe('Starts in 1 h 20 min');
    expect(formatStartsIn(nowMs + minutes(24 * 60), nowMs)).toBe('Starts in 1 day');
    expect(formatStartsIn(nowMs + minutes(3 * 24 * 60 + 5), nowMs)).toBe('Starts in 3 days');
  });

  it('ticks down as the clock advances', () => {
    const startsAtMs = nowMs + minutes(3);
    const labels = [0, 1, 2, 3].map((elapsed) =>
      formatStartsIn(startsAtMs, nowMs + minutes(elapsed)),
    );
    expect(labels).toEqual([
      'Starts in 3 min',
      'Starts in 2 min',
      'Starts in 1 min',
      'Starting now',
    ]);
  });
});

describe('formatStartedAgo', () => {
  it('counts whole minutes since the start', () => {
    expect(formatStartedAgo(nowMs - 30_000, nowMs)).toBe('Started just now');
    expect(formatStartedAgo(nowMs - minutes(12) - 30_000, nowMs)).toBe('Started 12 min ago');
    expect(formatStartedAgo(nowMs - minutes(125), nowMs)).toBe('Started 2 h 5 min ago');
  });

  it('calls a meeting joined before its start "Started early"', () => {
    expect(formatStartedAgo(nowMs + minutes(5), nowMs)).toBe('Started early');
  });
});

describe('absolute dates', () => {
  it('shows a range in the given locale and zone', () => {
    const range = formatTimeRange('2026-11-27T10:00:00.000Z', '2026-11-27T11:00:00.000Z', {
      locale: 'en-GB',
      timeZone: 'Europe/Paris',
    });
    expect(range).toContain('27 Nov 2026');
    expect(range).toMatch(/11:00\s*–\s*12:00/);
  });

  it('formats an instant in the given zone', () => {
    expect(
      formatDateTime('2026-11-27T10:00:00.000Z', { locale: 'en-US', timeZone: 'America/New_York' }),
    ).toMatch(/Nov 27, 2026.*5:00:00\s?AM/);
  });
});
