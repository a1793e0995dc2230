// Meetings follow a committed sync on their own: a failure here never rewrites the run's outcome,
// and the feed keeps the debt (meetingsOwedByRunId) until a later scheduler pass settles it.
import type { ServiceDependencies } from '../dependencies.js';

type Deps = Pick<ServiceDependencies, 'prisma' | 'afterEventsChanged' | 'log'>;

/** Owed rooms settled per scheduler pass; the rest wait for the next one. */
const owedRoomsPerPass = 100;

/** Reconciles the room's meetings with the run's writes; true once they have followed. */
export async function settleOwedMeetings(
  deps: Deps,
  roomId: string,
  runId: string,
): Promise<boolean> {
  try {
    await deps.afterEventsChanged(roomId);
  } catch (error) {
    deps.log(
      `Meetings of room ${roomId} did not follow sync run ${runId}; the next pass retries`,
      error,
    );
    return false;
  }
  // Only this run's debt: a newer run that wrote meanwhile owes its own reconcile.
  await deps.prisma.calendarFeed.updateMany({
    where: { roomId, meetingsOwedByRunId: runId },
    data: { meetingsOwedByRunId: null },
  });
  return true;
}

/** The scheduler's retry: rooms whose meetings a committed sync still owes. */
export async function settleAllOwedMeetings(deps: Deps): Promise<void> {
  const owed = await deps.prisma.calendarFeed.findMany({
    where: { meetingsOwedByRunId: { not: null } },
    orderBy: { updatedAt: 'asc' },
    take: owedRoomsPerPass,
    select: { roomId: true, meetingsOwedByRunId: true },
  });
  for (const { roomId, meetingsOwedByRunId } of owed) {
    if (meetingsOwedByRunId !== null) await settleOwedMeetings(deps, roomId, meetingsOwedByRunId);
  }
}
