import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { icsCalendar, icsEvent, largeFeed } from '../../../../test/support/ics-builder.js';
import { readIcsFixture } from '../../../../test/support/ics-fixtures.js';
import { scanFeed } from './feed-structure.js';
import { extractRelevantIcs, readFeed, type ReadFeedOptions } from '../read-feed.js';

const HOST = 'lobby.example.com';

function options(from: string, to: string): ReadFeedOptions {
  return { window: { from: new Date(from), to: new Date(to) }, defaultTimezone: 'Europe/Berlin' };
}

describe('extractRelevantIcs', () => {
  const feed = icsCalendar(
    'X-WR-TIMEZONE:Europe/Berlin',
    [
      'BEGIN:VTIMEZONE',
      'TZID:Europe/Berlin',
      'BEGIN:STANDARD',
      'DTSTART:19701025T030000',
      'TZOFFSETFROM:+0200',
      'TZOFFSETTO:+0100',
      'END:STANDARD',
      'END:VTIMEZONE',
    ],
    icsEvent(
      'UID:weekly',
      'DTSTART:20250106T100000',
      'RRULE:FREQ=WEEKLY',
      'LOCATION:https://LOBBY.example.com/team',
    ),
    icsEvent(
      'UID:weekly',
      'RECURRENCE-ID:20250113T100000',
      'DTSTART:20250113T110000',
      'LOCATION:Moved, no link',
    ),
    icsEvent('UID:other', 'DTSTART:20250107T100000', 'LOCATION:https://elsewhere.example.org/x'),
    icsEvent('DTSTART:20250108T100000', 'DESCRIPTION:Join at https://lobby.exam', ' ple.com/sales'),
    ['BEGIN:VTODO', 'UID:todo', 'SUMMARY:lobby.example.com', 'END:VTODO'],
  );

  it('keeps the header, the time zones and the events that mention the host with their series', () => {
    const relevant = extractRelevantIcs(feed, HOST);
    expect(relevant.split('\r\n')).toEqual([
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Lobby tests//EN',
      'X-WR-TIMEZONE:Europe/Berlin',
      ...[
        'BEGIN:VTIMEZONE',
        'TZID:Europe/Berlin',
        'BEGIN:STANDARD',
        'DTSTART:19701025T030000',
        'TZOFFSETFROM:+0200',
        'TZOFFSETTO:+0100',
        'END:STANDARD',
        'END:VTIMEZONE',
      ],
      ...icsEvent(
        'UID:weekly',
        'DTSTART:20250106T100000',
        'RRULE:FREQ=WEEKLY',
        'LOCATION:https://LOBBY.example.com/team',
      ),
      ...icsEvent(
        'UID:weekly',
        'RECURRENCE-ID:20250113T100000',
        'DTSTART:20250113T110000',
        'LOCATION:Moved, no link',
      ),
      ...icsEvent(
        'DTSTART:20250108T100000',
        'DESCRIPTION:Join at https://lobby.exam',
        ' ple.com/sales',
      ),
      'END:VCALENDAR',
      '',
    ]);
  });

  it('reads like the whole feed for those events, and counts every event of the feed', () => {
    const window = options('2025-01-01T00:00:00Z', '2025-01-20T00:00:00Z');
    const whole = readFeed(feed, window);
    const filtered = readFeed(feed, { ...window, relevantHost: HOST });
    expect(filtered.occurrences).toEqual(
      whole.occurrences.filter((occurrence) => occurrence.uid !== 'other'),
    );
    expect(filtered.occurrences.map((occurrence) => occurrence.location)).toEqual([
      'https://LOBBY.example.com/team',
      null,
      'Moved, no link',
    ]);
    expect(readFeed(extractRelevantIcs(feed, HOST), window).occurrences).toEqual(
      filtered.occurrences,
    );
    expect(filtered.eventsInFeed).toBe(4);
  });
});

/** Corpus files and windows around their events. */
const corpus: [string, ReadFeedOptions][] = [
  [
    'python-recurring-ical-events/daylight_saving_time.ics',
    options('2019-01-01T00:00:00Z', '2019-07-01T00:00:00Z'),
  ],
  [
    'python-recurring-ical-events/fablab_cottbus.ics',
    options('2018-06-01T00:00:00Z', '2019-06-01T00:00:00Z'),
  ],
  [
    'python-recurring-ical-events/after_many_events_in_order.ics',
    options('2024-03-01T00:00:00Z', '2024-05-01T00:00:00Z'),
  ],
  [
    'python-recurring-ical-events/recurring_events_moved.ics',
    options('2019-03-01T00:00:00Z', '2019-04-01T00:00:00Z'),
  ],
  [
    'python-recurring-ical-events/issue_75_range_parameter.ics',
    options('2024-08-30T00:00:00Z', '2024-09-26T00:00:00Z'),
  ],
  ['node-ical/ms_timezones.ics', options('2020-06-01T00:00:00Z', '2020-10-01T00:00:00Z')],
  ['ical.net/USHolidays.ics', options('2006-01-01T00:00:00Z', '2007-01-01T00:00:00Z')],
];

/** Puts a link to the host into the chosen events (those with a UID) and returns the feed and their UIDs. */
function mentionHost(icsText: string, chosen: number[]): { icsText: string; uids: Set<string> } {
  const structure = scanFeed(icsText);
  const events = chosen.flatMap((index) => {
    const event = structure.events[index];
    return event?.uid === null || event === undefined ? [] : [event];
  });
  const lines = [...structure.lines];
  for (const event of [...events].sort((left, right) => right.firstLine - left.firstLine)) {
    lines.splice(event.firstLine + 1, 0, `URL:https://${HOST}/room`);
  }
  return { icsText: lines.join('\r\n'), uids: new Set(events.flatMap((event) => event.uid ?? [])) };
}

describe('reading only what mentions the host', () => {
  it('equals reading everything, filtered to the series that mention it', () => {
    const cases = fc.constantFrom(...corpus).chain(([file, readOptions]) => {
      const icsText = readIcsFixture(file);
      const count = scanFeed(icsText).events.length;
      return fc.tuple(
        fc.constant(icsText),
        fc.constant(readOptions),
        fc.uniqueArray(fc.nat({ max: count - 1 }), { maxLength: Math.min(count, 6) }),
      );
    });
    fc.assert(
      fc.property(cases, ([original, readOptions, chosen]) => {
        const { icsText, uids } = mentionHost(original, chosen);
        const whole = readFeed(icsText, readOptions);
        const filtered = readFeed(icsText, { ...readOptions, relevantHost: HOST });
        expect(filtered.occurrences).toEqual(
          whole.occurrences.filter((occurrence) => uids.has(occurrence.uid)),
        );
        expect(filtered.skipped).toEqual(whole.skipped.filter((skipped) => uids.has(skipped.uid)));
        expect(filtered.eventsInFeed).toBe(whole.eventsInFeed);
        expect(readFeed(extractRelevantIcs(icsText, HOST), readOptions).occurrences).toEqual(
          filtered.occurrences,
        );
      }),
      { numRuns: 40 },
    );
  });

  it('reads the same on a large organisation-wide feed, where few events mention the host', () => {
    const icsText = largeFeed(1_000, HOST, 50);
    const window = options('2025-03-10T00:00:00Z', '2025-03-17T00:00:00Z');
    const whole = readFeed(icsText, window);
    const filtered = readFeed(icsText, { ...window, relevantHost: HOST });
    const mentioning = (location: string | null) => location?.includes(HOST) === true;
    expect(filtered.occurrences.length).toBeGreaterThan(0);
    expect(filtered.occurrences.every((occurrence) => mentioning(occurrence.location))).toBe(true);
    expect(filtered.occurrences).toEqual(
      whole.occurrences.filter((occurrence) => mentioning(occurrence.location)),
    );
    expect(filtered.eventsInFeed).toBe(1_000);
  });
});
