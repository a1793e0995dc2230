// Every expected.json entry of the corpus: the occurrences the source projects' tests expect.
import { describe, expect, it } from 'vitest';
import {
  loadExpectedOccurrences,
  readIcsFixture,
  type ExpectedEntry,
  type ExpectedOccurrence,
} from '../../../test/support/ics-fixtures.js';
import type { Occurrence } from './read-feed.js';
import { readFeed, type FeedReading } from './read-feed.js';

const expected = loadExpectedOccurrences();

/**
 * Where DESIGN or the reader's rules differ from a source project, the entry is corrected here,
 * visibly, with the reason; everything else is asserted as the source expects.
 */
const contractDeviations: Record<
  string,
  { summary: string; start: string; end: string; why: string }
> = {
  'python-recurring-ical-events/duration.ics': {
    summary: 'Short event',
    start: '2018-01-20T12:00:00',
    end: '2018-01-20T13:00:00',
    why: 'DESIGN §3.4: a timed event with neither DTEND nor DURATION lasts one hour (the source reads it as zero-length)',
  },
};

type Comparable = {
  start: string | number;
  end?: string | number;
  summary: string | null;
  /** Listed only when not CONFIRMED (a missing STATUS reads the same). */
  status: string | null;
  uid?: string;
};

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const WITH_OFFSET = /(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * Dates stay dates; instants become epoch milliseconds. Floating local times are read in UTC,
 * the defaultTimezone of these readings (no entry with floating values names another zone).
 */
function comparableTime(value: string): string | number {
  if (DATE_ONLY.test(value)) {
    return value;
  }
  return Date.parse(WITH_OFFSET.test(value) ? value : `${value}Z`);
}

function expectedComparable(
  file: string,
  occurrence: ExpectedOccurrence,
  showsUid: boolean,
): Comparable {
  const deviation = contractDeviations[file];
  const corrected =
    deviation?.summary === occurrence.summary
      ? { ...occurrence, start: deviation.start, end: deviation.end }
      : occurrence;
  return {
    start: comparableTime(corrected.start),
    ...(corrected.end === undefined ? {} : { end: comparableTime(corrected.end) }),
    summary: corrected.summary,
    status: corrected.status ?? null,
    ...(showsUid ? { uid: corrected.uid } : {}),
  };
}

function actualComparable(occurrence: Occurrence, showsUid: boolean): Comparable {
  return {
    start: occurrence.isAllDay ? (occurrence.startDate ?? '') : occurrence.startsAt.getTime(),
    end: occurrence.isAllDay ? (occurrence.endDate ?? '') : occurrence.endsAt.getTime(),
    summary: occurrence.title,
    status: occurrence.status === 'CONFIRMED' ? null : occurrence.status,
    ...(showsUid ? { uid: occurrence.uid } : {}),
  };
}

function sortKey(item: Comparable): string {
  const start = typeof item.start === 'number' ? new Date(item.start).toISOString() : item.start;
  return `${start}|${item.summary ?? ''}`;
}

function sorted(items: Comparable[]): Comparable[] {
  return [...items].sort((left, right) => sortKey(left).localeCompare(sortKey(right), 'en'));
}

function read(file: string, entry: ExpectedEntry): FeedReading {
  const [from, to] = entry.window;
  return readFeed(readIcsFixture(file), {
    window: { from: new Date(from), to: new Date(to) },
    defaultTimezone: 'UTC',
  });
}

describe('readFeed on the corpus (expected.json)', () => {
  it('knows every deviation it declares', () => {
    for (const [file, deviation] of Object.entries(contractDeviations)) {
      expect(expected[file]?.occurrences.map((occurrence) => occurrence.summary)).toContain(
        deviation.summary,
      );
      expect(deviation.why).not.toBe('');
    }
  });

  it.each(Object.entries(expected))('%s', (file, entry) => {
    const reading = read(file, entry);
    const showsUid = entry.occurrences.some((occurrence) => occurrence.uid !== undefined);
    const listed = entry.occurrences.filter((occurrence) => occurrence.status !== 'CANCELLED');
    const wanted = sorted(
      listed.map((occurrence) => expectedComparable(file, occurrence, showsUid)),
    );
    const got = sorted(
      reading.occurrences
        .filter((occurrence) => entry.uid === undefined || occurrence.uid === entry.uid)
        .map((occurrence) => actualComparable(occurrence, showsUid)),
    );
    // An entry without `end` does not assert it.
    const shaped = got.map(({ end, ...rest }, index) =>
      wanted[index]?.end === undefined ? rest : { ...rest, end },
    );
    expect(shaped).toEqual(wanted);

    const cancelled = entry.occurrences.filter((occurrence) => occurrence.status === 'CANCELLED');
    expect(
      reading.skipped
        .filter((skipped) => skipped.reason === 'cancelled')
        .map((skipped) => skipped.title)
        .sort(),
    ).toEqual(cancelled.map((occurrence) => occurrence.summary).sort());
  });
});
