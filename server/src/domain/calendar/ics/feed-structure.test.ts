import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { icsCalendar, icsEvent } from '../../../../test/support/ics-builder.js';
import { readIcsFixture } from '../../../../test/support/ics-fixtures.js';
import { FeedParseError, readFeed } from '../read-feed.js';

const options = {
  window: { from: new Date('2000-01-01T00:00:00Z'), to: new Date('2030-01-01T00:00:00Z') },
  defaultTimezone: 'UTC',
};

function parseError(icsText: string): string {
  try {
    readFeed(icsText, options);
  } catch (error) {
    if (error instanceof FeedParseError) {
      return error.message;
    }
    throw error;
  }
  throw new Error('the feed was read');
}

const valid = icsCalendar(
  icsEvent('UID:a', 'SUMMARY:Lunch', 'DTSTART:20250110T120000Z', 'DTEND:20250110T130000Z'),
);

describe('a body that is not one complete VCALENDAR is a parse failure', () => {
  it.each([
    [
      'a download cut short',
      valid.slice(0, valid.indexOf('END:VEVENT')),
      'The feed ends before END:VCALENDAR (the download may have been cut short)',
    ],
    [
      'a calendar without END:VCALENDAR',
      readIcsFixture('icalendar/small_bad_calendar.ics'),
      'The feed ends before END:VCALENDAR (the download may have been cut short)',
    ],
    [
      'an HTML login page',
      '<!DOCTYPE html>\n<html><body>Sign in</body></html>',
      'This is not a calendar (it looks like an HTML page)',
    ],
    ['a JSON error', '{"error":"unauthorized"}', 'This is not a calendar (it looks like JSON)'],
    ['an empty body', ' \r\n', 'The feed is empty'],
    [
      'a stray line at calendar level',
      readIcsFixture('icalendar/issue_104_broken_calendar.ics'),
      'Line 13 ("X") is not a calendar property',
    ],
    [
      'a bare VTIMEZONE with control characters',
      readIcsFixture('icalendar/fuzz_testcase_vtimezone_lone_cr.ics'),
      'This is not a calendar: it does not start with BEGIN:VCALENDAR',
    ],
    [
      'crossed components',
      icsCalendar('BEGIN:VEVENT', 'BEGIN:VALARM', 'END:VEVENT', 'END:VALARM'),
      'Line 6 closes VEVENT but VALARM is open',
    ],
    [
      'a second calendar',
      `${valid}${valid}`,
      'Unexpected text after END:VCALENDAR on line 11 (a feed holds one calendar)',
    ],
  ])('%s', (_case, icsText, message) => {
    expect(parseError(icsText)).toBe(message);
  });

  it('any cut before the end of END:VCALENDAR fails, whatever the fixture', () => {
    const fixtures = [
      valid,
      readIcsFixture('ical.net/Outlook2007LineFolds.ics'),
      readIcsFixture('node-ical/google-calendar-kiev-tz.ics'),
      readIcsFixture('python-recurring-ical-events/issue_75_range_parameter.ics'),
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...fixtures),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (icsText, fraction) => {
          const end = icsText.trimEnd().length;
          const cut = icsText.slice(0, Math.floor(fraction * (end - 1)));
          expect(() => readFeed(cut, options)).toThrow(FeedParseError);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('what a complete calendar may look like', () => {
  it('accepts a byte-order mark, mixed-case component names and blank lines', () => {
    expect(readFeed(readIcsFixture('icalendar/bom_calendar.ics'), options).eventsInFeed).toBe(0);
    const mixedCase = readFeed(readIcsFixture('ical.net/CaseInsensitive1.ics'), options);
    expect(mixedCase.occurrences.map((occurrence) => occurrence.startsAt.toISOString())).toEqual([
      '2007-06-06T21:30:00.000Z',
    ]);
    expect(readFeed(valid.replaceAll('\r\n', '\r\n\r\n'), options).occurrences).toHaveLength(1);
  });

  it('unfolds lines continued with a space or a tab', () => {
    const reading = readFeed(readIcsFixture('ical.net/Outlook2007LineFolds.ics'), options);
    expect(reading.occurrences.map((occurrence) => occurrence.location)).toEqual([
      'The Exceptionally Long Named Meeting Room Whose Name Wraps Over Several Lines When Exported From Leading Calendar and Office Software Application Microsoft Office 2007',
    ]);
  });

  it('counts every VEVENT of the feed and ignores other components', () => {
    expect(
      readFeed(readIcsFixture('node-ical/tentative-apple-calendar.ics'), options).eventsInFeed,
    ).toBe(4);
    expect(readFeed(readIcsFixture('node-ical/vfreebusy-zimbra.ics'), options)).toEqual({
      occurrences: [],
      skipped: [],
      warnings: [],
      eventsInFeed: 0,
    });
    expect(
      readFeed(readIcsFixture('python-recurring-ical-events/issue_97_simple_todo.ics'), options)
        .eventsInFeed,
    ).toBe(0);
  });

  it('ignores a line inside an event that is not a property, and says so', () => {
    const reading = readFeed(
      icsCalendar(icsEvent('UID:a', 'SUMMARY:Lunch', 'DTSTART:20250110T120000Z', 'not a property')),
      options,
    );
    expect(reading.occurrences).toHaveLength(1);
    expect(reading.warnings).toEqual([
      {
        code: 'malformed-line',
        uid: 'a',
        message: 'Line 8 of the event "Lunch" is not a property and was ignored.',
      },
    ]);
  });
});
