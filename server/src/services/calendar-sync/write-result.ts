// Writing a sync's result: the occurrence rows, the feed's bookkeeping and the run's figures commit
// together; a failure records only the failure and its backoff, and changes nothing else stored.
import { diffCounts, type OccurrenceDiff } from '../../domain/calendar/diff.js';
import type { Occurrence } from '../../domain/calendar/read-feed.js';
import { nextSyncAfterFailure, nextSyncAfterSuccess } from '../../domain/calendar/sync-schedule.js';
import type { CalendarSyncRun, Prisma } from '../../generated/prisma/client.js';
import type { ServiceDependencies } from '../dependencies.js';
import { changeAndAnnounce } from '../outbox/outbox.js';
import { runChanged, updateRun } from './runs.js';
import { storeSpans, type FeedState, type Reading } from './stored-reading.js';
import type { SyncFailure } from './sync-failure.js';

type Deps = Pick<ServiceDependencies, 'prisma' | 'events' | 'now'>;

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

/** What a successful sync commits besides its reading. */
export type SyncSuccess = {
  runId: string;
  roomId: string;
  feed: FeedState;
  status: 'SUCCEEDED' | 'UNCHANGED';
  reading: Reading;
  /** False when the reading was the stored one (it is stored already). */
  readingIsNew: boolean;
  inputsHash: string;
  /** Feed columns that changed: the validators, and for new bytes their hash and relevant part. */
  feedData: Pick<
    Prisma.CalendarFeedUncheckedUpdateInput,
    'etag' | 'lastModified' | 'contentHash' | 'relevantIcs'
  >;
  now: Date;
};

/** The run's figures commit with the writes: a later sync trusts them to describe this reading. */
export async function commitSuccess(deps: Deps, success: SyncSuccess): Promise<CalendarSyncRun> {
  const { runId, roomId, feed, reading, now } = success;
  const counts = diffCounts(reading.diff);
  const eventsChanged = counts.created + counts.updated + counts.restored + counts.removed > 0;
  return changeAndAnnounce(deps, async (transaction, announce) => {
    await writeDiff(transaction, roomId, reading.diff, now);
    await transaction.calendarFeed.update({
      where: { roomId },
      data: {
        ...success.feedData,
        ...(success.readingIsNew && {
          readingStableUntil: reading.stableUntil,
          readingMatchedSpans: storeSpans(reading.matchedSpans),
          readingInputsHash: success.inputsHash,
        }),
        nextSyncAt: nextSyncAfterSuccess(now, feed.syncIntervalMinutes),
        consecutiveFailures: 0,
        pausedReason: null,
        lastSyncRunId: runId,
        // Owed until the meetings have followed these writes (a later pass retries if they fail).
        ...(eventsChanged && { meetingsOwedByRunId: runId }),
      },
    });
    const run = await transaction.calendarSyncRun.update({
      where: { id: runId },
      data: {
        status: success.status,
        finishedAt: deps.now(),
        eventsInFeed: reading.eventsInFeed,
        eventsMatched: reading.eventsMatched,
        ...counts,
      },
    });
    announce(runChanged(run));
    return run;
  });
}

/** Records a failed run and pushes the feed's next sync out (backoff, or the server's Retry-After). */
export async function recordFailure(
  deps: Deps,
  runId: string,
  roomId: string,
  feed: FeedState,
  failure: SyncFailure,
): Promise<void> {
  const now = deps.now();
  const consecutiveFailures = feed.consecutiveFailures + 1;
  await deps.prisma.calendarFeed.update({
    where: { roomId },
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
