// One VEVENT read into typed values: its span, recurrence, overrides' RECURRENCE-ID and content.
import { readPeople } from './attendees.js';
import type { FeedWarning } from '../feed-reading.js';
import type { ComponentContent } from '../ics/feed-structure.js';
import { unescapeText, type ContentLine } from '../ics/ics-lines.js';
import { parseDateTimeText, parseDurationMs } from '../ics/ics-values.js';
import type { Attendee } from './occurrence.js';
import { readRecurrenceRule, type RecurrenceRule, type TimePoint } from './recurrence-rules.js';
import {
  DAY_MS,
  addDays,
  daysBetween,
  formatDate,
  startOfDate,
  wallClockToInstant,
} from '../time-zones/time-zones.js';

/** A start and how long it lasts; the duration is null when the component gave no end. */
export type Span =
  | { kind: 'date'; date: string; durationDays: number | null }
  | { kind: 'instant'; epochMs: number; zone: string; durationMs: number | null };

export type EventContent = {
  title: string | null;
  description: string | null;
  location: string | null;
  links: string[];
  /** Upper-case STATUS, or null. */
  status: string | null;
  organizer: Attendee | null;
  attendees: Attendee[];
};

export type ParsedEvent = {
  uid: string;
  sequence: number;
  recurrenceId: TimePoint | null;
  /** RECURRENCE-ID;RANGE=THISANDFUTURE: the change applies to later instances too. */
  isThisAndFuture: boolean;
  span: Span;
  rules: RecurrenceRule[];
  rdates: Span[];
  exdates: TimePoint[];
  content: EventContent;
};

export type EventReadContext = {
  /** Zone for times without one, when the event's start does not name one either. */
  floatingZone: string;
  resolveZone(tzid: string, referenceYear: number): string;
  noteFloatingTime(): void;
  warn(warning: FeedWarning): void;
};

/** Thrown when an event cannot be read; the rest of the feed is read regardless. */
export class InvalidEventError extends Error {
  override name = 'InvalidEventError';
}

type PointOptions = {
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

function readPoints(line: ContentLine, options: PointOptions): (TimePoint | null)[] {
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

function readPoint(line: ContentLine, options: PointOptions): TimePoint {
  const [point, ...others] = readPoints(line, options);
  if (point === undefined || point === null || others.length > 0) {
    throw new InvalidEventError(`its ${line.name} "${line.value}" is not a date`);
  }
  return point;
}

/** The span from `start` to `end`; an end before the start is swapped (with a warning). */
function spanBetween(start: TimePoint, end: TimePoint, onSwap: () => void): Span {
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

function spanWithDuration(start: TimePoint, durationMs: number, onSwap: () => void): Span {
  const end: TimePoint =
    start.kind === 'date'
      ? { kind: 'date', date: addDays(start.date, Math.round(durationMs / DAY_MS)) }
      : { ...start, epochMs: start.epochMs + durationMs };
  return spanBetween(start, end, onSwap);
}

function withoutDuration(start: TimePoint): Span {
  return start.kind === 'date' ? { ...start, durationDays: null } : { ...start, durationMs: null };
}

function textOf(lines: readonly ContentLine[], name: string): string | null {
  const value = lines.find((line) => line.name === name)?.value;
  const text = value === undefined ? '' : unescapeText(value).trim();
  return text === '' ? null : text;
}

/** The URL property, conference links and the HTML description, where the room URL may be. */
function isLinkProperty(name: string): boolean {
  return (
    name === 'URL' ||
    name === 'CONFERENCE' ||
    name === 'X-ALT-DESC' ||
    (name.startsWith('X-') && /URL|LINK|CONFERENCE/.test(name))
  );
}

function readContent(lines: readonly ContentLine[]): EventContent {
  const links = lines
    .filter((line) => isLinkProperty(line.name))
    .map((line) => unescapeText(line.value).trim())
    .filter((link) => link !== '');
  return {
    title: textOf(lines, 'SUMMARY'),
    description: textOf(lines, 'DESCRIPTION'),
    location: textOf(lines, 'LOCATION'),
    links: [...new Set(links)],
    status: textOf(lines, 'STATUS')?.toUpperCase() ?? null,
    ...readPeople(lines),
  };
}

function readRules(
  lines: readonly ContentLine[],
  span: Span,
  context: EventReadContext,
  uid: string,
): RecurrenceRule[] {
  const values = new Set(
    lines
      .filter((line) => line.name === 'RRULE')
      .map((line) => line.value.trim())
      .filter((value) => value !== ''),
  );
  const start: TimePoint = span.kind === 'date' ? { kind: 'date', date: span.date } : span;
  return [...values].map((value) => {
    let rule: RecurrenceRule;
    try {
      rule = readRecurrenceRule(start, value);
    } catch (error) {
      throw new InvalidEventError(
        `its RRULE "${value}" is broken: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (rule.ignoredWords.length > 0) {
      context.warn({
        code: 'rrule-repaired',
        uid,
        message: `The repetition rule of "${textOf(lines, 'SUMMARY') ?? uid}" holds ${rule.ignoredWords.map((word) => `"${word}"`).join(', ')}, which was ignored.`,
      });
    }
    if (rule.until?.kind === 'date' && span.kind === 'instant') {
      context.warn({
        code: 'date-only-until',
        uid,
        message: `The repetition of "${textOf(lines, 'SUMMARY') ?? uid}" ends on a date (UNTIL) although the event has a time; it was read as the end of that day in ${span.zone}.`,
      });
    }
    return rule;
  });
}

function readListed<T>(
  lines: readonly ContentLine[],
  name: string,
  read: (line: ContentLine) => (T | null)[],
  context: EventReadContext,
  uid: string,
): T[] {
  return lines
    .filter((line) => line.name === name && line.value.trim() !== '')
    .flatMap((line) => {
      const values = read(line);
      if (values.includes(null)) {
        context.warn({
          code: 'unreadable-date',
          uid,
          message: `An unreadable ${name} value "${line.value}" of event ${uid} was ignored.`,
        });
      }
      return values.filter((value) => value !== null);
    });
}

function readPeriods(line: ContentLine, options: PointOptions): (Span | null)[] {
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

/** Reads a VEVENT; throws InvalidEventError when it cannot be used. */
export function readEvent(
  component: ComponentContent,
  uid: string,
  context: EventReadContext,
): ParsedEvent {
  const lines = component.properties;
  const starts = lines.filter((line) => line.name === 'DTSTART');
  const [startLine] = starts;
  if (startLine === undefined) {
    throw new InvalidEventError('it has no DTSTART');
  }
  if (starts.length > 1) {
    throw new InvalidEventError(`it has ${String(starts.length)} DTSTART lines`);
  }
  const start = readPoint(startLine, { startZone: null, referenceYear: null, context });
  const options: PointOptions = {
    // Values without a zone follow the event's start; the feed's floating zone only when it has none.
    startZone: start.kind === 'instant' ? start.zone : null,
    referenceYear:
      start.kind === 'instant'
        ? new Date(start.epochMs).getUTCFullYear()
        : Number(start.date.slice(0, 4)),
    context,
  };
  const title = textOf(lines, 'SUMMARY') ?? uid;
  const onSwap = () => {
    context.warn({
      code: 'end-before-start',
      uid,
      message: `The event "${title}" ends before it starts; its start and end were swapped.`,
    });
  };
  const endLine = lines.find((line) => line.name === 'DTEND');
  const durationLine = lines.find((line) => line.name === 'DURATION');
  const recurrenceIdLine = lines.find((line) => line.name === 'RECURRENCE-ID');
  let span = withoutDuration(start);
  if (endLine !== undefined) {
    const swap = { needed: false };
    const between = spanBetween(start, readPoint(endLine, options), () => {
      swap.needed = true;
    });
    if (swap.needed && recurrenceIdLine !== undefined) {
      // A moved instance whose DTEND was left behind: the move is deliberate, keep its start.
      context.warn({
        code: 'end-before-start',
        uid,
        message: `The moved instance "${title}" ends before it starts; it keeps its new start and its series' length.`,
      });
    } else {
      if (swap.needed) onSwap();
      span = between;
    }
  } else if (durationLine !== undefined) {
    const durationMs = parseDurationMs(durationLine.value);
    if (durationMs === null) {
      throw new InvalidEventError(`its DURATION "${durationLine.value}" is not a duration`);
    }
    span = spanWithDuration(start, durationMs, onSwap);
  }
  const sequence = Number.parseInt(lines.find((line) => line.name === 'SEQUENCE')?.value ?? '', 10);
  return {
    uid,
    sequence: Number.isFinite(sequence) ? sequence : 0,
    recurrenceId: recurrenceIdLine === undefined ? null : readPoint(recurrenceIdLine, options),
    isThisAndFuture: recurrenceIdLine?.params.get('RANGE')?.toUpperCase() === 'THISANDFUTURE',
    span,
    rules: readRules(lines, span, context, uid),
    rdates: readListed(lines, 'RDATE', (line) => readPeriods(line, options), context, uid),
    exdates: readListed(lines, 'EXDATE', (line) => readPoints(line, options), context, uid),
    content: readContent(lines),
  };
}
