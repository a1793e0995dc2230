// RRULE values, checked here and enumerated by rrule-temporal (the engine node-ical uses; it keeps
// DST right), driven directly so that each enumeration has a step limit.
import { RRuleTemporal } from 'rrule-temporal';
import { Temporal } from 'temporal-polyfill';
import { parseDateTimeText, type DateTimeText } from '../ics/ics-values.js';
import { formatDate, wallClockToInstant, type WallClock } from '../time-zones/time-zones.js';

/** The start of something: a calendar date, or an instant with the zone its wall clock lives in. */
export type TimePoint =
  { kind: 'date'; date: string } | { kind: 'instant'; epochMs: number; zone: string };

export type RecurrenceRule = {
  /**
   * The rule's points in a range, bounds included: instants in the series zone, or dates. Throws
   * RuleStepLimitError when the engine needs more than `maxSteps` steps, another Error when it
   * rejects the rule.
   */
  between(after: Date, before: Date, maxSteps: number): TimePoint[];
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
 * bare words and a COUNT that is not a positive number are dropped; an unknown NAME=value part
 * throws, as a misspelt UNTIL would make the series endless.
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
    // Some exporters write COUNT=-1 beside UNTIL; the engine would stop after the first instance.
    if (upperName === 'COUNT' && !/^\s*[1-9]\d*\s*$/.test(partValue)) {
      ignoredWords.push(part.trim());
      continue;
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

/** The engine gave up: the rule needs more steps than it was allowed. */
export class RuleStepLimitError extends Error {
  override name = 'RuleStepLimitError';
}

// rrule-temporal 1.6 says so in these words; the test of the step limit pins them.
const STEP_LIMIT_MESSAGE = /^Maximum iterations \(\d+\) exceeded/;

/**
 * UNTIL as the engine needs it (as node-ical hands it over): a date for date series, UTC for
 * timed ones; a date UNTIL on a timed series stays a date (the series reads it as the whole day).
 */
function engineRule(rule: string, until: DateTimeText | null, start: TimePoint): string {
  if (until === null || until.kind === 'date' || (start.kind === 'instant' && until.isUtc)) {
    return rule;
  }
  const untilText =
    start.kind === 'date'
      ? formatDate(until.clock).replaceAll('-', '')
      : `${stamp(
          // A local UNTIL is a wall-clock time in the series zone.
          Temporal.Instant.fromEpochMilliseconds(wallClockToInstant(until.clock, start.zone))
            .toZonedDateTimeISO('UTC')
            .toPlainDateTime(),
        )}Z`;
  return rule.replace(/UNTIL=[^;]*/, `UNTIL=${untilText}`);
}

/** DTSTART for the engine: date series are anchored at UTC midnight, as node-ical anchors them. */
function engineStart(start: TimePoint): Temporal.ZonedDateTime {
  return start.kind === 'date'
    ? Temporal.PlainDate.from(start.date).toZonedDateTime('UTC')
    : Temporal.Instant.fromEpochMilliseconds(start.epochMs).toZonedDateTimeISO(start.zone);
}

function buildRule(start: TimePoint, rule: string, maxSteps: number): RRuleTemporal {
  return new RRuleTemporal({
    rruleString: rule,
    dtstart: engineStart(start),
    maxIterations: maxSteps,
  });
}

/** Reads an RRULE value; throws an Error saying what is wrong with it. */
export function readRecurrenceRule(start: TimePoint, value: string): RecurrenceRule {
  const { rule, ignoredWords } = normalizedRule(value);
  const until = untilOf(rule);
  const forEngine = engineRule(rule, until, start);
  return {
    between(after, before, maxSteps) {
      try {
        return buildRule(start, forEngine, maxSteps)
          .between(after, before, true)
          .map((date): TimePoint =>
            start.kind === 'date'
              ? { kind: 'date', date: formatDate(date) }
              : { kind: 'instant', epochMs: date.epochMilliseconds, zone: start.zone },
          );
      } catch (error) {
        if (error instanceof Error && STEP_LIMIT_MESSAGE.test(error.message)) {
          throw new RuleStepLimitError(`it needs more than ${String(maxSteps)} steps`);
        }
        throw error;
      }
    },
    until,
    ignoredWords,
  };
}
