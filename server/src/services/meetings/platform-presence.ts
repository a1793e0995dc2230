// Presence reported by the video platform (DESIGN §4.4): each webhook event is applied once (by
// its id), in the order it happened (by its time), to the meeting whose video room it names.
import type { PlatformEvent } from '../../adapters/video/index.js';
import { decidePlatformPresence } from '../../domain/meetings/platform-presence.js';
import type { Meeting, Prisma } from '../../generated/prisma/client.js';
import type { ServiceDependencies } from '../dependencies.js';
import { changeAndAnnounce } from '../outbox/outbox.js';
import { lockMeetingRow, openSession, transactionOptions } from './database.js';
import { endMeetingIf } from './ending.js';
import { meetingEvents } from './meeting-events.js';
import { platformDisplayName, scheduleEmptyMeetingCheck } from './presence.js';

export type PlatformEventOutcome =
  | 'applied'
  /** This event id was applied before: a redelivery or a replay. */
  | 'duplicate'
  /** Older than what the session or meeting already reflects, or the meeting already ended. */
  | 'stale'
  /** No meeting has this video room (another application's room on the same account). */
  | 'unknown-room';

type PresenceEvent = Extract<PlatformEvent, { kind: 'joined' | 'left' }>;
type EndedEvent = Extract<PlatformEvent, { kind: 'ended' }>;

/**
 * Applied event ids are kept this long: far beyond the 5 minutes a signed request may be replayed
 * in and the hours Daily retries a failed delivery for.
 */
export const WEBHOOK_EVENT_RETENTION_DAYS = 7;
const MS_PER_DAY = 86_400_000;

/** Forgets the applied event ids past their retention; returns how many. */
export async function pruneAppliedEventIds(deps: ServiceDependencies): Promise<number> {
  const cutoff = new Date(deps.now().getTime() - WEBHOOK_EVENT_RETENTION_DAYS * MS_PER_DAY);
  const { count } = await deps.prisma.videoWebhookEvent.deleteMany({
    where: { receivedAt: { lt: cutoff } },
  });
  return count;
}

/** The newest meeting on this video room; names are random, so there is one in practice. */
function findMeetingId(
  db: Prisma.TransactionClient,
  videoRoomName: string,
): Promise<{ id: string } | null> {
  return db.meeting.findFirst({
    where: { videoRoomName },
    orderBy: { createdAt: 'desc' },
    select: { id: true },
  });
}

/** Marks the event as applied; false when it already was (its row is the idempotency key). */
async function recordEvent(db: Prisma.TransactionClient, eventId: string): Promise<boolean> {
  const { count } = await db.videoWebhookEvent.createMany({
    data: [{ id: eventId }],
    skipDuplicates: true,
  });
  return count === 1;
}

type PresenceApplied =
  | { outcome: Exclude<PlatformEventOutcome, 'applied'> }
  | { outcome: 'applied'; meeting: Meeting; becameEmpty: boolean; gracePeriodMinutes: number };

async function applyPresence(
  deps: ServiceDependencies,
  event: PresenceEvent,
): Promise<PlatformEventOutcome> {
  const now = deps.now();
  const applied = await changeAndAnnounce(
    deps,
    async (transaction, announce): Promise<PresenceApplied> => {
      // Recorded in the same transaction as its effect: a failed apply leaves it to the redelivery.
      if (!(await recordEvent(transaction, event.eventId))) {
        return { outcome: 'duplicate' };
      }
      const found = await findMeetingId(transaction, event.videoRoomName);
      if (found === null || !(await lockMeetingRow(transaction, found.id))) {
        return { outcome: 'unknown-room' };
      }
      const meeting = await transaction.meeting.findUniqueOrThrow({
        where: { id: found.id },
        include: { room: { select: { gracePeriodMinutes: true } } },
      });
      if (meeting.status === 'ENDED') {
        // An ended meeting is history (DESIGN §4.6): the call goes on without it.
        return { outcome: 'stale' };
      }
      const key = { meetingId: meeting.id, platformSessionId: event.platformSessionId };
      const session = await transaction.participantSession.findUnique({
        where: { meetingId_platformSessionId: key },
      });
      const change = decidePlatformPresence(
        session && { isOpen: session.leftAt === null, lastEventAt: session.lastSeenAt },
        event,
      );
      if (change.action === 'none') {
        return { outcome: 'stale' };
      }
      const times = {
        lastSeenAt: event.occurredAt,
        leftAt: change.isOpen ? null : event.occurredAt,
      };
      if (session === null) {
        await transaction.participantSession.create({
          data: {
            ...key,
            ...times,
            displayName: platformDisplayName(event.displayName),
            joinedAt: event.occurredAt,
          },
        });
      } else {
        await transaction.participantSession.update({ where: { id: session.id }, data: times });
      }
      const becameEmpty =
        !change.isOpen &&
        meeting.emptySince === null &&
        (await transaction.participantSession.count({
          where: { ...openSession, meetingId: meeting.id },
        })) === 0;
      // Someone was in the call, even if their left overtook their joined: the meeting was used.
      const updated = await transaction.meeting.update({
        where: { id: meeting.id },
        data: {
          firstJoinedAt: meeting.firstJoinedAt ?? now,
          emptySince: change.isOpen ? null : becameEmpty ? now : meeting.emptySince,
        },
      });
      announce(...meetingEvents('presence.changed', updated));
      return {
        outcome: 'applied',
        meeting: updated,
        becameEmpty,
        gracePeriodMinutes: meeting.room.gracePeriodMinutes,
      };
    },
    transactionOptions,
  );
  if (applied.outcome !== 'applied') {
    return applied.outcome;
  }
  if (applied.becameEmpty) {
    await scheduleEmptyMeetingCheck(deps, applied.meeting, applied.gracePeriodMinutes, now);
  }
  return 'applied';
}

async function applyMeetingEnded(
  deps: ServiceDependencies,
  event: EndedEvent,
): Promise<PlatformEventOutcome> {
  if ((await deps.prisma.videoWebhookEvent.findUnique({ where: { id: event.eventId } })) !== null) {
    return 'duplicate';
  }
  const found = await findMeetingId(deps.prisma, event.videoRoomName);
  // Ending is idempotent by itself (only an OPEN meeting ends): recording the id afterwards is safe.
  const ended =
    found === null
      ? null
      : await endMeetingIf(deps, found.id, 'EMPTY', {
          // Unless someone joined the call after the ending the platform reports (a late delivery).
          sessions: {
            none: {
              ...openSession,
              platformSessionId: { not: null },
              lastSeenAt: { gt: event.occurredAt },
            },
          },
        });
  await recordEvent(deps.prisma, event.eventId);
  if (found === null) return 'unknown-room';
  return ended === null ? 'stale' : 'applied';
}

/** Applies one verified platform event; what it did is for the log and the tests. */
export function applyPlatformEvent(
  deps: ServiceDependencies,
  event: PlatformEvent,
): Promise<PlatformEventOutcome> {
  return event.kind === 'ended' ? applyMeetingEnded(deps, event) : applyPresence(deps, event);
}
