// The repeating pass that keeps feeds in sync: due feeds get a run, grouped by URL so each feed is
// downloaded once per cycle; stale runs left by a stopped worker are failed or re-enqueued.
import {
  pausesAfterWorkerStops,
  WORKER_STOPS_BEFORE_PAUSE,
} from '../../domain/calendar/sync-schedule.js';
import type { JobHandler, JobQueue } from '../../engines/jobs.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { withLock } from '../../engines/with-lock.js';
import type { ServiceDependencies } from '../dependencies.js';
import { settleAllOwedMeetings } from './owed-meetings.js';
import { calendarSyncJobData, runCalendarSyncs } from './run-sync.js';
import {
  activeRunStatuses,
  calendarSyncJob,
  createActiveRuns,
  enqueueRuns,
  updateRun,
} from './runs.js';
import { SyncFailure } from './sync-failure.js';
import { recordFailure } from './write-result.js';

export const scheduleCalendarSyncsJob = 'calendar.schedule';
export const SCHEDULE_EVERY_SECONDS = 30;
/** A run RUNNING for longer than this lost its worker (a sync's fetch is capped at 15 s). */
const staleRunningMs = 5 * 60_000;
/** A QUEUED run whose job vanished (an in-process queue restarted) is enqueued again after this. */
const requeueQueuedAfterMs = 60_000;
const duePerPass = 500;
const pausedAfterWorkerStops = `Paused: the last ${WORKER_STOPS_BEFORE_PAUSE} syncs of this feed stopped the worker running them. Save the settings or press "Sync now" to try again.`;

/** The scheduler's and the sync job's: everything but rate limits and the video platform. */
type Deps = Omit<ServiceDependencies, 'rateLimits' | 'videoPlatform'>;

/** A run whose worker stopped counts as a failure (backoff); too many in a row pause the feed. */
async function failStoppedRun(deps: Deps, runId: string, roomId: string): Promise<void> {
  const feed = await deps.prisma.calendarFeed.findUnique({
    where: { roomId },
    omit: { relevantIcs: true },
  });
  const failure = new SyncFailure(
    'WORKER_STOPPED',
    'The worker running this sync stopped before it finished; the next sync will retry',
  );
  if (feed === null) {
    await updateRun(deps, runId, {
      status: 'FAILED',
      finishedAt: deps.now(),
      errorCode: failure.code,
      errorMessage: failure.message,
    });
    return;
  }
  await recordFailure(deps, runId, roomId, feed, failure);
  const newest = await deps.prisma.calendarSyncRun.findMany({
    where: { roomId, status: { in: ['SUCCEEDED', 'UNCHANGED', 'FAILED'] } },
    orderBy: { finishedAt: 'desc' },
    take: WORKER_STOPS_BEFORE_PAUSE,
    select: { errorCode: true },
  });
  if (pausesAfterWorkerStops(newest.map((run) => run.errorCode))) {
    await deps.prisma.calendarFeed.update({
      where: { roomId },
      data: { pausedReason: pausedAfterWorkerStops },
    });
  }
}

async function recoverStaleRuns(deps: Deps): Promise<void> {
  const now = deps.now();
  const stale = await deps.prisma.calendarSyncRun.findMany({
    where: { status: 'RUNNING', startedAt: { lt: new Date(now.getTime() - staleRunningMs) } },
    select: { id: true, roomId: true },
  });
  for (const run of stale) await failStoppedRun(deps, run.id, run.roomId);
  const orphans = await deps.prisma.calendarSyncRun.findMany({
    where: { status: 'QUEUED', queuedAt: { lt: new Date(now.getTime() - requeueQueuedAfterMs) } },
    select: { id: true },
  });
  for (const run of orphans) await enqueueRuns(deps, [run.id]);
}

async function queueDueFeeds(deps: Deps): Promise<void> {
  const dueFeed = {
    enabled: true,
    pausedReason: null,
    nextSyncAt: { lte: deps.now() },
    room: { syncRuns: { none: { status: { in: [...activeRunStatuses] } } } },
  } satisfies Prisma.CalendarFeedWhereInput;
  const oldest = await deps.prisma.calendarFeed.findMany({
    where: dueFeed,
    orderBy: { nextSyncAt: 'asc' },
    take: duePerPass,
    select: { url: true },
  });
  // Every due room of a URL in the same pass: a URL split over two passes is downloaded twice.
  const due = await deps.prisma.calendarFeed.findMany({
    where: { ...dueFeed, url: { in: [...new Set(oldest.map((feed) => feed.url))] } },
    select: { roomId: true, url: true },
  });
  const roomIdsByUrl = new Map<string, string[]>();
  for (const feed of due) {
    roomIdsByUrl.set(feed.url, [...(roomIdsByUrl.get(feed.url) ?? []), feed.roomId]);
  }
  // Each URL's job is enqueued as soon as its runs exist, so workers start while the pass goes on.
  for (const roomIds of roomIdsByUrl.values()) {
    const runs = await createActiveRuns(deps, roomIds, 'SCHEDULE');
    await enqueueRuns(
      deps,
      runs.map((run) => run.id),
    );
  }
}

/** One pass; several workers may call it at once: the lock makes the others skip. */
export async function scheduleCalendarSyncs(deps: Deps): Promise<void> {
  await withLock(
    deps.locks,
    'calendar-sync-scheduler',
    { ttlMs: 60_000, log: deps.log },
    async () => {
      await recoverStaleRuns(deps);
      await settleAllOwedMeetings(deps);
      await queueDueFeeds(deps);
    },
  );
}

export function calendarSyncJobHandlers(deps: Deps): Record<string, JobHandler> {
  return {
    [calendarSyncJob]: async (data) => {
      await runCalendarSyncs(deps, calendarSyncJobData.parse(data).runIds);
    },
    [scheduleCalendarSyncsJob]: () => scheduleCalendarSyncs(deps),
  };
}

export async function scheduleCalendarSyncPasses(jobs: JobQueue): Promise<void> {
  await jobs.schedule(
    scheduleCalendarSyncsJob,
    scheduleCalendarSyncsJob,
    SCHEDULE_EVERY_SECONDS * 1000,
  );
}
