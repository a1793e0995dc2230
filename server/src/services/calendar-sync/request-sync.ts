// Asking for a sync: manual ("sync now"), or because the feed settings changed.
import type { CalendarSyncRun, CalendarSyncTrigger } from '../../generated/prisma/client.js';
import type { ServiceDependencies } from '../dependencies.js';
import { RateLimitedError, ValidationError } from '../errors.js';
import { enqueueRuns, findOrCreateActiveRun } from './runs.js';

/** At most one new manual sync per room in this many seconds. */
export const MANUAL_SYNC_COOLDOWN_SECONDS = 10;

type Deps = Pick<ServiceDependencies, 'prisma' | 'events' | 'jobs' | 'locks'>;

/** At most one manual fetch of a room's feed per cooldown, per kind of request (sync, inspect). */
export async function enforceManualCooldown(
  deps: Pick<ServiceDependencies, 'locks'>,
  key: string,
): Promise<void> {
  // The lock is never released: it expires, and that is the cooldown.
  const cooldown = await deps.locks.tryAcquire(
    `manual-cooldown:${key}`,
    MANUAL_SYNC_COOLDOWN_SECONDS * 1000,
  );
  if (cooldown === undefined) {
    throw new RateLimitedError(
      `This feed was fetched moments ago: try again in ${MANUAL_SYNC_COOLDOWN_SECONDS} seconds`,
      MANUAL_SYNC_COOLDOWN_SECONDS,
    );
  }
}

/** Queues a sync ignoring the interval; a queued or running run is returned instead of a new one. */
export async function requestCalendarSync(
  deps: Deps,
  roomId: string,
  trigger: Exclude<CalendarSyncTrigger, 'SCHEDULE'>,
): Promise<CalendarSyncRun> {
  const feed = await deps.prisma.calendarFeed.findUnique({ where: { roomId } });
  if (feed === null) throw new ValidationError('This room has no calendar feed yet', 'url');
  const active = await deps.prisma.calendarSyncRun.findFirst({
    where: { roomId, status: { in: ['QUEUED', 'RUNNING'] } },
  });
  if (active !== null) return active;
  // Checked under the feed row's lock: simultaneous presses all get the run the first one queued.
  const cooldown =
    trigger === 'MANUAL' ? () => enforceManualCooldown(deps, `calendar-sync:${roomId}`) : undefined;
  const { run, created } = await findOrCreateActiveRun(deps, roomId, trigger, cooldown);
  if (created) await enqueueRuns(deps, [run.id]);
  return run;
}
