// The reading stored with a feed (DESIGN §3, fetching 4): reused while unchanged bytes would still
// read the same, and the feed's relevant part that unchanged bytes are read again from.
import { z } from 'zod';
import type { OccurrenceDiff } from '../../domain/calendar/diff.js';
import { matchedInWindow, type OccurrenceSpan } from '../../domain/calendar/reading-stability.js';
import type { TimeWindow } from '../../domain/calendar/read-feed.js';
import type { CalendarFeed } from '../../generated/prisma/client.js';
import type { ServiceDependencies } from '../dependencies.js';

type Deps = Pick<ServiceDependencies, 'prisma'>;

/** The feed row a sync starts from; the stored relevant part is loaded only when it is read. */
export type FeedState = Omit<CalendarFeed, 'relevantIcs'>;

/** What a sync learned from the feed: the writes it owes, the figures of its run, how long it holds. */
export type Reading = {
  diff: OccurrenceDiff;
  eventsInFeed: number;
  eventsMatched: number;
  stableUntil: Date;
  /** The room's occurrences in the reading window, stored to count them as the window moves. */
  matchedSpans: OccurrenceSpan[];
};

/** Spans as stored with the feed: [startMs, endMs] pairs. */
const storedSpans = z.array(z.tuple([z.number(), z.number()]));

export function storeSpans(spans: readonly OccurrenceSpan[]): [number, number][] {
  return spans.map((span) => [span.startsAt.getTime(), span.endsAt.getTime()]);
}

function loadSpans(stored: unknown): OccurrenceSpan[] | null {
  const parsed = storedSpans.safeParse(stored);
  if (!parsed.success) return null;
  return parsed.data.map(([startMs, endMs]) => ({
    startsAt: new Date(startMs),
    endsAt: new Date(endMs),
  }));
}

const nothingToWrite: OccurrenceDiff = { create: [], update: [], restore: [], remove: [] };

/** The last run that read the feed we still hold (a failed one counted nothing). */
export async function lastReadingRun(deps: Deps, roomId: string) {
  return deps.prisma.calendarSyncRun.findFirst({
    where: { roomId, status: { in: ['SUCCEEDED', 'UNCHANGED'] } },
    orderBy: { queuedAt: 'desc' },
    select: { eventsInFeed: true },
  });
}

/** The stored reading, while unchanged bytes would still read the same; null when they must be read. */
export function stableReading(
  feed: FeedState,
  lastRun: { eventsInFeed: number } | null,
  inputsHash: string,
  window: TimeWindow,
  now: Date,
): Reading | null {
  const matchedSpans = loadSpans(feed.readingMatchedSpans);
  if (
    lastRun === null ||
    matchedSpans === null ||
    feed.readingInputsHash !== inputsHash ||
    feed.readingStableUntil === null ||
    now >= feed.readingStableUntil
  ) {
    return null;
  }
  return {
    diff: nothingToWrite,
    eventsInFeed: lastRun.eventsInFeed,
    eventsMatched: matchedInWindow(matchedSpans, window),
    stableUntil: feed.readingStableUntil,
    matchedSpans,
  };
}

/** The relevant part stored with the feed's hash: an unchanged feed is read again from it. */
export async function storedRelevantIcs(deps: Deps, roomId: string): Promise<string> {
  const { relevantIcs } = await deps.prisma.calendarFeed.findUniqueOrThrow({
    where: { roomId },
    select: { relevantIcs: true },
  });
  if (relevantIcs === null) throw new Error(`The feed of room ${roomId} has a hash but no text`);
  return relevantIcs;
}
