// Custom VTIMEZONE definitions ("US-Eastern", "Customized Time Zone 1"): their transitions, and the
// IANA zone that follows the same rules, so that recurring series keep DST right (RFC 5545 §3.6.5).
import type { ComponentContent } from '../ics/feed-structure.js';
import { parseDateTimeText } from '../ics/ics-values.js';
import {
  offsetZone,
  parseUtcOffset,
  preferredIanaZones,
  wallClockToInstant,
  zoneOffsetMs,
  type WallClock,
} from './time-zones.js';
import { zoneCache } from './zone-caches.js';

type YearlyRule = {
  month: number | null;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number | null;
  /** 2 = second, -1 = last; null when BYDAY has no ordinal. */
  ordinal: number | null;
  monthDays: number[];
  untilYear: number | null;
  count: number | null;
};

type Observance = {
  isDaylight: boolean;
  start: WallClock;
  offsetFromMs: number;
  offsetToMs: number;
  rule: YearlyRule | null;
  rdates: WallClock[];
};

export type TimezoneDefinition = {
  /** Every TZID line of the block (some exporters write several; the last one counts). */
  tzids: string[];
  observances: Observance[];
};

type Transition = { atMs: number; offsetFromMs: number; offsetToMs: number };

const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];

function readRule(value: string): YearlyRule | null {
  const parts = new Map(
    value.split(';').map((part) => {
      const [name = '', partValue = ''] = part.split('=');
      return [name.trim().toUpperCase(), partValue.trim().toUpperCase()];
    }),
  );
  if (parts.get('FREQ') !== 'YEARLY') {
    return null;
  }
  const byDay = /^([+-]?\d{1,2})?(SU|MO|TU|WE|TH|FR|SA)$/.exec(parts.get('BYDAY') ?? '');
  const month = parts.get('BYMONTH');
  const until = parts.get('UNTIL');
  const count = parts.get('COUNT');
  return {
    month: month === undefined ? null : Number(month),
    weekday: byDay === null ? null : WEEKDAYS.indexOf(byDay[2] ?? ''),
    ordinal: byDay?.[1] === undefined ? null : Number(byDay[1]),
    monthDays: (parts.get('BYMONTHDAY') ?? '')
      .split(',')
      .filter((day) => day !== '')
      .map(Number),
    untilYear: until === undefined ? null : Number(until.slice(0, 4)),
    count: count === undefined ? null : Number(count),
  };
}

function readObservance(component: ComponentContent): Observance | null {
  const value = (name: string) => component.properties.find((line) => line.name === name)?.value;
  const start = parseDateTimeText(value('DTSTART') ?? '');
  const offsetFromMs = parseUtcOffset(value('TZOFFSETFROM') ?? '');
  const offsetToMs = parseUtcOffset(value('TZOFFSETTO') ?? '');
  if (start === null || offsetToMs === null) {
    return null;
  }
  const rule = value('RRULE');
  return {
    isDaylight: component.name === 'DAYLIGHT',
    start: start.clock,
    offsetFromMs: offsetFromMs ?? offsetToMs,
    offsetToMs,
    rule: rule === undefined ? null : readRule(rule),
    rdates: component.properties
      .filter((line) => line.name === 'RDATE')
      .flatMap((line) => line.value.split(','))
      .flatMap((text) => parseDateTimeText(text)?.clock ?? []),
  };
}

export function readTimezoneDefinition(component: ComponentContent): TimezoneDefinition {
  return {
    tzids: component.properties
      .filter((line) => line.name === 'TZID')
      .map((line) => line.value.trim()),
    observances: component.components
      .filter((child) => child.name === 'STANDARD' || child.name === 'DAYLIGHT')
      .flatMap((child) => readObservance(child) ?? []),
  };
}

function weekdayOf(year: number, month: number, day: number): number {
  const probe = new Date(0);
  probe.setUTCFullYear(year, month - 1, day);
  return probe.getUTCDay();
}

function daysInMonth(year: number, month: number): number {
  const probe = new Date(0);
  probe.setUTCFullYear(year, month, 0);
  return probe.getUTCDate();
}

function onsetDay(rule: YearlyRule, year: number, month: number, startDay: number): number | null {
  const length = daysInMonth(year, month);
  const days = Array.from({ length }, (_, index) => index + 1);
  const { weekday, ordinal } = rule;
  const monthDays = rule.monthDays.map((day) => (day < 0 ? length + day + 1 : day));
  if (weekday === null) {
    return monthDays[0] ?? startDay;
  }
  const matching = days.filter(
    (day) =>
      weekdayOf(year, month, day) === weekday &&
      (monthDays.length === 0 || monthDays.includes(day)),
  );
  if (ordinal === null) {
    return matching[0] ?? null;
  }
  return (ordinal > 0 ? matching[ordinal - 1] : matching[matching.length + ordinal]) ?? null;
}

/** The rule-based observances in force in a year: a newer rule of a kind replaces the older one. */
function currentRules(observances: readonly Observance[], year: number): Observance[] {
  const latest = new Map<boolean, Observance>();
  for (const observance of observances) {
    const known = latest.get(observance.isDaylight);
    if (
      observance.rule !== null &&
      observance.start.year <= year &&
      (known === undefined || known.start.year <= observance.start.year)
    ) {
      latest.set(observance.isDaylight, observance);
    }
  }
  return [...latest.values()];
}

function onsets(definition: TimezoneDefinition, year: number): Transition[] {
  const transition = (observance: Observance, clock: WallClock): Transition => ({
    atMs: wallClockToInstant(clock, offsetZone(observance.offsetFromMs)),
    offsetFromMs: observance.offsetFromMs,
    offsetToMs: observance.offsetToMs,
  });
  const fixedDates = definition.observances.flatMap((observance) =>
    [observance.start, ...observance.rdates]
      .filter((clock) => clock.year === year)
      .map((clock) => transition(observance, clock)),
  );
  const ruleDates = currentRules(definition.observances, year).flatMap((observance) => {
    const { rule, start } = observance;
    if (
      rule === null ||
      (rule.untilYear !== null && year > rule.untilYear) ||
      (rule.count !== null && year - start.year >= rule.count)
    ) {
      return [];
    }
    const month = rule.month ?? start.month;
    const day = onsetDay(rule, year, month, start.day);
    return day === null ? [] : [transition(observance, { ...start, year, month, day })];
  });
  return [...fixedDates, ...ruleDates].sort((left, right) => left.atMs - right.atMs);
}

function offsetAt(definition: TimezoneDefinition, transitions: Transition[], atMs: number): number {
  const before = transitions.filter((transition) => transition.atMs <= atMs).at(-1);
  if (before !== undefined) {
    return before.offsetToMs;
  }
  const standard = definition.observances
    .filter((observance) => !observance.isDaylight)
    .sort((left, right) => left.start.year - right.start.year)
    .at(-1);
  return transitions[0]?.offsetFromMs ?? standard?.offsetToMs ?? 0;
}

const candidateZones: readonly string[] = [
  ...new Set([...preferredIanaZones, ...Intl.supportedValuesOf('timeZone')]),
];

// Probe instants come from the feed's definitions: a few per definition and year.
const probedOffsets = zoneCache<number | null>('probedOffsets', 50_000);

function offsetOfZone(zone: string, atMs: number): number | null {
  const key = `${zone}|${String(atMs)}`;
  const known = probedOffsets.get(key);
  if (known !== undefined) {
    return known.value;
  }
  let offset: number | null;
  try {
    offset = zoneOffsetMs(zone, atMs);
  } catch {
    offset = null;
  }
  probedOffsets.set(key, offset);
  return offset;
}

export type ZoneMatch = { zone: string; exact: boolean };

const matches = zoneCache<ZoneMatch>('definitionMatches', 500);

/**
 * The zone that behaves like the definition in `year`: a fixed offset when it has no DST, else the
 * IANA zone with the same offsets and the same transition instants (`exact`), else one with the
 * same winter and summer offsets, else the standard offset.
 */
export function matchTimezoneDefinition(definition: TimezoneDefinition, year: number): ZoneMatch {
  const key = `${JSON.stringify(definition)}|${String(year)}`;
  const known = matches.get(key);
  if (known !== undefined) {
    return known.value;
  }
  const transitions = [...onsets(definition, year - 1), ...onsets(definition, year)];
  const changes = onsets(definition, year).filter(
    (transition) => transition.offsetFromMs !== transition.offsetToMs,
  );
  const januaryMs = Date.UTC(year, 0, 15, 12);
  const julyMs = Date.UTC(year, 6, 15, 12);
  const januaryOffset = offsetAt(definition, transitions, januaryMs);
  const julyOffset = offsetAt(definition, transitions, julyMs);
  let match: ZoneMatch | null =
    changes.length === 0 && januaryOffset === julyOffset
      ? { zone: offsetZone(januaryOffset), exact: true }
      : null;
  for (const zone of match === null ? candidateZones : []) {
    if (
      offsetOfZone(zone, januaryMs) !== januaryOffset ||
      offsetOfZone(zone, julyMs) !== julyOffset
    ) {
      continue;
    }
    const sameTransitions = changes.every(
      (change) =>
        offsetOfZone(zone, change.atMs - 1000) === change.offsetFromMs &&
        offsetOfZone(zone, change.atMs) === change.offsetToMs,
    );
    if (sameTransitions) {
      match = { zone, exact: true };
      break;
    }
    match ??= { zone, exact: false };
  }
  const result = match ?? { zone: offsetZone(januaryOffset), exact: false };
  matches.set(key, result);
  return result;
}
