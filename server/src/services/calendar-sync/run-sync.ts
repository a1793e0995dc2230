// Running calendar syncs (the worker's job): one download per feed URL, then, per room and under
// the room's lock: read, match, diff, write, record the run — a failure changes nothing stored.
import { z } from 'zod';
import {
  safeFetch,
  SafeFetchError,
  type SafeFetchResult,
} from '../../adapters/safe-fetch/index.js';
import { diffCounts, diffOccurrences, type OccurrenceDiff } from '../../domain/calendar/diff.js';
import { createRoomMatcher } from '../../domain/calendar/match-room.js';
import {
  matchedInWindow,
  readingInputsHash,
  readingStableUntil,
  readingWindow,
  type OccurrenceSpan,
} from '../../domain/calendar/reading-stability.js';
import {
  decodeFeedBytes,
  extractRelevantIcs,
  FeedParseError,
  normalizedFeedHash,
  overlapsWindow,
  readFeed,
  type Occurrence,
  type TimeWindow,
} from '../../domain/calendar/read-feed.js';
import {
  nextSyncAfterFailure,
  nextSyncAfterSuccess,
  syncWindow,
} from '../../domain/calendar/sync-schedule.js';
import { roomUrl } from '../../domain/rooms/room-name.js';
import { withLock } from '../../engines/with-lock.js';
import type {
  CalendarFeed,
  CalendarSyncErrorCode,
  Prisma,
  Room,
} from '../../generated/prisma/client.js';
import { lobbyVersion } from '../../version.js';
import type { ServiceDependencies } from '../dependencies.js';
import { publishRunChanged, pruneRuns, updateQueuedRun, updateRun } from './runs.js';

export const calendarSyncJobData = z.object({ runIds: z.array(z.uuid()).min(1) });

/** What happens after a room's events changed (meetings follow): wired by the process. */
export type AfterEventsChanged = (roomId: string) => Promise<void>;

type Deps = ServiceDependencies & { afterEventsChanged: AfterEventsChanged; log: Log };
type Log = (message: string, error?: unknown) => void;

type Download = SafeFetchResult;

class SyncFailure extends Error {
  constructor(
    readonly code: CalendarSyncErrorCode,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

function toSyncFailure(error: unknown): SyncFailure {
  if (error instanceof SyncFailure) return error;
  if (error instanceof SafeFetchError) {
    return new SyncFailure(error.code, error.message, error.retryAfterSeconds);
  }
  if (error instanceof FeedParseError) {
    return new SyncFailure('PARSE_FAILED', `The feed could not be read: ${error.message}`);
  }
  return new SyncFailure('INTERNAL', 'An internal error stopped this sync; it will be retried');
}

function userAgent(publicBaseUrl: string): string {
  return `Lobby/${lobbyVersion} (calendar sync; +${publicBaseUrl})`;
}

function toRow(occurrence: Occurrence) {
  return {
    uid: occurrence.uid,
    recurrenceId: occurrence.recurrenceId,
    title: occurrence.title,
    description: occurrence.description,
    location: occurrence.location,
    startsAt: occurrence.startsAt,
    endsAt: occurrence.endsAt,
    isAllDay: occurrence.isAllDay,
    startDate: occurrence.startDate,
    endDate: occurrence.endDate,
    status: occurrence.status,
    organizer: occurrence.organizer ?? undefined,
    attendees: occurrence.attendees,
    contentHash: occurrence.contentHash,
  };
}

async function writeDiff(
  transaction: Prisma.TransactionClient,
  roomId: string,
  diff: OccurrenceDiff,
  now: Date,
): Promise<void> {
  if (diff.create.length > 0) {
    await transaction.calendarEvent.createMany({
      data: diff.create.map((occurrence) => ({ roomId, ...toRow(occurrence) })),
    });
  }
  for (const { id, occurrence } of [...diff.update, ...diff.restore]) {
    await transaction.calendarEvent.update({
      where: { id },
      data: { ...toRow(occurrence), deletedAt: null },
    });
  }
  if (diff.remove.length > 0) {
    await transaction.calendarEvent.updateMany({
      where: { id: { in: diff.remove } },
      data: { deletedAt: now },
    });
  }
}

/** The HTTP validators of the body we now hold; null after a 304 (the stored ones still hold). */
type Validators = { etag: string | null; lastModified: string | null } | null;

/** The feed text to read: freshly downloaded, or the stored relevant part when unchanged. */
type FeedSource =
  | { kind: 'changed'; text: string; feedHash: string; validators: Validators }
  | { kind: 'unchanged'; validators: Validators };

/** The feed row a sync starts from; the stored relevant part is loaded only when it is read. */
type FeedState = Omit<CalendarFeed, 'relevantIcs'>;

function sourceOf(download: Download, feed: FeedState): FeedSource {
  if (download.kind === 'not-modified') {
    if (feed.contentHash === null) {
      throw new SyncFailure(
        'HTTP_STATUS',
        'The server answered "not modified" to a first download',
      );
    }
    return { kind: 'unchanged', validators: null };
  }
  // PostgreSQL text cannot hold U+0000, and iCalendar never has it: a stray one must not fail a sync.
  const text = decodeFeedBytes(download.body).replaceAll('\u0000', '');
  const feedHash = normalizedFeedHash(text);
  // Kept also for a merely restamped body, so that the next request can be answered with a 304.
  const validators = { etag: download.etag, lastModified: download.lastModified };
  if (feedHash === feed.contentHash) {
    return { kind: 'unchanged', validators };
  }
  return { kind: 'changed', text, feedHash, validators };
}

/** What a sync learned from the feed: the writes it owes, the figures of its run, how long it holds. */
type Reading = {
  diff: OccurrenceDiff;
  eventsInFeed: number;
  eventsMatched: number;
  stableUntil: Date;
  /** The room's occurrences in the reading window, stored to count them as the window moves. */
  matchedSpans: OccurrenceSpan[];
};

/** Spans as stored with the feed: [startMs, endMs] pairs. */
const storedSpans = z.array(z.tuple([z.number(), z.number()]));

function storeSpans(spans: readonly OccurrenceSpan[]): [number, number][] {
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
async function lastReadingRun(deps: Deps, roomId: string) {
  return deps.prisma.calendarSyncRun.findFirst({
    where: { roomId, status: { in: ['SUCCEEDED', 'UNCHANGED'] } },
    orderBy: { queuedAt: 'desc' },
    select: { eventsInFeed: true },
  });
}

/** The stored reading, while unchanged bytes would still read the same; null when they must be read. */
function stableReading(
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
async function storedRelevantIcs(deps: Deps, roomId: string): Promise<string> {
  const { relevantIcs } = await deps.prisma.calendarFeed.findUniqueOrThrow({
    where: { roomId },
    select: { relevantIcs: true },
  });
  if (relevantIcs === null) throw new Error(`The feed of room ${roomId} has a hash but no text`);
  return relevantIcs;
}

/** Reads the room's occurrences from the feed and compares them with the stored rows. */
async function readAndDiff(
  deps: Deps,
  room: Room,
  source: FeedSource,
  lastRun: { eventsInFeed: number } | null,
  window: TimeWindow,
  now: Date,
): Promise<Reading> {
  const { config } = deps;
  const readOptions = { window: readingWindow(window), defaultTimezone: room.timezone };
  const reading =
    source.kind === 'changed'
      ? readFeed(source.text, { ...readOptions, relevantHost: publicHost(deps) })
      : readFeed(await storedRelevantIcs(deps, room.id), readOptions);
  const matcher = createRoomMatcher(roomUrl(config.PUBLIC_BASE_URL, room.name));
  const read = reading.occurrences.filter((occurrence) => matcher.matches(occurrence));
  const matched = read.filter((occurrence) => overlapsWindow(occurrence, window));
  const stored = await deps.prisma.calendarEvent.findMany({
    where: {
      roomId: room.id,
      OR: [
        { endsAt: { gt: window.from } },
        { uid: { in: [...new Set(matched.map((o) => o.uid))] } },
      ],
    },
    select: {
      id: true,
      uid: true,
      recurrenceId: true,
      contentHash: true,
      deletedAt: true,
      startsAt: true,
      endsAt: true,
    },
  });
  return {
    diff: diffOccurrences(stored, matched, { window, now }),
    // The stored relevant part holds only some of the feed's events.
    eventsInFeed:
      source.kind === 'unchanged' && lastRun !== null ? lastRun.eventsInFeed : reading.eventsInFeed,
    eventsMatched: matched.length,
    stableUntil: readingStableUntil(read, window, now),
    matchedSpans: read,
  };
}

function publicHost(deps: Deps): string {
  return new URL(deps.config.PUBLIC_BASE_URL).hostname;
}

async function syncRoom(
  deps: Deps,
  runId: string,
  room: Room & { calendarFeed: FeedState },
  download: () => Promise<Download>,
): Promise<void> {
  const { prisma, config } = deps;
  const feed = room.calendarFeed;
  try {
    const source = sourceOf(await download(), feed);
    const now = deps.now();
    const window = syncWindow(now, config.CALENDAR_LOOKAHEAD_DAYS);
    const inputsHash = readingInputsHash({
      roomUrl: roomUrl(config.PUBLIC_BASE_URL, room.name),
      timezone: room.timezone,
      lookaheadDays: config.CALENDAR_LOOKAHEAD_DAYS,
    });
    const lastRun = source.kind === 'unchanged' ? await lastReadingRun(deps, room.id) : null;
    // Changed bytes have no last run to lean on (null), so they are always read.
    const stable = stableReading(feed, lastRun, inputsHash, window, now);
    const reading = stable ?? (await readAndDiff(deps, room, source, lastRun, window, now));
    const counts = diffCounts(reading.diff);
    const changedEvents = counts.created + counts.updated + counts.restored + counts.removed > 0;
    const newFeed = source.kind === 'changed' && {
      contentHash: source.feedHash,
      relevantIcs: extractRelevantIcs(source.text, publicHost(deps)),
    };
    // The run's figures commit with the writes: a later sync trusts them to describe this reading.
    const finishedRun = await prisma.$transaction(async (transaction) => {
      await writeDiff(transaction, room.id, reading.diff, now);
      await transaction.calendarFeed.update({
        where: { roomId: room.id },
        data: {
          ...source.validators,
          ...newFeed,
          // A reused reading is stored already.
          ...(stable === null && {
            readingStableUntil: reading.stableUntil,
            readingMatchedSpans: storeSpans(reading.matchedSpans),
            readingInputsHash: inputsHash,
          }),
          nextSyncAt: nextSyncAfterSuccess(now, feed.syncIntervalMinutes),
          consecutiveFailures: 0,
          lastSyncRunId: runId,
        },
      });
      return transaction.calendarSyncRun.update({
        where: { id: runId },
        data: {
          status: source.kind === 'changed' ? 'SUCCEEDED' : 'UNCHANGED',
          finishedAt: deps.now(),
          eventsInFeed: reading.eventsInFeed,
          eventsMatched: reading.eventsMatched,
          ...counts,
        },
      });
    });
    await publishRunChanged(deps, finishedRun);
    if (changedEvents) await deps.afterEventsChanged(room.id);
  } catch (error) {
    const failure = toSyncFailure(error);
    if (failure.code === 'INTERNAL') deps.log(`Calendar sync of room ${room.id} failed`, error);
    const now = deps.now();
    const consecutiveFailures = feed.consecutiveFailures + 1;
    await prisma.calendarFeed.update({
      where: { roomId: room.id },
      data: {
        consecutiveFailures,
        lastSyncRunId: runId,
        nextSyncAt: nextSyncAfterFailure(
          now,
          feed.syncIntervalMinutes,
          consecutiveFailures,
          failure.retryAfterSeconds,
        ),
      },
    });
    await updateRun(deps, runId, {
      status: 'FAILED',
      finishedAt: now,
      errorCode: failure.code,
      errorMessage: failure.message,
    });
  }
}

/** The `calendar.sync` job: runs that share a feed URL, downloaded once for all of them. */
export async function runCalendarSyncs(deps: Deps, runIds: readonly string[]): Promise<void> {
  const runs = await deps.prisma.calendarSyncRun.findMany({
    where: { id: { in: [...runIds] }, status: 'QUEUED' },
    include: { room: { include: { calendarFeed: { omit: { relevantIcs: true } } } } },
  });
  const downloads = new Map<string, Promise<Download>>();
  const downloadOnce = (feed: FeedState) => () => {
    const key = JSON.stringify([feed.url, feed.etag, feed.lastModified]);
    let download = downloads.get(key);
    if (download === undefined) {
      download = safeFetch(feed.url, {
        userAgent: userAgent(deps.config.PUBLIC_BASE_URL),
        allowedHosts: deps.config.CALENDAR_FETCH_ALLOWED_HOSTS,
        etag: feed.etag,
        lastModified: feed.lastModified,
      });
      downloads.set(key, download);
    }
    return download;
  };
  for (const run of runs) {
    const { room } = run;
    const feed = room.calendarFeed;
    // One room's failure never stops the others (DESIGN §8.11).
    try {
      if (feed === null || !feed.enabled) {
        await updateQueuedRun(deps, run, {
          status: 'SKIPPED',
          finishedAt: deps.now(),
          errorMessage: 'The calendar feed of this room is not set or is turned off',
        });
        continue;
      }
      // Claimed before the lock: the same run can reach two workers (a re-enqueued job), and only
      // the one that claimed it may run it or say it was skipped.
      if (!(await updateQueuedRun(deps, run, { status: 'RUNNING', startedAt: deps.now() }))) {
        continue;
      }
      const outcome = await withLock(
        deps.locks,
        `calendar-sync:${room.id}`,
        { ttlMs: 60_000, log: deps.log },
        () => syncRoom(deps, run.id, { ...room, calendarFeed: feed }, downloadOnce(feed)),
      );
      if (!outcome.acquired) {
        await updateRun(deps, run.id, {
          status: 'SKIPPED',
          finishedAt: deps.now(),
          errorMessage: 'Another sync of this room was running',
        });
      }
      await pruneRuns(deps.prisma, room.id);
    } catch (error) {
      deps.log(`Calendar sync run ${run.id} failed unexpectedly`, error);
    }
  }
}
