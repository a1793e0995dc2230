// Running calendar syncs (the worker's job): one download per feed URL, then, per room and under
// the room's lock: read, match, diff, write, record the run — a failure changes nothing stored.
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import {
  safeFetch,
  SafeFetchError,
  type SafeFetchOptions,
  type SafeFetchResult,
} from '../../adapters/safe-fetch/index.js';
import { diffOccurrences } from '../../domain/calendar/diff.js';
import { readingInputsHash, readingWindow } from '../../domain/calendar/reading-stability.js';
import { readRoom } from '../../domain/calendar/room-reading.js';
import {
  decodeFeedBytes,
  extractRelevantIcs,
  normalizedFeedHash,
  type TimeWindow,
} from '../../domain/calendar/read-feed.js';
import { syncWindow } from '../../domain/calendar/sync-schedule.js';
import { roomUrl } from '../../domain/rooms/room-name.js';
import { withLock } from '../../engines/with-lock.js';
import type { CalendarSyncRun, CalendarSyncStatus, Room } from '../../generated/prisma/client.js';
import { lobbyVersion } from '../../version.js';
import type { ServiceDependencies } from '../dependencies.js';
import { settleOwedMeetings } from './owed-meetings.js';
import { pruneRuns, updateQueuedRun, updateRun } from './runs.js';
import {
  lastReadingRun,
  stableReading,
  storedRelevantIcs,
  type FeedState,
  type Reading,
} from './stored-reading.js';
import { SyncFailure, toSyncFailure } from './sync-failure.js';
import { commitSuccess, recordFailure } from './write-result.js';

export const calendarSyncJobData = z.object({ runIds: z.array(z.uuid()).min(1) });

/** What happens after a room's events changed (meetings follow): wired by the process. */
export type AfterEventsChanged = (roomId: string) => Promise<void>;

/** How long a room's sync lock outlives a killed worker (extended every third while a sync runs). */
const ROOM_SYNC_LOCK_TTL_MS = 20_000;

type Deps = ServiceDependencies & { afterEventsChanged: AfterEventsChanged; log: Log };
type Log = (message: string, error?: unknown) => void;

type Download = SafeFetchResult;

/** Downloads a feed and reports the answer's status and size (feed fetch metrics). */
async function fetchFeed(deps: Deps, url: string, options: SafeFetchOptions): Promise<Download> {
  try {
    const download = await safeFetch(url, options);
    if (download.kind === 'fetched') {
      deps.instruments.feedFetched(String(download.status), download.body.length);
    } else {
      deps.instruments.feedFetched('304', 0);
    }
    return download;
  } catch (error) {
    if (error instanceof SafeFetchError) {
      deps.instruments.feedFetched(String(error.httpStatus ?? error.code), 0);
    }
    throw error;
  }
}

function userAgent(publicBaseUrl: string): string {
  return `Lobby/${lobbyVersion} (calendar sync; +${publicBaseUrl})`;
}

/** The HTTP validators of the body we now hold; null after a 304 (the stored ones still hold). */
type Validators = { etag: string | null; lastModified: string | null } | null;

/** The feed text to read: freshly downloaded, or the stored relevant part when unchanged. */
type FeedSource =
  | { kind: 'changed'; text: string; feedHash: string; validators: Validators }
  | { kind: 'unchanged'; validators: Validators };

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

/** Reads the room's occurrences from the feed and compares them with the stored rows. */
async function readAndDiff(
  deps: Deps,
  room: Room,
  source: FeedSource,
  lastRun: { eventsInFeed: number } | null,
  window: TimeWindow,
  now: Date,
): Promise<Reading> {
  const text = source.kind === 'changed' ? source.text : await storedRelevantIcs(deps, room.id);
  // The one call that reads feed text: fresh bytes, or the stored relevant part of unchanged ones.
  const feedReading = await deps.feedReader.read(text, {
    window: readingWindow(window),
    defaultTimezone: room.timezone,
    ...(source.kind === 'changed' && { relevantHost: publicHost(deps) }),
  });
  const { roomOccurrences, inWindow, stableUntil } = readRoom(feedReading, {
    roomUrl: roomUrl(deps.config.PUBLIC_BASE_URL, room.name),
    window,
    now,
  });
  const stored = await deps.prisma.calendarEvent.findMany({
    where: {
      roomId: room.id,
      // Rows of occurrences now in the window may have ended before it (a moved occurrence).
      OR: [
        { endsAt: { gt: window.from } },
        { uid: { in: [...new Set(inWindow.map((occurrence) => occurrence.uid))] } },
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
    diff: diffOccurrences(stored, inWindow, { window, now }),
    // The stored relevant part holds only some of the feed's events.
    eventsInFeed:
      source.kind === 'unchanged' && lastRun !== null
        ? lastRun.eventsInFeed
        : feedReading.eventsInFeed,
    eventsMatched: inWindow.length,
    stableUntil,
    matchedSpans: roomOccurrences,
  };
}

function publicHost(deps: Deps): string {
  return new URL(deps.config.PUBLIC_BASE_URL).hostname;
}

/** Reads and commits the room's sync; a failure is recorded as the run's outcome instead. */
async function commitRoomSync(
  deps: Deps,
  runId: string,
  room: Room & { calendarFeed: FeedState },
  download: () => Promise<Download>,
): Promise<CalendarSyncRun | null> {
  const { config } = deps;
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
    const newFeed = source.kind === 'changed' && {
      contentHash: source.feedHash,
      relevantIcs: extractRelevantIcs(source.text, publicHost(deps)),
    };
    return await commitSuccess(deps, {
      runId,
      roomId: room.id,
      feed,
      status: source.kind === 'changed' ? 'SUCCEEDED' : 'UNCHANGED',
      reading,
      readingIsNew: stable === null,
      inputsHash,
      feedData: { ...source.validators, ...newFeed },
      now,
    });
  } catch (error) {
    const failure = toSyncFailure(error);
    if (failure.code === 'INTERNAL') deps.log(`Calendar sync of room ${room.id} failed`, error);
    await recordFailure(deps, runId, room.id, feed, failure);
    return null;
  }
}

/** After the commit the run's outcome is settled (and announced): meetings catch up on their own. */
async function followCommittedRun(deps: Deps, run: CalendarSyncRun): Promise<void> {
  const { created, updated, restored, removed } = run;
  if (created + updated + restored + removed > 0)
    await settleOwedMeetings(deps, run.roomId, run.id);
}

/** Syncs the room and says how the run ended. */
async function syncRoom(
  deps: Deps,
  runId: string,
  room: Room & { calendarFeed: FeedState },
  download: () => Promise<Download>,
): Promise<CalendarSyncStatus> {
  const committed = await commitRoomSync(deps, runId, room, download);
  if (committed === null) return 'FAILED';
  await followCommittedRun(deps, committed);
  return committed.status;
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
      download = fetchFeed(deps, feed.url, {
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
        if (
          await updateQueuedRun(deps, run, {
            status: 'SKIPPED',
            finishedAt: deps.now(),
            errorMessage: 'The calendar feed of this room is not set or is turned off',
          })
        ) {
          deps.instruments.syncRunFinished({
            runId: run.id,
            roomId: room.id,
            outcome: 'SKIPPED',
            durationSeconds: 0,
          });
        }
        continue;
      }
      // Claimed before the lock: the same run can reach two workers (a re-enqueued job), and only
      // the one that claimed it may run it or say it was skipped.
      if (!(await updateQueuedRun(deps, run, { status: 'RUNNING', startedAt: deps.now() }))) {
        continue;
      }
      const startedAtMs = performance.now();
      const outcome = await withLock(
        deps.locks,
        `calendar-sync:${room.id}`,
        { ttlMs: ROOM_SYNC_LOCK_TTL_MS, log: deps.log },
        () => syncRoom(deps, run.id, { ...room, calendarFeed: feed }, downloadOnce(feed)),
      );
      if (!outcome.acquired) {
        await updateRun(deps, run.id, {
          status: 'SKIPPED',
          finishedAt: deps.now(),
          errorMessage: 'Another sync of this room was running',
        });
      }
      deps.instruments.syncRunFinished({
        runId: run.id,
        roomId: room.id,
        outcome: outcome.acquired ? outcome.result : 'SKIPPED',
        durationSeconds: (performance.now() - startedAtMs) / 1000,
      });
      await pruneRuns(deps.prisma, room.id);
    } catch (error) {
      deps.log(`Calendar sync run ${run.id} failed unexpectedly`, error);
    }
  }
}
