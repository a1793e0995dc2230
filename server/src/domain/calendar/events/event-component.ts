// One VEVENT read into typed values: its span, recurrence, overrides' RECURRENCE-ID and content.
import { readPeople } from './attendees.js';
import type { FeedWarning } from '../feed-reading.js';
import type { ComponentContent } from '../ics/feed-structure.js';
import { unescapeText, type ContentLine } from '../ics/ics-lines.js';
import { parseDurationMs } from '../ics/ics-values.js';
import type { Attendee } from './occurrence.js';
import {
  type PointOptions,
  readPeriods,
  readPoint,
  readPoints,
  spanBetween,
  spanWithDuration,
  withoutDuration,
} from './event-times.js';
import { readRecurrenceRule, type RecurrenceRule, type TimePoint } from './recurrence-rules.js';

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
