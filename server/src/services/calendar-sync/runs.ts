// Calendar sync runs: creating one (never two active per room), recording each state, announcing it.
import { topics } from '../../domain/events.js';
import type {
  CalendarSyncRun,
  CalendarSyncTrigger,
  Prisma,
} from '../../generated/prisma/client.js';
import type { ServiceDependencies } from '../dependencies.js';
import { changeAndAnnounce, type OutgoingEvent } from '../outbox/outbox.js';

export const activeRunStatuses = ['QUEUED', 'RUNNING'] as const;
export const calendarSyncJob = 'calendar.sync';
export const runsKeptPerRoom = 50;

type Deps = Pick<ServiceDependencies, 'prisma' | 'events' | 'jobs'>;

/**
 * The room's queued or running run, else a new QUEUED one. The feed row is locked meanwhile, so
 * concurrent requests (two managers, a manager and the scheduler) agree on one run.
 * `beforeCreate` runs under that lock only when a run is about to be created, and may refuse it.
 */
export async function findOrCreateActiveRun(
  deps: Pick<Deps, 'prisma' | 'events'>,
  roomId: string,
  trigger: CalendarSyncTrigger,
  beforeCreate?: () => Promise<void>,
): Promise<{ run: CalendarSyncRun; created: boolean }> {
  return changeAndAnnounce(deps, async (transaction, announce) => {
    await transaction.$queryRaw`SELECT 1 FROM "CalendarFeed" WHERE "roomId" = ${roomId}::uuid FOR UPDATE`;
    const active = await transaction.calendarSyncRun.findFirst({
      where: { roomId, status: { in: [...activeRunStatuses] } },
      orderBy: { queuedAt: 'desc' },
    });
    if (active !== null) return { run: active, created: false };
    await beforeCreate?.();
    const run = await transaction.calendarSyncRun.create({ data: { roomId, trigger } });
    announce(runChanged(run));
    return { run, created: true };
  });
}

/**
 * A new QUEUED run for each of the rooms that has no active one (the scheduler's due rooms of one
 * feed URL), in one transaction: the feed rows are locked in one order, so this never deadlocks
 * with another caller. Returns the runs it created.
 */
export async function createActiveRuns(
  deps: Pick<Deps, 'prisma' | 'events'>,
  roomIds: readonly string[],
  trigger: CalendarSyncTrigger,
): Promise<CalendarSyncRun[]> {
  return changeAndAnnounce(deps, async (transaction, announce) => {
    await transaction.$queryRaw`
      SELECT 1 FROM "CalendarFeed" WHERE "roomId" = ANY(${[...roomIds]}::uuid[])
      ORDER BY "roomId" FOR UPDATE`;
    const active = await transaction.calendarSyncRun.findMany({
      where: { roomId: { in: [...roomIds] }, status: { in: [...activeRunStatuses] } },
      select: { roomId: true },
    });
    const busy = new Set(active.map((run) => run.roomId));
    const runs = await transaction.calendarSyncRun.createManyAndReturn({
      data: roomIds.filter((roomId) => !busy.has(roomId)).map((roomId) => ({ roomId, trigger })),
    });
    for (const run of runs) announce(runChanged(run));
    return runs;
  });
}

/** The state a run entered, for its room's sync-run subscribers (through `announce`). */
export function runChanged(run: Pick<CalendarSyncRun, 'id' | 'roomId' | 'status'>): OutgoingEvent {
  return {
    topic: topics.calendarSync(run.roomId),
    event: { type: 'sync.run.changed', roomId: run.roomId, runId: run.id, status: run.status },
  };
}

/**
 * The run as it was in `status`, from its row read later: QUEUED and RUNNING have no outcome yet,
 * and an outcome is final, so every state a run went through can be told as it was.
 */
export function runAtState(
  run: CalendarSyncRun,
  status: CalendarSyncRun['status'],
): CalendarSyncRun {
  if (status !== 'QUEUED' && status !== 'RUNNING') return run;
  return {
    ...run,
    status,
    startedAt: status === 'QUEUED' ? null : run.startedAt,
    finishedAt: null,
    eventsInFeed: 0,
    eventsMatched: 0,
    created: 0,
    updated: 0,
    removed: 0,
    restored: 0,
    errorCode: null,
    errorMessage: null,
  };
}

/** Enqueues the runs as one job: they share a feed URL, which it downloads once. */
export async function enqueueRuns(deps: Pick<Deps, 'jobs'>, runIds: readonly string[]) {
  const [firstRunId] = runIds;
  if (firstRunId === undefined) return;
  await deps.jobs.enqueue(
    calendarSyncJob,
    { runIds },
    // One job per run set; retried runs are skipped by their status.
    { jobId: `calendar-sync:${firstRunId}`, attempts: 1 },
  );
}

export async function updateRun(
  deps: Pick<Deps, 'prisma' | 'events'>,
  runId: string,
  data: Prisma.CalendarSyncRunUpdateInput,
): Promise<CalendarSyncRun> {
  return changeAndAnnounce(deps, async (transaction, announce) => {
    const run = await transaction.calendarSyncRun.update({ where: { id: runId }, data });
    announce(runChanged(run));
    return run;
  });
}

/**
 * Moves a run on from QUEUED and announces it; false when it had left QUEUED already: the same
 * run can reach two workers (a re-enqueued job), and only one of them may take it.
 */
export async function updateQueuedRun(
  deps: Pick<Deps, 'prisma' | 'events'>,
  run: Pick<CalendarSyncRun, 'id' | 'roomId'>,
  data: Prisma.CalendarSyncRunUpdateManyMutationInput & { status: CalendarSyncRun['status'] },
): Promise<boolean> {
  return changeAndAnnounce(deps, async (transaction, announce) => {
    const { count } = await transaction.calendarSyncRun.updateMany({
      where: { id: run.id, status: 'QUEUED' },
      data,
    });
    if (count > 0) announce(runChanged({ ...run, status: data.status }));
    return count > 0;
  });
}

/** Keeps the newest runs of a room (DESIGN §2: the last 50). */
export async function pruneRuns(prisma: ServiceDependencies['prisma'], roomId: string) {
  const old = await prisma.calendarSyncRun.findMany({
    where: { roomId },
    orderBy: { queuedAt: 'desc' },
    skip: runsKeptPerRoom,
    select: { id: true },
  });
  if (old.length > 0) {
    await prisma.calendarSyncRun.deleteMany({ where: { id: { in: old.map((run) => run.id) } } });
  }
}
