// Issue 13, calendar fidelity: four classes of real feeds that were read wrong. Their occurrences
// are asserted with the corpus (expected.json, lobby/); here, what each class must also say or keep.
import { describe, expect, it } from 'vitest';
import { readIcsFixture } from '../../../test/support/ics-fixtures.js';
import { readFeed, type FeedReading } from './read-feed.js';

function read(file: string, from: string, to: string): FeedReading {
  return readFeed(readIcsFixture(file), {
    window: { from: new Date(from), to: new Date(to) },
    defaultTimezone: 'UTC',
  });
}

describe('feeds that were read wrong (issue 13)', () => {
  it('applies an override whose SEQUENCE is lower than that of its master', () => {
    const reading = read(
      'lobby/override-lower-sequence.ics',
      '2026-01-01T00:00:00Z',
      '2026-02-01T00:00:00Z',
    );
    expect(reading.occurrences.map((o) => [o.title, o.recurrenceId])).toEqual([
      ['Stand-up', '2026-01-05T09:00:00.000Z'],
      ['Stand-up (moved)', '2026-01-12T09:00:00.000Z'],
      ['Stand-up', '2026-01-19T09:00:00.000Z'],
      ['Stand-up', '2026-01-26T09:00:00.000Z'],
    ]);
    expect(reading.warnings).toEqual([]);
  });

  // A series edited after one instance was moved: the master's SEQUENCE is higher and its time
  // changed, so the older override's RECURRENCE-ID names the instance at its old time.
  it.each([
    {
      file: 'lobby/google-series-retimed-after-move.ics',
      replaced: '2026-01-12T10:00:00.000Z',
      moved: ['Stand-up (moved)', '2026-01-13T14:00:00.000Z'],
    },
    {
      file: 'lobby/outlook-series-edited-after-move.ics',
      replaced: '2026-01-15T08:30:00.000Z',
      moved: ['Planning (with design)', '2026-01-15T12:00:00.000Z'],
    },
  ])('applies the older override of $file to its instance of the edited series', (fixture) => {
    const reading = read(fixture.file, '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z');
    const replacing = reading.occurrences.filter((o) => o.recurrenceId === fixture.replaced);
    expect(replacing.map((o) => [o.title, o.startsAt.toISOString()])).toEqual([fixture.moved]);
    // Once: the instance it replaces is not read beside it.
    expect(reading.occurrences).toHaveLength(4);
    expect(new Set(reading.occurrences.map((o) => o.recurrenceId)).size).toBe(4);
    expect(reading.warnings).toEqual([]);
  });

  it('reads a rule with UNTIL and COUNT=-1 up to UNTIL, saying the COUNT was ignored', () => {
    const reading = read(
      'lobby/rrule-until-invalid-count.ics',
      '2026-01-01T00:00:00Z',
      '2026-02-01T00:00:00Z',
    );
    expect(reading.occurrences).toHaveLength(4);
    expect(reading.warnings).toEqual([
      {
        code: 'rrule-repaired',
        uid: 'review@lobby.test',
        message: 'The repetition rule of "Review" holds "COUNT=-1", which was ignored.',
      },
    ]);
  });

  it('reads TZIDs with a leading slash or a path prefix in their zone, without a warning', () => {
    const reading = read(
      'lobby/tzid-path-prefix.ics',
      '2026-07-01T00:00:00Z',
      '2026-08-01T00:00:00Z',
    );
    expect(reading.occurrences.map((o) => o.startsAt.toISOString())).toEqual([
      '2026-07-07T07:00:00.000Z',
      '2026-07-08T12:00:00.000Z',
    ]);
    expect(reading.warnings).toEqual([]);
  });

  it.each(['\uFEFF', '\r\n', '  ', '\uFEFF\r\n \t', '\r\n\uFEFF', ' \r\n\r\n\t'])(
    'reads a feed with %j before BEGIN:VCALENDAR',
    (prefix) => {
      const text = readIcsFixture('lobby/leading-bom-whitespace.ics').replace(/^[\s\uFEFF]+/, '');
      const reading = readFeed(`${prefix}${text}`, {
        window: { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-04-01T00:00:00Z') },
        defaultTimezone: 'UTC',
      });
      expect(reading.occurrences.map((o) => o.title)).toEqual(['Retro']);
    },
  );
});
