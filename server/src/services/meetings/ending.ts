// Ending meetings (DESIGN §4.5): every ending is one conditional update under the meeting's row
// lock, so nothing ends twice and nothing ends while someone is in it.
import {
  decideMeetingEnding,
  type MeetingEndingDecision,
  type MeetingEndReason,
} from '../../domain/meetings/lifecycle.js';
import type { Meeting, Prisma } from '../../generated/prisma/client.js';
import type { ServiceDependencies } from '../dependencies.js';
import { changeAndAnnounce } from '../outbox/outbox.js';
import { eachIsolated } from './each-isolated.js';
import { NotFoundError } from './errors.js';
import { isUuid, lockMeetingRow, openSession, transactionOptions } from './database.js';
import { meetingEvents } from './meeting-events.js';
import { scheduleEndingCheck } from './timers.js';

/** Nobody is in the meeting: re-checked inside the update itself. */
export const nobodyPresent = {
  sessions: { none: openSession },
} satisfies Prisma.MeetingWhereInput;

/** Most meetings an ending sweep looks at; the next sweep takes the rest. */
const SWEEP_BATCH_SIZE = 500;

/** What decideMeetingEnding needs, in one query. */
const endingInputSelect = {
  id: true,
  roomId: true,
  status: true,
  endsAt: true,
  firstJoinedAt: true,
  emptySince: true,
  room: { select: { gracePeriodMinutes: true } },
  _count: { select: { sessions: { where: openSession } } },
} satisfies Prisma.MeetingSelect;

type EndingCandidate = Prisma.MeetingGetPayload<{ select: typeof endingInputSelect }>;

function decideFor(candidate: EndingCandidate, now: Date): MeetingEndingDecision {
  return decideMeetingEnding(
    { ...candidate, openSessionCount: candidate._count.sessions },
    candidate.room.gracePeriodMinutes,
    now,
  );
}

/**
 * Ends the meeting when it is still OPEN and still matches `stillTrue`, both checked by the update
 * after taking the row lock (a join holds that lock from its check to its commit). Returns the ended
 * meeting, or null when it no longer qualified or does not exist.
 */
export async function endMeetingIf(
  deps: Pick<ServiceDependencies, 'prisma' | 'events' | 'now' | 'instruments'>,
  meetingId: string,
  reason: MeetingEndReason,
  stillTrue: Prisma.MeetingWhereInput,
): Promise<Meeting | null> {
  const now = deps.now();
  const ended = await changeAndAnnounce(
    deps,
    async (transaction, announce) => {
      if (!(await lockMeetingRow(transaction, meetingId))) {
        return null;
      }
      const { count } = await transaction.meeting.updateMany({
        where: { ...stillTrue, id: meetingId, status: 'OPEN' },
        data: { status: 'ENDED', endedAt: now, endReason: reason },
      });
      if (count === 0) {
        return null;
      }
      // An ended meeting holds nobody: only a manager's ending can find anyone still in it.
      await transaction.participantSession.updateMany({
        where: { ...openSession, meetingId },
        data: { leftAt: now },
      });
      const endedMeeting = await transaction.meeting.findUniqueOrThrow({
        where: { id: meetingId },
      });
      announce(...meetingEvents('meeting.ended', endedMeeting));
      return endedMeeting;
    },
    transactionOptions,
  );
  if (ended !== null) {
    deps.instruments.meetingEnded({ meetingId: ended.id, roomId: ended.roomId, reason });
  }
  return ended;
}

/** The state the decision was made on, which must still hold when the update runs. */
function stillDue(
  candidate: EndingCandidate,
  reason: 'EMPTY' | 'SCHEDULE_ELAPSED',
  now: Date,
): Prisma.MeetingWhereInput {
  return reason === 'EMPTY'
    ? { ...nobodyPresent, firstJoinedAt: { not: null }, emptySince: candidate.emptySince }
    : { ...nobodyPresent, firstJoinedAt: null, endsAt: { lte: now } };
}

type DueDecision = Extract<MeetingEndingDecision, { action: 'end' }>;

function endAsDecided(
  deps: ServiceDependencies,
  candidate: EndingCandidate,
  decision: DueDecision,
  now: Date,
): Promise<Meeting | null> {
  return endMeetingIf(
    deps,
    candidate.id,
    decision.reason,
    stillDue(candidate, decision.reason, now),
  );
}

/** The 30 s sweep: ends every open meeting that is due; returns those this call ended. */
export async function endDueMeetings(deps: ServiceDependencies): Promise<Meeting[]> {
  const now = deps.now();
  const candidates = await deps.prisma.meeting.findMany({
    where: { status: 'OPEN', ...nobodyPresent },
    select: endingInputSelect,
    orderBy: { endsAt: 'asc' },
    take: SWEEP_BATCH_SIZE,
  });
  const ended: Meeting[] = [];
  await eachIsolated(candidates, async (candidate) => {
    const decision = decideFor(candidate, now);
    const meeting =
      decision.action === 'end' ? await endAsDecided(deps, candidate, decision, now) : null;
    if (meeting !== null) {
      ended.push(meeting);
    }
  });
  return ended;
}

/**
 * The exact timer: ends the meeting if it is due, else schedules the next check it needs.
 * Returns the meeting when this call ended it.
 */
export async function endMeetingIfDue(
  deps: ServiceDependencies,
  meetingId: string,
): Promise<Meeting | null> {
  const now = deps.now();
  const candidate = isUuid(meetingId)
    ? await deps.prisma.meeting.findUnique({ where: { id: meetingId }, select: endingInputSelect })
    : null;
  if (candidate === null) {
    return null;
  }
  const decision = decideFor(candidate, now);
  if (decision.action === 'keep') {
    await scheduleEndingCheck(deps.jobs, meetingId, decision, now);
    return null;
  }
  return endAsDecided(deps, candidate, decision, now);
}

/**
 * Ends the meeting at once, closing the sessions of anyone still in it; an already ended meeting
 * is returned as it is. Who may do this is the GraphQL layer's decision.
 */
export async function endMeetingByManager(
  deps: ServiceDependencies,
  meetingId: string,
): Promise<Meeting> {
  const ended = await endMeetingIf(deps, meetingId, 'ENDED_BY_MANAGER', {});
  if (ended !== null) {
    return ended;
  }
  const meeting = isUuid(meetingId)
    ? await deps.prisma.meeting.findUnique({ where: { id: meetingId } })
    : null;
  if (meeting === null) {
    throw new NotFoundError('No such meeting.');
  }
  return meeting;
}
