// The components sharing one UID become occurrences in the window: the newest master is expanded
// (DTSTART, RRULE, RDATE minus EXDATE), RECURRENCE-ID overrides replace or add instances.
import type { EventContent, ParsedEvent, Span } from './event-component.js';
import type { FeedWarning } from '../feed-reading.js';
import type { RecurrenceBudget } from './recurrence-budget.js';
import type { TimeWindow } from './occurrence.js';
import type { RecurrenceRule, TimePoint } from './recurrence-rules.js';
import {
  DAY_MS,
  HOUR_MS,
  addDays,
  daysBetween,
  formatDate,
  localDate,
  startOfDate,
  wallClockToInstant,
} from '../time-zones/time-zones.js';

/** An occurrence before its content hash: what a series yields for one instance. */
export type OccurrenceDraft = {
  uid: string;
  recurrenceId: string;
  content: EventContent;
  startsAt: Date;
  endsAt: Date;
  isAllDay: boolean;
  startDate: string | null;
  endDate: string | null;
};

export type SeriesReading = {
  /** Occurrences overlapping the window, cancelled ones included. */
  inWindow: OccurrenceDraft[];
  /** The single (non-recurring) event, when it lies outside the window. */
  outsideWindow: OccurrenceDraft[];
};

export type SeriesOptions = {
  window: TimeWindow;
  floatingZone: string;
  warn(warning: FeedWarning): void;
  /** Shared by every series of the feed; throws FeedOverBudgetError when spent. */
  recurrenceBudget: RecurrenceBudget;
};

/** More instances than this in one window means a rule like FREQ=MINUTELY: the rest is cut. */
export const MAX_OCCURRENCES_PER_SERIES = 1000;

/** The highest SEQUENCE wins; of equal ones the first in the feed (as python-recurring-ical-events does). */
function newest<T extends { sequence: number }>(items: readonly T[]): T | undefined {
  return items.reduce<T | undefined>(
    (best, item) => (best === undefined || item.sequence > best.sequence ? item : best),
    undefined,
  );
}

type Instance = { point: TimePoint; periodDuration: Span | null };

type SeriesShape = {
  kind: TimePoint['kind'];
  zone: string;
  floatingZone: string;
  /** A timed series whose EXDATE or RECURRENCE-ID values include dates: instants match by date too. */
  matchesDates: boolean;
};

/** Keys under which a point is recognised: an instant, or a date (DATE values and all-day series). */
function keysOf(point: TimePoint, shape: SeriesShape): string[] {
  if (shape.kind === 'date') {
    return [`d:${point.kind === 'date' ? point.date : localDate(point.epochMs, point.zone)}`];
  }
  if (point.kind === 'date') {
    return [`d:${point.date}`];
  }
  const instantKey = `i:${String(point.epochMs)}`;
  return shape.matchesDates
    ? [instantKey, `d:${localDate(point.epochMs, shape.zone)}`]
    : [instantKey];
}

function primaryKey(point: TimePoint, shape: SeriesShape): string {
  return keysOf(point, shape)[0] ?? '';
}

/** The instant a point stands for: dates at midnight (in the series zone for timed series). */
function instantOf(point: TimePoint, shape: SeriesShape): number {
  if (point.kind === 'instant') {
    return point.epochMs;
  }
  return startOfDate(point.date, shape.kind === 'date' ? shape.floatingZone : shape.zone);
}

function asShapeKind(point: TimePoint, shape: SeriesShape): TimePoint {
  if (point.kind === shape.kind) {
    return point;
  }
  return point.kind === 'instant'
    ? { kind: 'date', date: localDate(point.epochMs, point.zone) }
    : { kind: 'instant', epochMs: startOfDate(point.date, shape.zone), zone: shape.zone };
}

function recurrenceIdOf(point: TimePoint, shape: SeriesShape): string {
  return new Date(instantOf(asShapeKind(point, shape), shape)).toISOString();
}

function draft(
  uid: string,
  recurrenceId: string,
  content: EventContent,
  span: Span,
  floatingZone: string,
): OccurrenceDraft {
  if (span.kind === 'date') {
    const endDate = addDays(span.date, span.durationDays ?? 1);
    return {
      uid,
      recurrenceId,
      content,
      startsAt: new Date(startOfDate(span.date, floatingZone)),
      endsAt: new Date(startOfDate(endDate, floatingZone)),
      isAllDay: true,
      startDate: span.date,
      endDate,
    };
  }
  return {
    uid,
    recurrenceId,
    content,
    startsAt: new Date(span.epochMs),
    endsAt: new Date(span.epochMs + (span.durationMs ?? HOUR_MS)),
    isAllDay: false,
    startDate: null,
    endDate: null,
  };
}

/** Overlaps [from, to); a zero-length occurrence counts when it starts inside. */
export function overlapsWindow(
  occurrence: Pick<OccurrenceDraft, 'startsAt' | 'endsAt'>,
  window: TimeWindow,
): boolean {
  const startMs = occurrence.startsAt.getTime();
  const endMs = occurrence.endsAt.getTime();
  const fromMs = window.from.getTime();
  const toMs = window.to.getTime();
  return endMs === startMs ? startMs >= fromMs && startMs < toMs : startMs < toMs && endMs > fromMs;
}

/** A span for `point` lasting like `model` (same kind), falling back to `fallback`'s duration. */
function spanAt(point: TimePoint, model: Span, fallback: Span | null): Span {
  if (point.kind === 'date') {
    const days = model.kind === 'date' ? model.durationDays : null;
    const fallbackDays = fallback?.kind === 'date' ? fallback.durationDays : null;
    return { ...point, durationDays: days ?? fallbackDays };
  }
  const durationMs = model.kind === 'instant' ? model.durationMs : null;
  const fallbackMs = fallback?.kind === 'instant' ? fallback.durationMs : null;
  return { ...point, durationMs: durationMs ?? fallbackMs };
}

/** The last instant a rule may produce (its UNTIL; a date UNTIL lasts to the end of that day). */
function lastInstantOf(rule: RecurrenceRule, shape: SeriesShape): number {
  const { until } = rule;
  if (until === null) {
    return Number.POSITIVE_INFINITY;
  }
  if (until.kind === 'date') {
    const zone = shape.kind === 'date' ? shape.floatingZone : shape.zone;
    return startOfDate(addDays(formatDate(until.clock), 1), zone) - 1;
  }
  return wallClockToInstant(until.clock, until.isUtc ? 'UTC' : shape.zone);
}

/** A RANGE=THISANDFUTURE override: later instances move by its shift and take its content. */
type FutureChange = { fromMs: number; override: ParsedEvent; shiftMs: number; shiftDays: number };

function futureChange(
  override: ParsedEvent,
  recurrenceId: TimePoint,
  shape: SeriesShape,
): FutureChange {
  const original = asShapeKind(recurrenceId, shape);
  const { span } = override;
  return {
    fromMs: instantOf(original, shape),
    override,
    shiftMs:
      original.kind === 'instant' && span.kind === 'instant' ? span.epochMs - original.epochMs : 0,
    shiftDays:
      original.kind === 'date' && span.kind === 'date' ? daysBetween(original.date, span.date) : 0,
  };
}

function shifted(point: TimePoint, change: FutureChange): TimePoint {
  return point.kind === 'date'
    ? { kind: 'date', date: addDays(point.date, change.shiftDays) }
    : { ...point, epochMs: point.epochMs + change.shiftMs };
}

function pointOf(span: Span): TimePoint {
  return span.kind === 'date'
    ? { kind: 'date', date: span.date }
    : { kind: 'instant', epochMs: span.epochMs, zone: span.zone };
}

function hasDuration(span: Span): boolean {
  return (span.kind === 'date' ? span.durationDays : span.durationMs) !== null;
}

function spanLengthMs(span: Span): number {
  return span.kind === 'date' ? (span.durationDays ?? 1) * DAY_MS : (span.durationMs ?? HOUR_MS);
}

function generateInstances(
  master: ParsedEvent,
  shape: SeriesShape,
  range: { fromMs: number; toMs: number },
  budget: RecurrenceBudget,
): Instance[] {
  const { fromMs, toMs } = range;
  const start = pointOf(master.span);
  const instances = new Map<string, Instance>();
  const add = (point: TimePoint, periodDuration: Span | null) => {
    const key = primaryKey(point, shape);
    if (!instances.has(key) || periodDuration !== null) {
      instances.set(key, { point, periodDuration });
    }
  };
  const startMs = instantOf(start, shape);
  // DTSTART is the first instance, unless every rule ended before it (a deleted-series marker).
  if (
    master.rules.length === 0 ||
    !master.rules.every((rule) => startMs > lastInstantOf(rule, shape))
  ) {
    add(start, null);
  }
  // Rules that cannot reach the range are not enumerated at all.
  const reaching = master.rules.filter(
    (rule) => startMs <= toMs && lastInstantOf(rule, shape) >= fromMs,
  );
  for (const rule of reaching) {
    const points = budget.enumerate(title(master), (maxSteps) =>
      rule.between(new Date(fromMs), new Date(toMs), maxSteps),
    );
    for (const point of points) {
      add(asShapeKind(point, shape), null);
    }
  }
  for (const rdate of master.rdates) {
    // An RDATE PERIOD brings its own length.
    add(asShapeKind(pointOf(rdate), shape), hasDuration(rdate) ? rdate : null);
  }
  return [...instances.values()].sort(
    (left, right) => instantOf(left.point, shape) - instantOf(right.point, shape),
  );
}

function title(event: ParsedEvent): string {
  return event.content.title ?? event.uid;
}

type Override = { event: ParsedEvent; recurrenceId: TimePoint };

/** Overrides by the instance they replace; of duplicates the highest SEQUENCE wins. */
function collectOverrides(
  components: readonly ParsedEvent[],
  shape: SeriesShape,
): Map<string, Override> {
  const overrides = new Map<string, Override>();
  for (const event of components) {
    if (event.rules.length === 0 && event.recurrenceId !== null) {
      const key = primaryKey(event.recurrenceId, shape);
      const known = overrides.get(key);
      if (known === undefined || event.sequence > known.event.sequence) {
        overrides.set(key, { event, recurrenceId: event.recurrenceId });
      }
    }
  }
  return overrides;
}

/** The day a point falls on in the series' zone. */
function dayOf(point: TimePoint, shape: SeriesShape): string {
  return point.kind === 'date' ? point.date : localDate(point.epochMs, shape.zone);
}

/**
 * Overrides written before the series was edited (a lower SEQUENCE than the master's) whose
 * RECURRENCE-ID names no instance any more, as when the series' time changed after an instance
 * was moved: each still replaces its instance, the one on the same day, by that day.
 */
function overridesOfEarlierSeries(
  master: ParsedEvent,
  instances: readonly Instance[],
  overrides: ReadonlyMap<string, Override>,
  shape: SeriesShape,
): Map<string, Override> {
  const instanceKeys = new Set(instances.flatMap((instance) => keysOf(instance.point, shape)));
  const byDay = new Map<string, Override>();
  for (const override of overrides.values()) {
    const matchesAnInstance = keysOf(override.recurrenceId, shape).some((key) =>
      instanceKeys.has(key),
    );
    if (
      !matchesAnInstance &&
      !override.event.isThisAndFuture &&
      override.event.sequence < master.sequence
    ) {
      byDay.set(dayOf(override.recurrenceId, shape), override);
    }
  }
  return byDay;
}

type Expansion = {
  uid: string;
  master: ParsedEvent;
  shape: SeriesShape;
  overrides: ReadonlyMap<string, Override>;
  isExcluded(point: TimePoint): boolean;
  keep(occurrence: OccurrenceDraft, isSingleEvent: boolean): void;
};

/**
 * The master's own instances around the window, minus EXDATEs and those an override replaces;
 * returns the recurrence id of each replaced instance by its override.
 */
function expandMaster(expansion: Expansion, options: SeriesOptions): Map<Override, string> {
  const { uid, master, shape, overrides } = expansion;
  const { window, floatingZone } = options;
  const isRecurring = master.rules.length > 0 || master.rdates.length > 0;
  const changes = [...overrides.values()]
    .flatMap((override) =>
      override.event.isThisAndFuture
        ? [futureChange(override.event, override.recurrenceId, shape)]
        : [],
    )
    .sort((left, right) => left.fromMs - right.fromMs);
  const lookBehindMs = Math.max(
    spanLengthMs(master.span),
    ...changes.map(
      (change) => change.shiftMs + change.shiftDays * DAY_MS + spanLengthMs(change.override.span),
    ),
  );
  const lookAheadMs = Math.max(
    0,
    ...changes.map((change) => -(change.shiftMs + change.shiftDays * DAY_MS)),
  );
  // A day more on both sides: date series are enumerated at UTC midnight, not in the floating zone.
  const instances = generateInstances(
    master,
    shape,
    {
      fromMs: window.from.getTime() - lookBehindMs - DAY_MS,
      toMs: window.to.getTime() + lookAheadMs + DAY_MS,
    },
    options.recurrenceBudget,
  ).filter((instance) => !expansion.isExcluded(instance.point));
  if (instances.length > MAX_OCCURRENCES_PER_SERIES) {
    options.warn({
      code: 'recurrence-cut',
      uid,
      message: `The series "${title(master)}" repeats more than ${String(MAX_OCCURRENCES_PER_SERIES)} times around the window; only the first ${String(MAX_OCCURRENCES_PER_SERIES)} were read.`,
    });
  }
  const kept = instances.slice(0, MAX_OCCURRENCES_PER_SERIES);
  const earlier = overridesOfEarlierSeries(master, kept, overrides, shape);
  const replaced = new Map<Override, string>();
  for (const instance of kept) {
    const recurrenceId = isRecurring ? recurrenceIdOf(instance.point, shape) : '';
    const ownOverride = keysOf(instance.point, shape)
      .map((key) => overrides.get(key))
      .find((candidate) => candidate !== undefined);
    // One instance a day at most takes an override of the earlier series.
    const earlierOverride = earlier.get(dayOf(instance.point, shape));
    const override =
      ownOverride ??
      (earlierOverride !== undefined && !replaced.has(earlierOverride)
        ? earlierOverride
        : undefined);
    if (override !== undefined) {
      replaced.set(override, recurrenceId);
      continue;
    }
    const originalMs = instantOf(instance.point, shape);
    const change = changes.filter((candidate) => candidate.fromMs < originalMs).at(-1);
    const source = change?.override ?? master;
    const point = change === undefined ? instance.point : shifted(instance.point, change);
    const span = spanAt(point, instance.periodDuration ?? source.span, master.span);
    expansion.keep(draft(uid, recurrenceId, source.content, span, floatingZone), !isRecurring);
  }
  return replaced;
}

/** Reads the components of one UID, in feed order. Throws when the series cannot be expanded. */
export function readSeries(
  uid: string,
  components: readonly ParsedEvent[],
  options: SeriesOptions,
): SeriesReading {
  const reading: SeriesReading = { inWindow: [], outsideWindow: [] };
  const keep = (occurrence: OccurrenceDraft, isSingleEvent: boolean) => {
    if (overlapsWindow(occurrence, options.window)) {
      reading.inWindow.push(occurrence);
    } else if (isSingleEvent) {
      reading.outsideWindow.push(occurrence);
    }
  };

  const masters = components.filter(
    (event) => event.rules.length > 0 || event.recurrenceId === null,
  );
  const master = newest(masters);
  if (master !== undefined && masters.length > 1) {
    options.warn({
      code: 'duplicate-uid',
      uid,
      message: `The event "${title(master)}" appears ${String(masters.length)} times with the same UID; the version with the highest SEQUENCE (${String(master.sequence)}) was used.`,
    });
  }
  const shape: SeriesShape = {
    kind: master?.span.kind ?? 'instant',
    zone: master?.span.kind === 'instant' ? master.span.zone : options.floatingZone,
    floatingZone: options.floatingZone,
    matchesDates: components.some(
      (event) =>
        event.recurrenceId?.kind === 'date' ||
        event.exdates.some((exdate) => exdate.kind === 'date'),
    ),
  };
  const overrides = collectOverrides(components, shape);
  const excluded = new Set(master?.exdates.flatMap((point) => keysOf(point, shape)) ?? []);
  const isExcluded = (point: TimePoint) => keysOf(point, shape).some((key) => excluded.has(key));
  const replaced =
    master === undefined
      ? new Map<Override, string>()
      : expandMaster({ uid, master, shape, overrides, isExcluded, keep }, options);

  // Overrides, also of instances outside the enumerated range and of series not in the feed.
  for (const override of overrides.values()) {
    if (isExcluded(override.recurrenceId)) {
      continue;
    }
    const recurrenceId = replaced.get(override) ?? recurrenceIdOf(override.recurrenceId, shape);
    const span = spanAt(override.event.span, override.event.span, master?.span ?? null);
    keep(
      draft(uid, recurrenceId, override.event.content, span, options.floatingZone),
      recurrenceId === '',
    );
  }
  return reading;
}
