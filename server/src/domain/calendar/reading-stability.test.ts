import { describe, expect, it } from 'vitest';
import {
  matchedInWindow,
  readingInputsHash,
  readingStableUntil,
  readingWindow,
  STABILITY_HORIZON_MS,
} from './reading-stability.js';
import { syncWindow } from './sync-schedule.js';

const now = new Date('2026-03-05T12:00:00.000Z');
const window = syncWindow(now, 7);
const at = (iso: string) => new Date(iso);
const span = (startsAt: string, endsAt: string) => ({ startsAt: at(startsAt), endsAt: at(endsAt) });

describe('reading stability', () => {
  it('reads one horizon past the sync window', () => {
    expect(readingWindow(window)).toEqual({
      from: window.from,
      to: new Date(window.to.getTime() + STABILITY_HORIZON_MS),
    });
  });

  it('holds for the horizon when no occurrence comes or goes', () => {
    expect(readingStableUntil([], window, now)).toEqual(
      new Date(now.getTime() + STABILITY_HORIZON_MS),
    );
  });

  it('ends when the window reaches the next occurrence', () => {
    // Starts 12 March 13:30: the window's end (now + 7 days) gets there on 5 March 13:30.
    const next = span('2026-03-12T13:30:00Z', '2026-03-12T14:00:00Z');
    expect(readingStableUntil([next], window, now)).toEqual(at('2026-03-05T13:30:00Z'));
  });

  it('holds while occurrences leave the window, and counts those still in it', () => {
    const current = span('2026-03-05T11:30:00Z', '2026-03-05T12:15:00Z');
    const later = span('2026-03-07T09:00:00Z', '2026-03-07T10:00:00Z');
    const next = span('2026-03-12T13:30:00Z', '2026-03-12T14:00:00Z');
    expect(readingStableUntil([later, current, next], window, now)).toEqual(
      at('2026-03-05T13:30:00Z'),
    );
    expect(matchedInWindow([current, later, next], window)).toBe(2);
    // An hour after it ended, the current one has left the window; the next has not come yet.
    const afterwards = syncWindow(at('2026-03-05T13:20:00Z'), 7);
    expect(matchedInWindow([current, later, next], afterwards)).toBe(1);
  });

  it('ends when the window turns into a new year', () => {
    const lateDecember = new Date('2026-12-31T23:30:00Z');
    expect(readingStableUntil([], syncWindow(lateDecember, 7), lateDecember)).toEqual(
      at('2027-01-01T01:00:00Z'),
    );
  });

  it('changes its inputs hash with the room URL, the time zone and the window length', () => {
    const inputs = { roomUrl: 'https://lobby.example.org/team', timezone: 'UTC', lookaheadDays: 7 };
    const hashes = new Set([
      readingInputsHash(inputs),
      readingInputsHash({ ...inputs, roomUrl: 'https://lobby.example.org/team-sales' }),
      readingInputsHash({ ...inputs, timezone: 'Europe/Paris' }),
      readingInputsHash({ ...inputs, lookaheadDays: 14 }),
    ]);
    expect(hashes.size).toBe(4);
    expect(readingInputsHash({ ...inputs })).toBe(readingInputsHash(inputs));
  });
});
