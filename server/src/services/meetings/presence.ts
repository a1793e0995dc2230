// Presence (DESIGN §4.4): joining, heartbeats, leaving, and closing sessions gone silent.
import { decideMeetingEnding, staleSessionCutoff } from '../../domain/meetings/lifecycle.js';
import type { Meeting, ParticipantSession, Prisma } from '../../generated/prisma/client.js';
import type { ServiceDependencies } from '../dependencies.js';
import { changeAndAnnounce } from '../outbox/outbox.js';
import { ValidationError } from '../errors.js';
import { isUuid, lockMeetingRow, openSession, transactionOptions } from './database.js';
import { eachIsolated } from './each-isolated.js';
import { MeetingEndedError, NotFoundError, SessionClosedError } from './errors.js';
import { findLiveMeetingId } from './lobby.js';
import { meetingEvents } from './meeting-events.js';
import { scheduleEndingCheck } from './timers.js';

export const DISPLAY_NAME_MAX_LENGTH = 80;
const ANONYMOUS_DISPLAY_NAME = 'Guest';

/** Most meetings with silent sessions one sweep looks at; the next sweep takes the rest. */
const SWEEP_BATCH_SIZE = 500;

const meetingNotFound = () => new NotFoundError('No such meeting.');
const sessionNotFound = () => new NotFoundError('No such participant session.');

function collapseWhitespace(displayName: string | null): string {
  return (displayName ?? '').replace(/\s+/g, ' ').trim();
}

/** Trimmed, whitespace collapsed, "Guest" when empty; too long is the caller's mistake. */
function normalizeDisplayName(displayName: string | null): string {
  const normalized = collapseWhitespace(displayName);
  if (normalized.length > DISPLAY_NAME_MAX_LENGTH) {
    throw new ValidationError(
      `A display name has at most ${DISPLAY_NAME_MAX_LENGTH} characters.`,
      'displayName',
    );
  }
  return normalized === '' ? ANONYMOUS_DISPLAY_NAME : normalized;
}

/** A name the video platform reported: nobody to refuse, so it is cut to length instead. */
export function platformDisplayName(displayName: string): string {
  const normalized = collapseWhitespace(displayName).slice(0, DISPLAY_NAME_MAX_LENGTH).trim();
  return normalized === '' ? ANONYMOUS_DISPLAY_NAME : normalized;
}

export type JoinedMeeting = { session: ParticipantSession; meeting: Meeting; joinUrl: string };

/**
 * Opens a session in the meeting and returns where to join it. The status check and the insert
 * happen under the meeting's row lock, which every ending takes too: an ending that races this
 * join either runs first (and the join is refused with MeetingEndedError) or after (and finds
 * someone present).
 */
export async function joinMeeting(
  deps: ServiceDependencies,
  input: { meetingId: string; displayName: string | null; userId: string | null },
): Promise<JoinedMeeting> {
  const displayName = normalizeDisplayName(input.displayName);
  const { meetingId } = input;
  const now = deps.now();
  const joined = await changeAndAnnounce(
    deps,
    async (transaction, announce) => {
      if (!(await lockMeetingRow(transaction, meetingId))) {
        throw meetingNotFound();
      }
      const meeting = await transaction.meeting.findUniqueOrThrow({ where: { id: meetingId } });
      if (meeting.status === 'ENDED') {
        // Never re-opened: the caller is offered the room's live meeting instead.
        throw new MeetingEndedError(
          meetingId,
          await findLiveMeetingId(transaction, meeting.roomId, now),
        );
      }
      const session = await transaction.participantSession.create({
        data: { meetingId, displayName, userId: input.userId, joinedAt: now, lastSeenAt: now },
      });
      const updated = await transaction.meeting.update({
        where: { id: meetingId },
        data: { firstJoinedAt: meeting.firstJoinedAt ?? now, emptySince: null },
      });
      announce(...meetingEvents('presence.changed', updated));
      return { session, meeting: updated };
    },
    transactionOptions,
  );
  const joinUrl = deps.videoPlatform.joinUrl(joined.meeting, { displayName });
  return { ...joined, joinUrl };
}

/** Keeps an open session alive; a closed one is refused (its meeting ended, or it must rejoin). */
export async function meetingHeartbeat(
  deps: ServiceDependencies,
  input: { sessionId: string },
): Promise<ParticipantSession> {
  const { sessionId } = input;
  if (!isUuid(sessionId)) {
    throw sessionNotFound();
  }
  const now = deps.now();
  // Conditional: a heartbeat never revives a session that the sweep or a leave has closed.
  const { count } = await deps.prisma.participantSession.updateMany({
    // A platform session's lastSeenAt orders its events: a heartbeat never moves it.
    where: { ...openSession, id: sessionId, platformSessionId: null },
    data: { lastSeenAt: now },
  });
  const session = await deps.prisma.participantSession.findUnique({
    where: { id: sessionId },
    include: { meeting: { select: { status: true, roomId: true } } },
  });
  if (session === null) {
    throw sessionNotFound();
  }
  const { meeting, ...closedOrOpen } = session;
  if (count === 1) {
    return closedOrOpen;
  }
  if (meeting.status === 'ENDED') {
    throw new MeetingEndedError(
      session.meetingId,
      await findLiveMeetingId(deps.prisma, meeting.roomId, now),
    );
  }
  throw new SessionClosedError();
}

type ClosedSessions = { closedCount: number; meeting: Meeting };

/**
 * Closes the meeting's open sessions that match `which`, under the meeting's row lock so that a
 * concurrent join is counted. When nobody is left, the meeting is empty from now on and its grace
 * timer is set.
 */
async function closeSessions(
  deps: ServiceDependencies,
  meetingId: string,
  which: Prisma.ParticipantSessionWhereInput,
): Promise<ClosedSessions> {
  const now = deps.now();
  const withGrace = { room: { select: { gracePeriodMinutes: true } } } as const;
  const closed = await changeAndAnnounce(
    deps,
    async (transaction, announce) => {
      await lockMeetingRow(transaction, meetingId);
      const { count } = await transaction.participantSession.updateMany({
        where: { ...which, ...openSession, meetingId },
        data: { leftAt: now },
      });
      const becameEmpty =
        count > 0 &&
        (await transaction.participantSession.count({ where: { ...openSession, meetingId } })) ===
          0;
      const meeting = becameEmpty
        ? await transaction.meeting.update({
            where: { id: meetingId },
            data: { emptySince: now },
            include: withGrace,
          })
        : await transaction.meeting.findUniqueOrThrow({
            where: { id: meetingId },
            include: withGrace,
          });
      if (count > 0) announce(...meetingEvents('presence.changed', meeting));
      return { closedCount: count, becameEmpty, meeting };
    },
    transactionOptions,
  );
  const { room, ...meeting } = closed.meeting;
  if (closed.becameEmpty) {
    await scheduleEmptyMeetingCheck(deps, meeting, room.gracePeriodMinutes, now);
  }
  return { closedCount: closed.closedCount, meeting };
}

/** Sets the grace timer of a meeting that nobody is in any more. */
export async function scheduleEmptyMeetingCheck(
  deps: ServiceDependencies,
  meeting: Meeting,
  gracePeriodMinutes: number,
  now: Date,
): Promise<void> {
  const decision = decideMeetingEnding(
    { ...meeting, openSessionCount: 0 },
    gracePeriodMinutes,
    now,
  );
  await scheduleEndingCheck(deps.jobs, meeting.id, decision, now);
}

/** Closes the session (again is fine) and returns its meeting as it is now. */
export async function leaveMeeting(
  deps: ServiceDependencies,
  input: { sessionId: string },
): Promise<Meeting> {
  const session = isUuid(input.sessionId)
    ? await deps.prisma.participantSession.findUnique({
        where: { id: input.sessionId },
        select: { meetingId: true },
      })
    : null;
  if (session === null) {
    throw sessionNotFound();
  }
  const { meeting } = await closeSessions(deps, session.meetingId, { id: input.sessionId });
  return meeting;
}

/**
 * The sweep: closes Lobby pages' sessions silent for SESSION_TIMEOUT_SECONDS, as if they had left.
 * Sessions the video platform reported have no heartbeat: only the platform closes them.
 */
export async function closeStaleSessions(deps: ServiceDependencies): Promise<number> {
  const cutoff = staleSessionCutoff(deps.now());
  const stale = {
    lastSeenAt: { lte: cutoff },
    platformSessionId: null,
  } satisfies Prisma.ParticipantSessionWhereInput;
  const meetings = await deps.prisma.participantSession.findMany({
    where: { ...openSession, ...stale },
    select: { meetingId: true },
    distinct: ['meetingId'],
    take: SWEEP_BATCH_SIZE,
  });
  let closedTotal = 0;
  await eachIsolated(meetings, async ({ meetingId }) => {
    const { closedCount } = await closeSessions(deps, meetingId, stale);
    closedTotal += closedCount;
  });
  return closedTotal;
}
