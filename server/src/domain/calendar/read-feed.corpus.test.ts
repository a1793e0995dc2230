// Corpus files without expected.json entries: what their source projects' tests say about them.
import { describe, expect, it } from 'vitest';
import { readIcsFixture } from '../../../test/support/ics-fixtures.js';
import { readFeed, type FeedReading } from './read-feed.js';

function read(file: string, from: string, to: string, defaultTimezone = 'UTC'): FeedReading {
  return readFeed(readIcsFixture(file), {
    window: { from: new Date(from), to: new Date(to) },
    defaultTimezone,
  });
}

function summaries(reading: FeedReading): (string | null)[] {
  return reading.occurrences.map((occurrence) => occurrence.title);
}

describe('corpus files the sources describe', () => {
  it.each([
    ['icalendar/broken_dtstart.ics', 'its DTSTART "INVALID-DATE" is not a date'],
    [
      'icalendar/issue_1081_invalid_rrule_freq.ics',
      'FREQ=INVALID_TYPE_CAUSES_ERROR is not a frequency',
    ],
    [
      'python-recurring-ical-events/bad_rrule_missing_until_event.ics',
      '"UNTL=20191023" is not a recurrence rule part',
    ],
  ])('%s: the broken event is skipped as invalid, with the reason', (file, reason) => {
    const reading = read(file, '2000-01-01T00:00:00Z', '2030-01-01T00:00:00Z');
    expect(reading.occurrences).toEqual([]);
    expect(reading.skipped.map((skipped) => skipped.reason)).toEqual(['invalid']);
    expect(reading.warnings.find((warning) => warning.code === 'invalid-event')?.message).toContain(
      reason,
    );
  });

  it('badRRULE.ics: the junk word before FREQ is dropped and "Academic Time" keeps its 15:50Z start', () => {
    const reading = read('node-ical/badRRULE.ics', '2020-09-03T00:00:00Z', '2020-09-04T00:00:00Z');
    expect(
      reading.occurrences.find((occurrence) => occurrence.title === 'Academic Time')?.startsAt,
    ).toEqual(new Date('2020-09-03T15:50:00Z'));
    expect(reading.warnings.map((warning) => warning.code)).toEqual(['rrule-repaired']);
  });

  it('issue_722_missing_VTIMEZONE_custom.ics: an unknown TZID is reported, not silently guessed', () => {
    const reading = read(
      'icalendar/issue_722_missing_VTIMEZONE_custom.ics',
      '2000-01-01T00:00:00Z',
      '2030-01-01T00:00:00Z',
      'Europe/Rome',
    );
    expect(reading.warnings).toContainEqual({
      code: 'timezone-unknown',
      message: 'Unknown time zone "CUSTOM_tzid"; its times were read in Europe/Rome.',
    });
  });

  it.each([
    [
      'icalendar/issue_836_do_not_quote_tzid.ics',
      '2024-10-28T21:00:00.000Z',
      '2024-10-28T22:00:00.000Z',
    ],
    ['icalendar/timezone_rdate.ics', '2012-02-13T09:00:00.000Z', '2012-02-13T10:00:00.000Z'],
    [
      'node-ical/test_date_time_duration.ics',
      '2024-02-15T09:00:00.000Z',
      '2024-02-15T10:15:00.000Z',
    ],
  ])('%s: the event lies where its time zone puts it', (file, startsAt, endsAt) => {
    const reading = read(file, '2000-01-01T00:00:00Z', '2030-01-01T00:00:00Z');
    expect(
      reading.occurrences.map((occurrence) => [
        occurrence.startsAt.toISOString(),
        occurrence.endsAt.toISOString(),
      ]),
    ).toEqual([[startsAt, endsAt]]);
  });

  it('Office-2012-owa.ics: Windows display labels resolve to real zones', () => {
    const reading = read(
      'node-ical/Office-2012-owa.ics',
      '2020-10-01T00:00:00Z',
      '2020-11-03T00:00:00Z',
    );
    const endOf = (title: string) =>
      reading.occurrences.find((occurrence) => occurrence.title === title)?.endsAt;
    expect(endOf('TEST Syd')).toEqual(new Date('2020-10-28T04:00:00Z'));
    expect(endOf('TEST')).toEqual(new Date('2020-10-28T19:00:00Z'));
    expect(endOf('TEST 3')).toEqual(new Date('2020-11-02T20:00:00Z'));
  });

  it('test_with_tz_list.ics: a city list names Europe/Berlin; an UNTIL before DTSTART leaves nothing', () => {
    const reading = read(
      'node-ical/test_with_tz_list.ics',
      '2020-01-01T00:00:00Z',
      '2030-01-01T00:00:00Z',
    );
    expect(reading.occurrences).toEqual([]);
    expect(reading.warnings).toEqual([]);
  });

  it('recurrence-sequence.ics: the highest SEQUENCE of duplicated overrides wins in any order', () => {
    const reading = read(
      'node-ical/recurrence-sequence.ics',
      '2024-01-01T00:00:00Z',
      '2024-01-06T00:00:00Z',
    );
    const titles = summaries(reading);
    expect(titles).toContain('Moved to afternoon (SEQUENCE 3)');
    expect(titles).toContain('Newer override (SEQUENCE 5) - should win');
    expect(
      titles.filter(
        (title) =>
          title?.includes('should be ignored') === true || title === 'First override (SEQUENCE 2)',
      ),
    ).toEqual([]);
  });

  it('tentative-apple-calendar.ics: statuses are kept and the cancelled event is skipped', () => {
    const reading = read(
      'node-ical/tentative-apple-calendar.ics',
      '2022-07-01T00:00:00Z',
      '2022-07-10T00:00:00Z',
    );
    expect(reading.occurrences.map((occurrence) => [occurrence.title, occurrence.status])).toEqual([
      ['Tentative', 'TENTATIVE'],
      ['Confirmed', 'CONFIRMED'],
      ['No Status', null],
    ]);
    expect(reading.skipped.map((skipped) => [skipped.title, skipped.reason])).toEqual([
      ['Cancelled', 'cancelled'],
    ]);
  });

  it('mixed-timezone-handling.ics: floating, UTC, zoned and date values each keep their kind', () => {
    const reading = read(
      'node-ical/mixed-timezone-handling.ics',
      '2002-10-01T00:00:00Z',
      '2002-11-30T00:00:00Z',
    );
    const byTitle = new Map(
      reading.occurrences.map((occurrence) => [occurrence.title, occurrence]),
    );
    // Floating times are read in the feed's X-WR-TIMEZONE (US/Pacific, PST on 28 October 2002).
    expect(byTitle.get('No Timezone')?.startsAt).toEqual(new Date('2002-10-28T09:20:30Z'));
    expect(byTitle.get('UTC Timezone')?.startsAt).toEqual(new Date('2002-10-28T01:20:30Z'));
    expect([...byTitle.values()].filter((occurrence) => occurrence.isAllDay)).toHaveLength(2);
  });

  it('issue_173_only_modifications_error.ics: modified instances whose series is missing are read', () => {
    const uid =
      '_6krj2dhl74q34b9j60sj4b9k8h238b9p6gok2ba68gojgchl6cpj0h1o88_R20231009T130000@google.com';
    const reading = read(
      'python-recurring-ical-events/issue_173_only_modifications_error.ics',
      '2024-01-08T00:00:00Z',
      '2024-01-09T00:00:00Z',
    );
    expect(
      reading.occurrences
        .filter((occurrence) => occurrence.uid === uid)
        .map((occurrence) => occurrence.startsAt),
    ).toEqual([new Date('2024-01-08T16:00:00Z')]);
  });

  it.each([
    [
      'python-recurring-ical-events/fablab_cottbus.ics',
      '2018-01-01T00:00:00Z',
      '2020-01-01T00:00:00Z',
    ],
    ['icalendar/parsing_error.ics', '2008-03-01T00:00:00Z', '2008-04-01T00:00:00Z'],
  ])('%s is read over its period without invalid events', (file, from, to) => {
    const reading = read(file, from, to);
    expect(reading.skipped.filter((skipped) => skipped.reason === 'invalid')).toEqual([]);
    expect(reading.warnings.filter((warning) => warning.code === 'invalid-event')).toEqual([]);
    expect(reading.occurrences.length).toBeGreaterThan(0);
  });

  it('example.ics: all-day events ending on their start date last one day', () => {
    const reading = read('icalendar/example.ics', '2000-01-01T00:00:00Z', '2030-01-01T00:00:00Z');
    expect(reading.occurrences.length).toBeGreaterThan(0);
    for (const occurrence of reading.occurrences) {
      expect(occurrence.isAllDay).toBe(true);
      expect(occurrence.endsAt.getTime() - occurrence.startsAt.getTime()).toBe(86_400_000);
    }
  });

  it('bad_custom_ms_tz.ics: a custom Microsoft TZID without definition is read in the floating zone', () => {
    const reading = read(
      'node-ical/bad_custom_ms_tz.ics',
      '2021-01-01T00:00:00Z',
      '2022-01-01T00:00:00Z',
      'Europe/Berlin',
    );
    expect(reading.warnings.map((warning) => warning.message)).toContain(
      'Unknown time zone "tzone://Microsoft/Custom"; its times were read in Europe/Berlin.',
    );
    expect(
      reading.occurrences.some((occurrence) =>
        occurrence.startsAt.toISOString().startsWith('2021-03-25'),
      ),
    ).toBe(true);
  });
});
