import { describe, expect, it } from 'vitest';
import { icsCalendar, icsEvent } from '../../../test/support/ics-builder.js';
import { readIcsFixture } from '../../../test/support/ics-fixtures.js';
import { readFeed, type FeedReading, type ReadFeedOptions } from './read-feed.js';
import { MAX_OCCURRENCES_PER_SERIES } from './events/series.js';

const JANUARY_2025 = {
  from: new Date('2025-01-01T00:00:00Z'),
  to: new Date('2025-02-01T00:00:00Z'),
};

function read(ics: string, options: Partial<ReadFeedOptions> = {}): FeedReading {
  return readFeed(ics, { window: JANUARY_2025, defaultTimezone: 'UTC', ...options });
}

function starts(reading: FeedReading): string[] {
  return reading.occurrences.map((occurrence) => occurrence.startsAt.toISOString());
}

function warningCodes(reading: FeedReading): string[] {
  return reading.warnings.map((warning) => warning.code);
}

const AUTUMN_2024 = {
  from: new Date('2024-10-01T00:00:00Z'),
  to: new Date('2024-11-30T00:00:00Z'),
};

describe('readFeed: time zones', () => {
  it('keeps the wall-clock time of an IANA-zoned series across the DST change', () => {
    const reading = read(
      icsCalendar(
        icsEvent(
          'UID:standup',
          'DTSTART;TZID=America/New_York:20241028T090000',
          'DTEND;TZID=America/New_York:20241028T093000',
          'RRULE:FREQ=WEEKLY;COUNT=3',
        ),
      ),
      { window: AUTUMN_2024 },
    );
    expect(starts(reading)).toEqual([
      '2024-10-28T13:00:00.000Z',
      '2024-11-04T14:00:00.000Z',
      '2024-11-11T14:00:00.000Z',
    ]);
    expect(
      reading.occurrences.map(
        (occurrence) => occurrence.endsAt.getTime() - occurrence.startsAt.getTime(),
      ),
    ).toEqual([1_800_000, 1_800_000, 1_800_000]);
  });

  it.each([
    ['a Windows name', 'W. Europe Standard Time', '2025-01-15T09:00:00.000Z'],
    [
      'a quoted Windows display label',
      '"(UTC-05:00) Eastern Time (US & Canada)"',
      '2025-01-15T15:00:00.000Z',
    ],
    [
      'a globally unique TZID',
      '/mozilla.org/20070129_1/America/New_York',
      '2025-01-15T15:00:00.000Z',
    ],
    ['a lower-case IANA name', 'asia/tokyo', '2025-01-15T01:00:00.000Z'],
    ['an inverted POSIX zone', 'Etc/GMT-2', '2025-01-15T08:00:00.000Z'],
  ])('reads %s (%s) as its real zone', (_kind, tzid, startsAt) => {
    const reading = read(icsCalendar(icsEvent('UID:a', `DTSTART;TZID=${tzid}:20250115T100000`)));
    expect(starts(reading)).toEqual([startsAt]);
    expect(reading.warnings).toEqual([]);
  });

  it('follows a custom VTIMEZONE, also when it is defined after the event', () => {
    const reading = read(
      icsCalendar(
        icsEvent(
          'UID:a',
          'DTSTART;TZID=Head Office:20250305T090000',
          'DTEND;TZID=Head Office:20250305T100000',
          'RRULE:FREQ=WEEKLY;COUNT=2',
        ),
        [
          'BEGIN:VTIMEZONE',
          'TZID:Head Office',
          'BEGIN:STANDARD',
          'DTSTART:19701101T020000',
          'RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU',
          'TZOFFSETFROM:-0400',
          'TZOFFSETTO:-0500',
          'END:STANDARD',
          'BEGIN:DAYLIGHT',
          'DTSTART:19700308T020000',
          'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU',
          'TZOFFSETFROM:-0500',
          'TZOFFSETTO:-0400',
          'END:DAYLIGHT',
          'END:VTIMEZONE',
        ],
      ),
      { window: { from: new Date('2025-03-01T00:00:00Z'), to: new Date('2025-03-31T00:00:00Z') } },
    );
    // US rules: daylight saving time starts on 9 March 2025.
    expect(starts(reading)).toEqual(['2025-03-05T14:00:00.000Z', '2025-03-12T13:00:00.000Z']);
    expect(reading.warnings).toEqual([]);
  });

  it('reads an unknown zone in the floating zone and says so', () => {
    const reading = read(
      icsCalendar(icsEvent('UID:a', 'DTSTART;TZID=Planet Mars:20250115T100000')),
      {
        defaultTimezone: 'Europe/Paris',
      },
    );
    expect(starts(reading)).toEqual(['2025-01-15T09:00:00.000Z']);
    expect(reading.warnings).toEqual([
      {
        code: 'timezone-unknown',
        message: 'Unknown time zone "Planet Mars"; its times were read in Europe/Paris.',
      },
    ]);
  });

  it('reads a bare offset label as a fixed offset and says so', () => {
    const reading = read(
      icsCalendar(icsEvent('UID:a', 'DTSTART;TZID="(GMT +01:00)":20250715T100000')),
      {
        window: { from: new Date('2025-07-01T00:00:00Z'), to: new Date('2025-08-01T00:00:00Z') },
      },
    );
    expect(starts(reading)).toEqual(['2025-07-15T09:00:00.000Z']);
    expect(warningCodes(reading)).toEqual(['timezone-fixed-offset']);
  });

  it('reads floating times in X-WR-TIMEZONE, keeping the wall clock across DST', () => {
    const reading = read(
      icsCalendar(
        'X-WR-TIMEZONE:Europe/Berlin',
        icsEvent('UID:a', 'DTSTART:20241021T100000', 'RRULE:FREQ=WEEKLY;COUNT=2'),
      ),
      { window: AUTUMN_2024, defaultTimezone: 'America/Chicago' },
    );
    expect(starts(reading)).toEqual(['2024-10-21T08:00:00.000Z', '2024-10-28T09:00:00.000Z']);
    expect(reading.warnings).toEqual([
      {
        code: 'floating-time',
        message:
          "Some times in the feed have no time zone; they were read in Europe/Berlin (the feed's X-WR-TIMEZONE (Europe/Berlin)).",
      },
    ]);
  });

  it("reads floating times in the room's zone when the feed names none", () => {
    const reading = read(icsCalendar(icsEvent('UID:a', 'DTSTART:20250115T100000')), {
      defaultTimezone: 'America/Chicago',
    });
    expect(starts(reading)).toEqual(['2025-01-15T16:00:00.000Z']);
    expect(reading.warnings[0]?.message).toContain("America/Chicago (the room's time zone)");
  });

  it('moves a time skipped by DST forward and takes the first of a repeated time', () => {
    const reading = read(
      icsCalendar(
        icsEvent('UID:gap', 'DTSTART;TZID=Europe/Berlin:20250330T023000'),
        icsEvent('UID:fold', 'DTSTART;TZID=Europe/Berlin:20251026T023000'),
      ),
      { window: { from: new Date('2025-03-01T00:00:00Z'), to: new Date('2025-11-01T00:00:00Z') } },
    );
    // 02:30 does not exist on 30 March (03:30 CEST); it exists twice on 26 October (CEST first).
    expect(starts(reading)).toEqual(['2025-03-30T01:30:00.000Z', '2025-10-26T00:30:00.000Z']);
  });
});

describe('readFeed: all-day events and lengths', () => {
  it('keeps the dates of an all-day event and starts it at midnight in the floating zone', () => {
    const reading = read(
      icsCalendar(
        'X-WR-TIMEZONE:Asia/Tokyo',
        icsEvent('UID:a', 'DTSTART;VALUE=DATE:20250110', 'DTEND;VALUE=DATE:20250112'),
      ),
    );
    expect(reading.occurrences).toMatchObject([
      {
        isAllDay: true,
        startDate: '2025-01-10',
        endDate: '2025-01-12',
        startsAt: new Date('2025-01-09T15:00:00Z'),
        endsAt: new Date('2025-01-11T15:00:00Z'),
      },
    ]);
  });

  it.each([
    [
      'DTEND equal to DTSTART',
      ['DTSTART;VALUE=DATE:20250110', 'DTEND;VALUE=DATE:20250110'],
      '2025-01-11',
    ],
    ['no DTEND', ['DTSTART;VALUE=DATE:20250110'], '2025-01-11'],
    ['DURATION', ['DTSTART;VALUE=DATE:20250110', 'DURATION:P3D'], '2025-01-13'],
  ])('gives an all-day event with %s its length', (_case, lines, endDate) => {
    const reading = read(icsCalendar(icsEvent('UID:a', ...lines)));
    expect(
      reading.occurrences.map((occurrence) => [occurrence.startDate, occurrence.endDate]),
    ).toEqual([['2025-01-10', endDate]]);
  });

  it.each([
    ['DURATION', ['DURATION:PT1H30M'], '2025-01-10T11:30:00.000Z'],
    ['neither DTEND nor DURATION (one hour)', [], '2025-01-10T11:00:00.000Z'],
    [
      'DTEND and DURATION (DTEND wins)',
      ['DTEND:20250110T103000Z', 'DURATION:PT0S'],
      '2025-01-10T10:30:00.000Z',
    ],
  ])('ends a timed event with %s', (_case, lines, endsAt) => {
    const reading = read(icsCalendar(icsEvent('UID:a', 'DTSTART:20250110T100000Z', ...lines)));
    expect(reading.occurrences.map((occurrence) => occurrence.endsAt.toISOString())).toEqual([
      endsAt,
    ]);
  });

  it('swaps a DTEND that lies before DTSTART, and says so', () => {
    const reading = read(
      icsCalendar(
        icsEvent(
          'UID:a',
          'SUMMARY:Backwards',
          'DTSTART:20250110T120000Z',
          'DTEND:20250110T100000Z',
        ),
      ),
    );
    expect(
      reading.occurrences.map((occurrence) => [
        occurrence.startsAt.toISOString(),
        occurrence.endsAt.toISOString(),
      ]),
    ).toEqual([['2025-01-10T10:00:00.000Z', '2025-01-10T12:00:00.000Z']]);
    expect(reading.warnings).toEqual([
      {
        code: 'end-before-start',
        uid: 'a',
        message: 'The event "Backwards" ends before it starts; its start and end were swapped.',
      },
    ]);
  });
});

describe('readFeed: recurrence', () => {
  it('expands RRULE, RDATE and EXDATE; recurrence ids are the original starts, empty for single events', () => {
    const reading = read(
      icsCalendar(
        icsEvent(
          'UID:series',
          'DTSTART:20250106T100000Z',
          'RRULE:FREQ=WEEKLY;BYDAY=MO',
          'EXDATE:20250113T100000Z',
          'RDATE:20250116T150000Z',
        ),
        icsEvent('UID:single', 'DTSTART:20250108T080000Z'),
      ),
    );
    expect(
      reading.occurrences.map((occurrence) => [occurrence.uid, occurrence.recurrenceId]),
    ).toEqual([
      ['series', '2025-01-06T10:00:00.000Z'],
      ['single', ''],
      ['series', '2025-01-16T15:00:00.000Z'],
      ['series', '2025-01-20T10:00:00.000Z'],
      ['series', '2025-01-27T10:00:00.000Z'],
    ]);
  });

  it('applies overrides: listed first, with a lower SEQUENCE, duplicated, or moved in from outside the window', () => {
    const reading = read(
      icsCalendar(
        icsEvent(
          'UID:s',
          'SEQUENCE:1',
          'SUMMARY:Old copy of the override',
          'RECURRENCE-ID:20250113T100000Z',
          'DTSTART:20250114T100000Z',
        ),
        icsEvent(
          'UID:s',
          'SEQUENCE:5',
          'SUMMARY:Weekly',
          'DTSTART:20241230T100000Z',
          'RRULE:FREQ=WEEKLY;COUNT=5',
        ),
        icsEvent(
          'UID:s',
          'SEQUENCE:2',
          'SUMMARY:Moved to Tuesday',
          'RECURRENCE-ID:20250113T100000Z',
          'DTSTART:20250114T100000Z',
        ),
        icsEvent(
          'UID:s',
          'SEQUENCE:0',
          'SUMMARY:Moved into January',
          'RECURRENCE-ID:20241230T100000Z',
          'DTSTART:20250102T100000Z',
        ),
      ),
    );
    expect(
      reading.occurrences.map((occurrence) => [
        occurrence.title,
        occurrence.recurrenceId,
        occurrence.startsAt.toISOString(),
      ]),
    ).toEqual([
      ['Moved into January', '2024-12-30T10:00:00.000Z', '2025-01-02T10:00:00.000Z'],
      ['Weekly', '2025-01-06T10:00:00.000Z', '2025-01-06T10:00:00.000Z'],
      ['Moved to Tuesday', '2025-01-13T10:00:00.000Z', '2025-01-14T10:00:00.000Z'],
      ['Weekly', '2025-01-20T10:00:00.000Z', '2025-01-20T10:00:00.000Z'],
      ['Weekly', '2025-01-27T10:00:00.000Z', '2025-01-27T10:00:00.000Z'],
    ]);
  });

  it('gives an override without DTEND the length of its series', () => {
    const reading = read(
      icsCalendar(
        icsEvent(
          'UID:s',
          'DTSTART:20250106T100000Z',
          'DTEND:20250106T101500Z',
          'RRULE:FREQ=DAILY;COUNT=2',
        ),
        icsEvent('UID:s', 'RECURRENCE-ID:20250107T100000Z', 'DTSTART:20250107T120000Z'),
      ),
    );
    expect(reading.occurrences.map((occurrence) => occurrence.endsAt.toISOString())).toEqual([
      '2025-01-06T10:15:00.000Z',
      '2025-01-07T12:15:00.000Z',
    ]);
  });

  it('reads an override whose series is not in the feed as an instance of that series', () => {
    const reading = read(
      icsCalendar(
        icsEvent('UID:foreign', 'RECURRENCE-ID:20250109T090000Z', 'DTSTART:20250110T090000Z'),
      ),
    );
    expect(
      reading.occurrences.map((occurrence) => [
        occurrence.recurrenceId,
        occurrence.startsAt.toISOString(),
      ]),
    ).toEqual([['2025-01-09T09:00:00.000Z', '2025-01-10T09:00:00.000Z']]);
  });

  it('skips cancelled events, cancelled series and cancelled instances', () => {
    const reading = read(
      icsCalendar(
        icsEvent(
          'UID:single',
          'SUMMARY:Called off',
          'STATUS:CANCELLED',
          'DTSTART:20250108T080000Z',
        ),
        icsEvent(
          'UID:series',
          'SUMMARY:Weekly',
          'DTSTART:20250106T100000Z',
          'RRULE:FREQ=WEEKLY;COUNT=2',
        ),
        icsEvent(
          'UID:series',
          'SUMMARY:Not this week',
          'STATUS:CANCELLED',
          'RECURRENCE-ID:20250113T100000Z',
          'DTSTART:20250113T100000Z',
        ),
        icsEvent(
          'UID:gone',
          'SUMMARY:Gone',
          'STATUS:cancelled',
          'DTSTART;VALUE=DATE:20250120',
          'RRULE:FREQ=DAILY;COUNT=2',
        ),
      ),
    );
    expect(reading.occurrences.map((occurrence) => occurrence.title)).toEqual(['Weekly']);
    expect(reading.skipped).toEqual([
      {
        uid: 'single',
        recurrenceId: '',
        title: 'Called off',
        startsAt: new Date('2025-01-08T08:00:00Z'),
        reason: 'cancelled',
      },
      {
        uid: 'series',
        recurrenceId: '2025-01-13T10:00:00.000Z',
        title: 'Not this week',
        startsAt: new Date('2025-01-13T10:00:00Z'),
        reason: 'cancelled',
      },
      {
        uid: 'gone',
        recurrenceId: '2025-01-20T00:00:00.000Z',
        title: 'Gone',
        startsAt: new Date('2025-01-20T00:00:00Z'),
        reason: 'cancelled',
      },
      {
        uid: 'gone',
        recurrenceId: '2025-01-21T00:00:00.000Z',
        title: 'Gone',
        startsAt: new Date('2025-01-21T00:00:00Z'),
        reason: 'cancelled',
      },
    ]);
    expect(reading.eventsInFeed).toBe(4);
  });

  it('keeps the highest SEQUENCE of single events sharing a UID, and says so', () => {
    const reading = read(
      icsCalendar(
        icsEvent('UID:dup', 'SEQUENCE:3', 'SUMMARY:Newest', 'DTSTART:20250110T100000Z'),
        icsEvent('UID:dup', 'SEQUENCE:1', 'SUMMARY:Oldest', 'DTSTART:20250109T100000Z'),
      ),
    );
    expect(reading.occurrences.map((occurrence) => occurrence.title)).toEqual(['Newest']);
    expect(warningCodes(reading)).toEqual(['duplicate-uid']);
  });

  it('warns about a date-only UNTIL on a timed series and reads it as the end of that day', () => {
    const reading = read(
      icsCalendar(
        icsEvent(
          'UID:a',
          'DTSTART;TZID=Europe/Berlin:20250106T230000',
          'RRULE:FREQ=DAILY;UNTIL=20250107',
        ),
      ),
    );
    expect(starts(reading)).toEqual(['2025-01-06T22:00:00.000Z', '2025-01-07T22:00:00.000Z']);
    expect(warningCodes(reading)).toEqual(['date-only-until']);
  });

  it('cuts a series that repeats too often in the window, and says so', () => {
    const reading = read(
      icsCalendar(icsEvent('UID:a', 'DTSTART:20250101T000000Z', 'RRULE:FREQ=MINUTELY;INTERVAL=5')),
      {
        // 1,152 instances of five minutes in four days.
        window: { from: new Date('2025-01-01T00:00:00Z'), to: new Date('2025-01-05T00:00:00Z') },
      },
    );
    expect(reading.occurrences).toHaveLength(MAX_OCCURRENCES_PER_SERIES);
    expect(warningCodes(reading)).toEqual(['recurrence-cut']);
  });
});

describe('readFeed: the window', () => {
  it('includes what overlaps [from, to), and zero-length events starting inside', () => {
    const window = { from: new Date('2025-01-10T10:00:00Z'), to: new Date('2025-01-10T12:00:00Z') };
    const event = (uid: string, start: string, end: string) =>
      icsEvent(`UID:${uid}`, `DTSTART:${start}`, `DTEND:${end}`);
    const reading = read(
      icsCalendar(
        event('ends-at-from', '20250110T090000Z', '20250110T100000Z'),
        event('overlaps-from', '20250110T093000Z', '20250110T103000Z'),
        event('zero-at-from', '20250110T100000Z', '20250110T100000Z'),
        event('covers', '20250110T080000Z', '20250110T130000Z'),
        event('starts-at-to', '20250110T120000Z', '20250110T130000Z'),
        event('zero-at-to', '20250110T120000Z', '20250110T120000Z'),
      ),
      { window },
    );
    expect(reading.occurrences.map((occurrence) => occurrence.uid).sort()).toEqual([
      'covers',
      'overlaps-from',
      'zero-at-from',
    ]);
    expect(reading.skipped.map((skipped) => [skipped.uid, skipped.reason])).toEqual([
      ['ends-at-from', 'outside-window'],
      ['starts-at-to', 'outside-window'],
      ['zero-at-to', 'outside-window'],
    ]);
  });
});

describe('readFeed: people, links and content', () => {
  it('reads the organizer first and every attendee once, with name, role and status', () => {
    const reading = read(
      icsCalendar(
        icsEvent(
          'UID:a',
          'DTSTART:20250110T100000Z',
          'ORGANIZER;CN="Doe, Jane":MAILTO:jane@example.com',
          'ATTENDEE;CN=Jane Doe;ROLE=CHAIR;PARTSTAT=ACCEPTED:mailto:Jane@Example.com',
          'ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=needs-action:mailto:a@example.com,mailto:b@example.com',
          'ATTENDEE;CN=Meeting Room;CUTYPE=RESOURCE;ROLE=NON-PARTICIPANT:mailto:room@example.com',
          'ATTENDEE;CN=A again:mailto:a@example.com',
          'ATTENDEE;CN=No address:invalid:nomail',
        ),
      ),
    );
    const [occurrence] = reading.occurrences;
    const jane = {
      email: 'jane@example.com',
      name: 'Doe, Jane',
      role: 'CHAIR',
      participationStatus: 'ACCEPTED',
      isOrganizer: true,
    };
    expect(occurrence?.organizer).toEqual(jane);
    expect(occurrence?.attendees).toEqual([
      jane,
      {
        email: 'a@example.com',
        name: null,
        role: 'REQ-PARTICIPANT',
        participationStatus: 'NEEDS-ACTION',
        isOrganizer: false,
      },
      {
        email: 'b@example.com',
        name: null,
        role: 'REQ-PARTICIPANT',
        participationStatus: 'NEEDS-ACTION',
        isOrganizer: false,
      },
      {
        email: 'room@example.com',
        name: 'Meeting Room',
        role: 'NON-PARTICIPANT',
        participationStatus: null,
        isOrganizer: false,
      },
      {
        email: null,
        name: 'No address',
        role: null,
        participationStatus: null,
        isOrganizer: false,
      },
    ]);
  });

  it('reads text values unescaped and collects the links where a room URL may be', () => {
    const reading = read(
      icsCalendar(
        icsEvent(
          'UID:a',
          'DTSTART:20250110T100000Z',
          'SUMMARY:Plan\\, review\\; ship',
          'DESCRIPTION:Line one\\nJoin: https://lobby.example.com/team',
          'LOCATION:Room 1\\, floor 2',
          'URL:https://example.com/event',
          'CONFERENCE;VALUE=URI;FEATURE=VIDEO:https://meet.example.com/abc',
          'X-GOOGLE-CONFERENCE:https://meet.google.com/xyz',
          'X-MICROSOFT-SKYPETEAMSMEETINGURL:https://teams.example.com/l/1',
          'X-ALT-DESC;FMTTYPE=text/html:<a href="https://lobby.example.com/team">join</a>',
          'STATUS:tentative',
        ),
      ),
    );
    expect(reading.occurrences[0]).toMatchObject({
      title: 'Plan, review; ship',
      description: 'Line one\nJoin: https://lobby.example.com/team',
      location: 'Room 1, floor 2',
      status: 'TENTATIVE',
      links: [
        'https://example.com/event',
        'https://meet.example.com/abc',
        'https://meet.google.com/xyz',
        'https://teams.example.com/l/1',
        '<a href="https://lobby.example.com/team">join</a>',
      ],
    });
  });

  it('hashes the stored fields: stamps and SEQUENCE do not change the hash, content does', () => {
    const hashOf = (...extra: string[]) =>
      read(icsCalendar(icsEvent('UID:a', 'DTSTART:20250110T100000Z', 'SUMMARY:Review', ...extra)))
        .occurrences[0]?.contentHash;
    const base = hashOf('DTSTAMP:20250101T000000Z', 'SEQUENCE:1');
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(hashOf('DTSTAMP:20250105T000000Z', 'LAST-MODIFIED:20250105T000000Z', 'SEQUENCE:2')).toBe(
      base,
    );
    expect(hashOf('ATTENDEE;PARTSTAT=DECLINED:mailto:a@example.com')).not.toBe(base);
    expect(hashOf('LOCATION:Elsewhere')).not.toBe(base);
  });
});

describe('readFeed: a broken event does not take the feed down', () => {
  it.each([
    ['DTSTART:INVALID-DATE', 'its DTSTART "INVALID-DATE" is not a date'],
    [
      'DTSTART:20250110T100000Z\r\nRRULE:FREQ=WEEKLY;UNTL=20250201',
      'its RRULE "FREQ=WEEKLY;UNTL=20250201" is broken: "UNTL=20250201" is not a recurrence rule part',
    ],
    [
      'DTSTART:20250110T100000Z\r\nRRULE:FREQ=SOMETIMES',
      'its RRULE "FREQ=SOMETIMES" is broken: FREQ=SOMETIMES is not a frequency',
    ],
    ['SUMMARY:no start', 'it has no DTSTART'],
  ])('skips an event with %s and reads the rest', (lines, reason) => {
    const reading = read(
      icsCalendar(
        icsEvent('UID:bad', 'SUMMARY:Broken', ...lines.split('\r\n')),
        icsEvent('UID:good', 'DTSTART:20250111T100000Z'),
      ),
    );
    expect(reading.occurrences.map((occurrence) => occurrence.uid)).toEqual(['good']);
    expect(reading.skipped.map((skipped) => [skipped.uid, skipped.reason])).toEqual([
      ['bad', 'invalid'],
    ]);
    expect(reading.warnings).toEqual([
      { code: 'invalid-event', uid: 'bad', message: `The event "Broken" was skipped: ${reason}.` },
    ]);
  });

  it('reads the 400 good events of a large feed whose last event has two DTSTART lines', () => {
    const reading = readFeed(readIcsFixture('node-ical/large-file-with-late-error.ics'), {
      window: { from: new Date('2024-01-01T00:00:00Z'), to: new Date('2025-01-01T00:00:00Z') },
      defaultTimezone: 'UTC',
    });
    expect(reading.eventsInFeed).toBe(401);
    const invalid = reading.skipped.filter((skipped) => skipped.reason === 'invalid');
    expect(reading.occurrences.length + invalid.length).toBe(401);
    expect(reading.warnings.map((warning) => warning.message)).toContainEqual(
      expect.stringContaining('2 DTSTART lines'),
    );
  });
});
