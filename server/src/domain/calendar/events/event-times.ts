// An event's times: DTSTART-like values in their zone, and the spans they make with an end,
// a duration or a PERIOD.
import type { ContentLine } from '../ics/ics-lines.js';
import { parseDateTimeText, parseDurationMs } from '../ics/ics-values.js';
import {
  DAY_MS,
  addDays,
  daysBetween,
  formatDate,
  startOfDate,
  wallClockToInstant,
} from '../time-zones/time-zones.js';
import { InvalidEventError, type EventReadContext, type Span } from './event-component.js';
import type { TimePoint } from './recurrence-rules.js';

export type PointOptions = {
  /** Zone of the event's start, for values without one; null: the feed's floating zone. */
  startZone: string | null;
  referenceYear: number | null;
  context: EventReadContext;
};

function zoneOfLocalTime(tzid: string | undefined, year: number, options: PointOptions): string {
  const { context } = options;
  if (tzid !== undefined) {
    return context.resolveZone(tzid, options.referenceYear ?? year);
  }
  if (options.startZone !== null) {
    return options.startZone;
  }
  context.noteFloatingTime();
  return context.floatingZone;
}

export function readPoints(line: ContentLine, options: PointOptions): (TimePoint | null)[] {
  let tzid = line.params.get('TZID');
  let value = line.value;
  // An unquoted TZID holding a colon (TZID=tzone://Microsoft/Custom:2021…) spills into the value.
  const lastColon = value.lastIndexOf(':');
  if (tzid !== undefined && lastColon >= 0) {
    tzid = `${tzid}:${value.slice(0, lastColon)}`;
    value = value.slice(lastColon + 1);
  }
  const isDate = line.params.get('VALUE')?.toUpperCase() === 'DATE';
  return value.split(',').map((text): TimePoint | null => {
    const parsed = parseDateTimeText(text, isDate);
    if (parsed === null) {
      return null;
    }
    if (parsed.kind === 'date') {
      return { kind: 'date', date: formatDate(parsed.clock) };
    }
    const zone = parsed.isUtc ? 'UTC' : zoneOfLocalTime(tzid, parsed.clock.year, options);
    return { kind: 'instant', epochMs: wallClockToInstant(parsed.clock, zone), zone };
  });
}

export function readPoint(line: ContentLine, options: PointOptions): TimePoint {
  const [point, ...others] = readPoints(line, options);
  if (point === undefined || point === null || others.length > 0) {
    throw new InvalidEventError(`its ${line.name} "${line.value}" is not a date`);
  }
  return point;
}

/** The span from `start` to `end`; an end before the start is swapped (with a warning). */
export function spanBetween(start: TimePoint, end: TimePoint, onSwap: () => void): Span {
  if (start.kind === 'date' && end.kind === 'date') {
    const days = daysBetween(start.date, end.date);
    if (days < 0) {
      onSwap();
    }
    // An all-day event ending on its start date lasts that day.
    return {
      kind: 'date',
      date: days < 0 ? end.date : start.date,
      durationDays: Math.max(1, Math.abs(days)),
    };
  }
  const zone = start.kind === 'instant' ? start.zone : end.kind === 'instant' ? end.zone : 'UTC';
  const startMs = start.kind === 'instant' ? start.epochMs : startOfDate(start.date, zone);
  const endMs = end.kind === 'instant' ? end.epochMs : startOfDate(end.date, zone);
  if (endMs < startMs) {
    onSwap();
  }
  return {
    kind: 'instant',
    epochMs: Math.min(startMs, endMs),
    zone,
    durationMs: Math.abs(endMs - startMs),
  };
}

export function spanWithDuration(start: TimePoint, durationMs: number, onSwap: () => void): Span {
  const end: TimePoint =
    start.kind === 'date'
      ? { kind: 'date', date: addDays(start.date, Math.round(durationMs / DAY_MS)) }
      : { ...start, epochMs: start.epochMs + durationMs };
  return spanBetween(start, end, onSwap);
}

export function withoutDuration(start: TimePoint): Span {
  return start.kind === 'date' ? { ...start, durationDays: null } : { ...start, durationMs: null };
}

export function readPeriods(line: ContentLine, options: PointOptions): (Span | null)[] {
  return line.value.split(',').map((period) => {
    const [startText = '', endText] = period.split('/');
    const [start] = readPoints({ ...line, value: startText }, options);
    if (start === undefined || start === null) {
      return null;
    }
    if (endText === undefined) {
      return withoutDuration(start);
    }
    const durationMs = parseDurationMs(endText);
    if (durationMs !== null) {
      return spanWithDuration(start, durationMs, () => undefined);
    }
    const [end] = readPoints({ ...line, value: endText }, options);
    return end === undefined || end === null ? null : spanBetween(start, end, () => undefined);
  });
}
