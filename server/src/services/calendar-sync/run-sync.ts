// Running calendar syncs (the worker's job): one download per feed URL and one reading per time zone
// (job-feed.ts), then, per room and under the room's lock: match, diff, write, record the run — a
// failure changes nothing stored.
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { diffOccurrences } from '../../domain/calendar/diff.js';
import { readingInputsHash, readingWindow } from '../../domain/calendar/reading-stability.js';
import { readRoom } from '../../domain/calendar/room-reading.js';
import type { TimeWindow } from '../../domain/calendar/read-feed.js';
import { syncWindow } from '../../domain/calendar/sync-schedule.js';
import { roomUrl } from '@lobby/shared/room-name';
import { withLock } from '../../engines/with-lock.js';
import type { CalendarSyncRun, CalendarSyncStatus, Room } from '../../generated/prisma/client.js';
import type { ServiceDependencies } from '../dependencies.js';
import { createJobFeed, publicHost, type FeedSource, type JobFeed } from './job-feed.js';
import { settleOwedMeetings } from './owed-meetings.js';
import { pruneRuns, updateQueuedRun, updateRun } from './runs.js';
import {
  lastReadingRun,
  stableReading,
  storedRelevantIcs,
  type FeedState,
  type Reading,
} from './stored-reading.js';
import { toSyncFailure } from './sync-failure.js';
import { commitSuccess, recordFailure } from './write-result.js';

export const calendarSyncJobData = z.object({ runIds: z.array(z.uuid()).min(1) });

/** How long a room's sync lock outlives a killed worker (extended every third while a sync runs). */
const ROOM_SYNC_LOCK_TTL_MS = 20_000;

type Deps = Pick<
  ServiceDependencies,
  | 'prisma'
  | 'events'
  | 'locks'
  | 'feedReader'
  | 'fetcher'
  | 'instruments'
  | 'now'
  | 'config'
  | 'log'
  | 'afterEventsChanged'
>;

/** Reads the room's occurrences from the feed and compares them with the stored rows. */
async function readAndDiff(
  deps: Deps,
  jobFeed: JobFeed,
  room: Room,
  source: FeedSource,
  lastRun: { eventsInFeed: number } | null,
  window: TimeWindow,
  now: Date,
): Promise<Reading> {
  const text = source.kind === 'changed' ? source.text : await storedRelevantIcs(deps, room.id);
  // The one call that reads feed text: fresh bytes, or the stored relevant part of unchanged ones.
  const feedReading = await jobFeed.read(text, {
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

/** Reads and commits the room's sync; a failure is recorded as the run's outcome instead. */
async function commitRoomSync(
  deps: Deps,
  runId: string,
  room: Room & { calendarFeed: FeedState },
  jobFeed: JobFeed,
): Promise<CalendarSyncRun | null> {
  const { config } = deps;
  const feed = room.calendarFeed;
  try {
    const source = await jobFeed.source(feed);
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
    const reading =
      stable ?? (await readAndDiff(deps, jobFeed, room, source, lastRun, window, now));
    const newFeed = source.kind === 'changed' && {
      contentHash: source.feedHash,
      relevantIcs: jobFeed.relevantIcs(source.text),
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
  jobFeed: JobFeed,
): Promise<CalendarSyncStatus> {
  const committed = await commitRoomSync(deps, runId, room, jobFeed);
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
  // The rooms share the URL: one download, and one reading per time zone.
  const jobFeed = createJobFeed(deps);
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
        () => syncRoom(deps, run.id, { ...room, calendarFeed: feed }, jobFeed),
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
