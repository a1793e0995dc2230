import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { listIcsFixtures, readIcsFixture } from '../../../test/support/ics-fixtures.js';
import { decodeFeedBytes, FeedParseError, readFeed, type FeedReading } from './read-feed.js';

const readable = listIcsFixtures().flatMap((file) => {
  const icsText = readIcsFixture(file);
  try {
    readFeed(icsText, { window: { from: new Date(0), to: new Date(1) }, defaultTimezone: 'UTC' });
    return [icsText];
  } catch {
    return [];
  }
});

const windows = fc
  .tuple(
    fc.integer({ min: Date.UTC(1995, 0, 1), max: Date.UTC(2030, 0, 1) }),
    fc.integer({ min: 1, max: 60 * 24 * 3_600_000 }),
  )
  .map(([fromMs, lengthMs]) => ({ from: new Date(fromMs), to: new Date(fromMs + lengthMs) }));

function overlaps(
  span: { startsAt: Date; endsAt: Date },
  window: { from: Date; to: Date },
): boolean {
  if (span.startsAt.getTime() === span.endsAt.getTime()) {
    return span.startsAt >= window.from && span.startsAt < window.to;
  }
  return span.startsAt < window.to && span.endsAt > window.from;
}

/** Reads without throwing anything but FeedParseError; null for a parse failure. */
function readOrParseFailure(icsText: string): FeedReading | null {
  try {
    return readFeed(icsText, {
      window: { from: new Date('2019-01-01'), to: new Date('2019-03-01') },
      defaultTimezone: 'UTC',
    });
  } catch (error) {
    if (error instanceof FeedParseError) {
      return null;
    }
    throw error;
  }
}

describe('readFeed properties', () => {
  it('returns nothing outside the window, and every occurrence ends after it starts', () => {
    expect(readable.length).toBeGreaterThan(80);
    fc.assert(
      fc.property(fc.constantFrom(...readable), windows, (icsText, window) => {
        const reading = readFeed(icsText, { window, defaultTimezone: 'Europe/Berlin' });
        for (const occurrence of reading.occurrences) {
          expect(overlaps(occurrence, window)).toBe(true);
          expect(occurrence.endsAt.getTime()).toBeGreaterThanOrEqual(occurrence.startsAt.getTime());
        }
      }),
      { numRuns: 150 },
    );
  });

  it('reads a corrupted feed or fails with FeedParseError, nothing else', () => {
    const edits = fc.array(
      fc.tuple(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.nat({ max: 40 }),
        fc.string({ maxLength: 12 }),
      ),
      { minLength: 1, maxLength: 5 },
    );
    fc.assert(
      fc.property(fc.constantFrom(...readable), edits, (icsText, changes) => {
        let corrupted = icsText;
        for (const [position, removedLength, inserted] of changes) {
          const at = Math.floor(position * corrupted.length);
          corrupted = corrupted.slice(0, at) + inserted + corrupted.slice(at + removedLength);
        }
        const reading = readOrParseFailure(corrupted);
        expect(reading === null || Array.isArray(reading.occurrences)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('decodes any bytes without throwing; random bytes are a parse failure', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(readOrParseFailure(decodeFeedBytes(bytes))).toBeNull();
      }),
    );
  });

  it("does not depend on the host's time zone", () => {
    const files = [
      'node-ical/test_daily_recurring.ics',
      'node-ical/exchange_whole_day_moved_recurrence.ics',
      'python-recurring-ical-events/issue_28_rrule_with_UTC_endinginZ.ics',
      'python-recurring-ical-events/issue_163_deleted_modification.ics',
      'python-recurring-ical-events/issue_62_moved_event.ics',
    ];
    const readAll = () =>
      files.map((file) =>
        readFeed(readIcsFixture(file), {
          window: { from: new Date('2019-01-01'), to: new Date('2027-01-01') },
          defaultTimezone: 'Europe/Berlin',
        }),
      );
    const hostZone = process.env.TZ;
    try {
      process.env.TZ = 'UTC';
      const inUtc = readAll();
      for (const zone of ['Pacific/Kiritimati', 'America/Los_Angeles']) {
        process.env.TZ = zone;
        expect(new Date(Date.UTC(2025, 0, 1)).getTimezoneOffset()).not.toBe(0);
        expect(readAll()).toEqual(inUtc);
      }
    } finally {
      if (hostZone === undefined) {
        delete process.env.TZ;
      } else {
        process.env.TZ = hostZone;
      }
    }
  });
});
