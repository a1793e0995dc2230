// RRULE values, checked here and enumerated by node-ical (its rrule-temporal engine keeps DST right).
import ical, { type CalendarResponse, type RRule, type VEvent } from 'node-ical';
import { parseDateTimeText, type DateTimeText } from '../ics/ics-values.js';
import {
  formatDate,
  instantToWallClock,
  isFixedOffsetZone,
  type WallClock,
} from '../time-zones/time-zones.js';

/** The start of something: a calendar date, or an instant with the zone its wall clock lives in. */
export type TimePoint =
  { kind: 'date'; date: string } | { kind: 'instant'; epochMs: number; zone: string };

export type RecurrenceRule = {
  /**
   * Instants (timed series) or local midnights (date series, read with local getters) in a range,
   * bounds included. node-ical builds the rule on first use (it is costly, and most series of a
   * large feed never reach the window); it throws when node-ical rejects the rule.
   */
  between(after: Date, before: Date): Date[];
  until: DateTimeText | null;
  /** Words without meaning that were dropped from the rule ("RRULE:AnythingRandom;FREQ=…"). */
  ignoredWords: string[];
};

const RULE_PARTS = new Set([
  'FREQ',
  'UNTIL',
  'COUNT',
  'INTERVAL',
  'BYSECOND',
  'BYMINUTE',
  'BYHOUR',
  'BYDAY',
  'BYMONTHDAY',
  'BYYEARDAY',
  'BYWEEKNO',
  'BYMONTH',
  'BYSETPOS',
  'WKST',
  'RSCALE',
  'SKIP',
]);

const FREQUENCIES = new Set([
  'SECONDLY',
  'MINUTELY',
  'HOURLY',
  'DAILY',
  'WEEKLY',
  'MONTHLY',
  'YEARLY',
]);

type NormalizedRule = { rule: string; ignoredWords: string[] };

/**
 * The rule with FREQ first, each part once and X- parts dropped (node-ical reads from the last FREQ
 * on, so "FREQ=DAILY;UNTIL=…;FREQ=DAILY" would lose its UNTIL). A repeated "RRULE:" prefix and
 * bare words are dropped; an unknown NAME=value part throws, as a misspelt UNTIL would make the
 * series endless.
 */
function normalizedRule(value: string): NormalizedRule {
  const parts = new Map<string, string>();
  const ignoredWords: string[] = [];
  for (const part of value
    .replace(/^(?:\s*RRULE:)+/i, '')
    .split(';')
    .filter((text) => text.trim() !== '')) {
    const [name = '', partValue] = part.split('=');
    const upperName = name.trim().toUpperCase();
    if (partValue === undefined) {
      ignoredWords.push(part.trim());
      continue;
    }
    if (!RULE_PARTS.has(upperName) && !upperName.startsWith('X-')) {
      throw new Error(`"${part}" is not a recurrence rule part`);
    }
    const known = parts.get(upperName);
    if (known !== undefined && known !== partValue.trim()) {
      throw new Error(`${upperName} is given twice`);
    }
    if (!upperName.startsWith('X-')) {
      parts.set(upperName, partValue.trim());
    }
  }
  const frequency = parts.get('FREQ')?.toUpperCase();
  if (frequency === undefined || !FREQUENCIES.has(frequency)) {
    throw new Error(
      frequency === undefined ? 'it has no FREQ' : `FREQ=${frequency} is not a frequency`,
    );
  }
  parts.delete('FREQ');
  const rule = [
    `FREQ=${frequency}`,
    ...[...parts].map(([name, partValue]) => `${name}=${partValue}`),
  ].join(';');
  return { rule, ignoredWords };
}

function untilOf(value: string): DateTimeText | null {
  const until = /(?:^|;)\s*UNTIL\s*=\s*([^;]+)/i.exec(value)?.[1];
  return until === undefined ? null : parseDateTimeText(until);
}

function stamp(clock: WallClock): string {
  const time = [clock.hour, clock.minute, clock.second].map((part) =>
    String(part).padStart(2, '0'),
  );
  return `${formatDate(clock).replaceAll('-', '')}T${time.join('')}`;
}

/** DTSTART as node-ical reads it: an IANA name, or an offset in a form its TZID parser accepts. */
function startLine(start: TimePoint): string {
  if (start.kind === 'date') {
    return `DTSTART;VALUE=DATE:${start.date.replaceAll('-', '')}`;
  }
  if (start.zone === 'UTC') {
    return `DTSTART:${stamp(instantToWallClock(start.epochMs, 'UTC'))}Z`;
  }
  const tzid = isFixedOffsetZone(start.zone) ? `UTC${start.zone.replace(':', '')}` : start.zone;
  return `DTSTART;TZID=${tzid}:${stamp(instantToWallClock(start.epochMs, start.zone))}`;
}

function isEvent(component: CalendarResponse[string]): component is VEvent {
  return component?.type === 'VEVENT';
}

function buildWithNodeIcal(start: TimePoint, rule: string): RRule {
  const lines = [startLine(start), `RRULE:${rule}`];
  const calendar = ical.sync.parseICS(
    ['BEGIN:VCALENDAR', 'BEGIN:VEVENT', 'UID:rule', ...lines, 'END:VEVENT', 'END:VCALENDAR'].join(
      '\r\n',
    ),
  );
  const rrule = Object.values(calendar).find(isEvent)?.rrule;
  if (rrule === undefined) {
    throw new Error('node-ical built no rule');
  }
  return rrule;
}

/** Reads an RRULE value; throws an Error saying what is wrong with it. */
export function readRecurrenceRule(start: TimePoint, value: string): RecurrenceRule {
  const { rule, ignoredWords } = normalizedRule(value);
  let built: RRule | null = null;
  return {
    between(after, before) {
      built ??= buildWithNodeIcal(start, rule);
      return built.between(after, before, true);
    },
    until: untilOf(rule),
    ignoredWords,
  };
}
