import { describe, expect, it } from 'vitest';
import { icsCalendar, icsEvent } from '../../../../test/support/ics-builder.js';
import { readFeed } from '../read-feed.js';
import type { ComponentContent } from '../ics/feed-structure.js';
import { parseContentLine, type ContentLine } from '../ics/ics-lines.js';
import {
  canonicalIanaZone,
  wallClockToInstant,
  zoneFromName,
  zoneFromOffsetLabel,
  zoneOffsetMs,
} from './time-zones.js';
import { matchTimezoneDefinition, readTimezoneDefinition } from './vtimezone.js';
import { zoneCacheSizes } from './zone-caches.js';

describe('zoneFromName', () => {
  it.each([
    ['Europe/Berlin', 'Europe/Berlin'],
    ['Eastern Standard Time', 'America/New_York'],
    ['(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna', 'Europe/Berlin'],
    ['Amsterdam, Belgrade, Berlin, Bern, Budapest, Rome, Stockholm, Vienna', 'Europe/Berlin'],
    ['(GMT+10:00) Canberra, Melbourne, Sydney', 'Australia/Sydney'],
    ['/mozilla.org/20070129_1/America/New_York', 'America/New_York'],
    [
      '/freeassociation.sourceforge.net/Tzfile/America/Argentina/Buenos_Aires',
      canonicalIanaZone('America/Argentina/Buenos_Aires'),
    ],
    ['posix/Europe/Vaduz', 'Europe/Vaduz'],
    ['US-Eastern', null],
    ['Customized Time Zone', null],
    ['tzone://Microsoft/Custom', null],
  ])('%s', (tzid, zone) => {
    expect(zoneFromName(tzid)).toBe(zone);
  });
});

describe('zoneFromOffsetLabel', () => {
  it.each([
    ['(GMT +01:00)', '+01:00'],
    ['UTC+11', '+11:00'],
    ['GMT-4', '-04:00'],
    ['(UTC+05:30)', '+05:30'],
    ['UTC+00:00', 'UTC'],
    ['UTC', null],
    ['Eastern', null],
  ])('%s', (label, zone) => {
    expect(zoneFromOffsetLabel(label)).toBe(zone);
  });
});

describe('wallClockToInstant', () => {
  const at = (year: number, month: number, day: number, hour: number, minute: number) => ({
    year,
    month,
    day,
    hour,
    minute,
    second: 0,
  });

  it.each([
    ['an ordinary time', at(2025, 7, 1, 12, 0), 'Europe/Berlin', '2025-07-01T10:00:00.000Z'],
    [
      'a time skipped in spring (it moves on by the gap)',
      at(2025, 9, 28, 2, 30),
      'Pacific/Auckland',
      '2025-09-27T14:30:00.000Z',
    ],
    [
      'a repeated time in autumn (the first one)',
      at(2025, 4, 6, 2, 30),
      'Pacific/Auckland',
      '2025-04-05T13:30:00.000Z',
    ],
    [
      'a midnight that did not exist',
      at(2018, 11, 4, 0, 0),
      'America/Sao_Paulo',
      '2018-11-04T03:00:00.000Z',
    ],
    [
      'a half-hour DST change',
      at(2025, 10, 5, 2, 15),
      'Australia/Lord_Howe',
      '2025-10-04T15:45:00.000Z',
    ],
    ['a fixed offset', at(2025, 1, 1, 9, 0), '+05:30', '2025-01-01T03:30:00.000Z'],
  ])('%s', (_case, clock, zone, instant) => {
    expect(new Date(wallClockToInstant(clock, zone)).toISOString()).toBe(instant);
  });
});

function component(
  name: string,
  lines: string[],
  components: ComponentContent[] = [],
): ComponentContent {
  const properties = lines.flatMap((line): ContentLine[] => {
    const parsed = parseContentLine(line);
    return parsed === null ? [] : [parsed];
  });
  return { name, properties, components, malformedLines: [] };
}

function observance(
  kind: 'STANDARD' | 'DAYLIGHT',
  start: string,
  rule: string | null,
  from: string,
  to: string,
): ComponentContent {
  return component(kind, [
    `DTSTART:${start}`,
    ...(rule === null ? [] : [`RRULE:${rule}`]),
    `TZOFFSETFROM:${from}`,
    `TZOFFSETTO:${to}`,
  ]);
}

describe('matchTimezoneDefinition', () => {
  it('gives a definition without daylight saving its fixed offset', () => {
    const definition = readTimezoneDefinition(
      component(
        'VTIMEZONE',
        ['TZID:UTC+11'],
        [observance('STANDARD', '19700101', null, '+1100', '+1100')],
      ),
    );
    expect(matchTimezoneDefinition(definition, 2017)).toEqual({ zone: '+11:00', exact: true });
  });

  it('finds a zone with the same transitions, in either hemisphere', () => {
    const sydney = readTimezoneDefinition(
      component(
        'VTIMEZONE',
        ['TZID:Sydney office'],
        [
          observance(
            'STANDARD',
            '20080406T030000',
            'FREQ=YEARLY;BYMONTH=4;BYDAY=1SU',
            '+1100',
            '+1000',
          ),
          observance(
            'DAYLIGHT',
            '20081005T020000',
            'FREQ=YEARLY;BYMONTH=10;BYDAY=1SU',
            '+1000',
            '+1100',
          ),
        ],
      ),
    );
    const match = matchTimezoneDefinition(sydney, 2025);
    expect(match.exact).toBe(true);
    for (const instant of [
      Date.UTC(2025, 3, 5, 15, 59),
      Date.UTC(2025, 3, 5, 16, 0),
      Date.UTC(2025, 9, 4, 16, 0),
    ]) {
      expect(zoneOffsetMs(match.zone, instant)).toBe(zoneOffsetMs('Australia/Sydney', instant));
    }
  });

  it('says when no zone has the same transitions, and keeps the same offsets', () => {
    const invented = readTimezoneDefinition(
      component(
        'VTIMEZONE',
        ['TZID:Invented'],
        [
          observance(
            'STANDARD',
            '20000901T000000',
            'FREQ=YEARLY;BYMONTH=9;BYMONTHDAY=1',
            '+0200',
            '+0100',
          ),
          observance(
            'DAYLIGHT',
            '20000601T000000',
            'FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=1',
            '+0100',
            '+0200',
          ),
        ],
      ),
    );
    const match = matchTimezoneDefinition(invented, 2025);
    expect(match.exact).toBe(false);
    expect(zoneOffsetMs(match.zone, Date.UTC(2025, 0, 15))).toBe(3_600_000);
    expect(zoneOffsetMs(match.zone, Date.UTC(2025, 6, 15))).toBe(7_200_000);
  });
});

describe('zone caches (issue 11.9)', () => {
  const options = {
    window: { from: new Date('2025-03-01T00:00:00Z'), to: new Date('2025-04-01T00:00:00Z') },
    defaultTimezone: 'UTC',
  };

  it('keep nothing for TZIDs that name no zone', () => {
    const feedNaming = (names: string[]) =>
      icsCalendar(
        ...names.map((name, index) =>
          icsEvent(`UID:e${String(index)}`, `DTSTART;TZID=${name}:20250310T090000`),
        ),
      );
    readFeed(feedNaming(['Europe/Berlin']), options);
    const before = zoneCacheSizes();
    const names = Array.from({ length: 3_000 }, (_, index) => `Nowhere/Zone${String(index)}`);
    const reading = readFeed(feedNaming(names), options);
    expect(reading.occurrences).toHaveLength(names.length);
    expect(zoneCacheSizes()['ianaNames']).toBe(before['ianaNames']);
  });

  it('stay bounded when a feed defines more zones than they hold', () => {
    // Fixed offsets of 1 to 700 minutes: each its own definition, with its own match.
    const definitions = Array.from({ length: 700 }, (_, index) => {
      const minutes = index + 1;
      const offset = `+${String(Math.floor(minutes / 60)).padStart(2, '0')}${String(minutes % 60).padStart(2, '0')}`;
      return [
        'BEGIN:VTIMEZONE',
        `TZID:Custom ${String(index)}`,
        'BEGIN:STANDARD',
        'DTSTART:19700101T000000',
        `TZOFFSETFROM:${offset}`,
        `TZOFFSETTO:${offset}`,
        'END:STANDARD',
        'END:VTIMEZONE',
      ];
    });
    readFeed(
      icsCalendar(
        ...definitions,
        ...definitions.map((_, index) =>
          icsEvent(`UID:e${String(index)}`, `DTSTART;TZID=Custom ${String(index)}:20250310T090000`),
        ),
      ),
      options,
    );
    expect(zoneCacheSizes()['definitionMatches']).toBe(500);
  });
});
