// The repeating pass that keeps feeds in sync: due feeds get a run, grouped by URL so each feed is
// downloaded once per cycle; stale runs left by a stopped worker are failed or re-enqueued.
import type { JobHandler, JobQueue } from '../../engines/jobs.js';
import { withLock } from '../../engines/with-lock.js';
import type { ServiceDependencies } from '../dependencies.js';
import { calendarSyncJobData, runCalendarSyncs, type AfterEventsChanged } from './run-sync.js';
import {
  activeRunStatuses,
  calendarSyncJob,
  enqueueRuns,
  findOrCreateActiveRun,
  publishRunChanged,
  updateRun,
} from './runs.js';

export const scheduleCalendarSyncsJob = 'calendar.schedule';
export const SCHEDULE_EVERY_SECONDS = 30;
/** A run RUNNING for longer than this lost its worker (a sync's fetch is capped at 15 s). */
const staleRunningMs = 5 * 60_000;
/** A QUEUED run whose job vanished (an in-process queue restarted) is enqueued again after this. */
const requeueQueuedAfterMs = 60_000;
const duePerPass = 500;

type Deps = ServiceDependencies & {
  afterEventsChanged: AfterEventsChanged;
  log: (message: string, error?: unknown) => void;
};

async function recoverStaleRuns(deps: Deps): Promise<void> {
  const now = deps.now();
  const stale = await deps.prisma.calendarSyncRun.findMany({
    where: { status: 'RUNNING', startedAt: { lt: new Date(now.getTime() - staleRunningMs) } },
    select: { id: true },
  });
  for (const run of stale) {
    await updateRun(deps, run.id, {
      status: 'FAILED',
      finishedAt: now,
      errorCode: 'INTERNAL',
      errorMessage: 'The worker running this sync stopped; the next sync will retry',
    });
  }
  const orphans = await deps.prisma.calendarSyncRun.findMany({
    where: { status: 'QUEUED', queuedAt: { lt: new Date(now.getTime() - requeueQueuedAfterMs) } },
    select: { id: true },
  });
  for (const run of orphans) await enqueueRuns(deps, [run.id]);
}

async function queueDueFeeds(deps: Deps): Promise<void> {
  const due = await deps.prisma.calendarFeed.findMany({
    where: {
      enabled: true,
      nextSyncAt: { lte: deps.now() },
      room: { syncRuns: { none: { status: { in: [...activeRunStatuses] } } } },
    },
    orderBy: { nextSyncAt: 'asc' },
    take: duePerPass,
    select: { roomId: true, url: true },
  });
  const runIdsByUrl = new Map<string, string[]>();
  for (const feed of due) {
    const { run, created } = await findOrCreateActiveRun(deps.prisma, feed.roomId, 'SCHEDULE');
    if (!created) continue;
    await publishRunChanged(deps, run);
    runIdsByUrl.set(feed.url, [...(runIdsByUrl.get(feed.url) ?? []), run.id]);
  }
  for (const runIds of runIdsByUrl.values()) await enqueueRuns(deps, runIds);
}

/** One pass; several workers may call it at once: the lock makes the others skip. */
export async function scheduleCalendarSyncs(deps: Deps): Promise<void> {
  await withLock(
    deps.locks,
    'calendar-sync-scheduler',
    { ttlMs: 60_000, log: deps.log },
    async () => {
      await recoverStaleRuns(deps);
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
