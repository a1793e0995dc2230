// Reading a feed (DESIGN §3 "Reading a feed"): the occurrences in a window, what was skipped and why.
import { createHash } from 'node:crypto';
import {
  InvalidEventError,
  readEvent,
  type EventReadContext,
  type ParsedEvent,
} from './events/event-component.js';
import { isVolatileProperty } from './ics/feed-hash.js';
import type { FeedReading, FeedWarning, ReadFeedOptions, SkippedEvent } from './feed-reading.js';
import { RecurrenceBudget } from './events/recurrence-budget.js';
import {
  FeedParseError,
  readComponent,
  scanFeed,
  type ComponentBlock,
  type ComponentContent,
  type FeedStructure,
} from './ics/feed-structure.js';
import { unescapeText } from './ics/ics-lines.js';
import { parseDateTimeText } from './ics/ics-values.js';
import type { Occurrence } from './events/occurrence.js';
import { skippedDraft, toOccurrence } from './events/occurrence-from-draft.js';
import { selectRelevantEvents } from './ics/relevant-ics.js';
import { readSeries, type SeriesOptions } from './events/series.js';
import { wallClockToInstant } from './time-zones/time-zones.js';
import { floatingZoneOf } from './time-zones/floating-zone.js';
import { readTimezoneDefinition } from './time-zones/vtimezone.js';
import { createZoneResolver } from './time-zones/zone-resolver.js';

export { decodeFeedBytes } from './ics/feed-bytes.js';
export { normalizedFeedHash } from './ics/feed-hash.js';
export type { FeedReading, FeedWarning, ReadFeedOptions, SkippedEvent } from './feed-reading.js';
export { FeedParseError } from './ics/feed-structure.js';
export { FeedOverBudgetError } from './events/recurrence-budget.js';
export { extractRelevantIcs } from './ics/relevant-ics.js';
export type { Attendee, Occurrence, TimeWindow } from './events/occurrence.js';
export { overlapsWindow } from './events/series.js';
export { DAY_MS } from './time-zones/time-zones.js';

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

class Warnings {
  readonly list: FeedWarning[] = [];
  private readonly seen = new Set<string>();

  add(warning: FeedWarning): void {
    const key = `${warning.code}|${warning.uid ?? ''}|${warning.message}`;
    if (!this.seen.has(key)) {
      this.seen.add(key);
      this.list.push(warning);
    }
  }
}

/** Events without UID still need a stable key: a hash of what they say (stamps left out). */
function generatedUid(component: ComponentContent): string {
  const text = component.properties
    .filter((line) => !isVolatileProperty(line.name))
    .map((line) => `${line.name}${JSON.stringify([...line.params])}:${line.value}`)
    .join('\n');
  return `generated-${sha256(text).slice(0, 32)}`;
}

function propertyValue(component: ComponentContent, name: string): string | null {
  return component.properties.find((line) => line.name === name)?.value ?? null;
}

function titleOf(component: ComponentContent): string | null {
  const summary = propertyValue(component, 'SUMMARY');
  return summary === null ? null : unescapeText(summary).trim();
}

/** What can still be said about an event that could not be read: best effort, never throws. */
function invalidEvent(
  component: ComponentContent,
  uid: string,
  floatingZone: string,
): SkippedEvent {
  const instantOf = (name: string): Date | null => {
    const parsed = parseDateTimeText(propertyValue(component, name)?.split(':').at(-1) ?? '');
    return parsed === null
      ? null
      : new Date(
          wallClockToInstant(
            parsed.clock,
            parsed.kind === 'date-time' && parsed.isUtc ? 'UTC' : floatingZone,
          ),
        );
  };
  return {
    uid,
    recurrenceId: instantOf('RECURRENCE-ID')?.toISOString() ?? '',
    title: titleOf(component),
    startsAt: instantOf('DTSTART'),
    reason: 'invalid',
  };
}

function compareText(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

type ReadEvents = {
  /** The readable components of each UID, in feed order. */
  series: Map<string, ParsedEvent[]>;
  /** The first component of each UID, to describe a series that cannot be expanded. */
  firstComponents: Map<string, ComponentContent>;
  skipped: SkippedEvent[];
};

function readEvents(
  structure: FeedStructure,
  blocks: readonly ComponentBlock[],
  context: EventReadContext,
): ReadEvents {
  const read: ReadEvents = { series: new Map(), firstComponents: new Map(), skipped: [] };
  for (const block of blocks) {
    const component = readComponent(structure, block);
    const uid = block.uid ?? generatedUid(component);
    const title = titleOf(component) ?? uid;
    if (block.uid === null) {
      context.warn({
        code: 'missing-uid',
        uid,
        message: `The event "${title}" has no UID; it was given the identifier ${uid}.`,
      });
    }
    for (const line of component.malformedLines) {
      context.warn({
        code: 'malformed-line',
        uid,
        message: `Line ${String(line)} of the event "${title}" is not a property and was ignored.`,
      });
    }
    let event: ParsedEvent;
    try {
      event = readEvent(component, uid, context);
    } catch (error) {
      if (!(error instanceof Error)) {
        throw error;
      }
      read.skipped.push(invalidEvent(component, uid, context.floatingZone));
      const reason =
        error instanceof InvalidEventError
          ? error.message
          : `it could not be read (${describe(error)})`;
      context.warn({
        code: 'invalid-event',
        uid,
        message: `The event "${title}" was skipped: ${reason}.`,
      });
      continue;
    }
    const components = read.series.get(uid);
    if (components === undefined) {
      read.series.set(uid, [event]);
      read.firstComponents.set(uid, component);
    } else {
      components.push(event);
    }
  }
  return read;
}

/** Occurrences of every series; cancelled ones and single events outside the window go to `skipped`. */
function expandEvents(read: ReadEvents, options: SeriesOptions): Occurrence[] {
  const occurrences: Occurrence[] = [];
  for (const [uid, components] of read.series) {
    try {
      const reading = readSeries(uid, components, options);
      for (const draft of reading.inWindow) {
        if (draft.content.status === 'CANCELLED') {
          read.skipped.push(skippedDraft(draft, 'cancelled'));
        } else {
          occurrences.push(toOccurrence(draft));
        }
      }
      read.skipped.push(
        ...reading.outsideWindow.map((draft) => skippedDraft(draft, 'outside-window')),
      );
    } catch (error) {
      // A feed over its budget is not read at all: its other series must not hide what is missing.
      if (!(error instanceof Error) || error instanceof FeedParseError) {
        throw error;
      }
      const component = read.firstComponents.get(uid);
      if (component !== undefined) {
        read.skipped.push(invalidEvent(component, uid, options.floatingZone));
      }
      options.warn({
        code: 'invalid-event',
        uid,
        message: `The series "${components[0]?.content.title ?? uid}" was skipped: it could not be expanded (${describe(error)}).`,
      });
    }
  }
  return occurrences.sort(
    (left, right) =>
      left.startsAt.getTime() - right.startsAt.getTime() ||
      compareText(left.uid, right.uid) ||
      compareText(left.recurrenceId, right.recurrenceId),
  );
}

/**
 * Reads the occurrences of a feed that overlap `options.window`. Throws FeedParseError when the body
 * is not one complete VCALENDAR; a broken event is skipped (reason 'invalid') and the rest is read.
 */
export function readFeed(icsText: string, options: ReadFeedOptions): FeedReading {
  const structure = scanFeed(icsText);
  const blocks =
    options.relevantHost === undefined
      ? structure.events
      : selectRelevantEvents(structure, options.relevantHost);
  const warnings = new Warnings();
  const warn = (warning: FeedWarning) => {
    warnings.add(warning);
  };
  const zones = createZoneResolver(
    structure.timezones.map((block) => readTimezoneDefinition(readComponent(structure, block))),
  );
  const floating = floatingZoneOf(structure, zones, options);
  // Set from inside the context's callbacks while events are read.
  const floatingTimeUse = { seen: false };
  const context: EventReadContext = {
    floatingZone: floating.zone,
    resolveZone(tzid, referenceYear) {
      const resolution = zones.resolve(tzid, referenceYear, floating.zone);
      if (resolution.warning !== null) {
        warn(resolution.warning);
      }
      return resolution.zone;
    },
    noteFloatingTime() {
      floatingTimeUse.seen = true;
    },
    warn,
  };

  const read = readEvents(structure, blocks, context);
  const occurrences = expandEvents(read, {
    window: options.window,
    floatingZone: floating.zone,
    warn,
    recurrenceBudget: new RecurrenceBudget(),
  });
  if (floatingTimeUse.seen) {
    if (floating.warning !== null) {
      warn(floating.warning);
    }
    warn({
      code: 'floating-time',
      message: `Some times in the feed have no time zone; they were read in ${floating.zone} (${floating.source}).`,
    });
  }
  return {
    occurrences,
    skipped: read.skipped,
    warnings: warnings.list,
    eventsInFeed: structure.events.length,
  };
}
