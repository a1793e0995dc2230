// The Meeting type: one meeting of a room, open or ended, and what starts, ends and follows it.
import { canManage, canWrite, type Viewer } from '../../domain/access.js';
import { topics } from '../../domain/events.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import {
  MeetingEndReason as MeetingEndReasonValues,
  MeetingStatus as MeetingStatusValues,
} from '../../generated/prisma/enums.js';
import {
  ForbiddenError,
  NotFoundError,
  RateLimitedError,
  readOnlyCredentialMessage,
  ValidationError,
} from '../../services/errors.js';
import {
  endMeetingByManager,
  loadMeetings,
  MeetingEndedError,
  startMeeting,
  type LobbyMeeting,
} from '../../services/meetings/index.js';
import { callerSubject, enforceRateLimits } from '../../services/rate-limits.js';
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import { topicEvents } from '../topic-events.js';
import { commonErrors, ErrorInterface } from './errors.js';

// The GraphQL enums are the database's, as in calendar.ts.
const MeetingStatus = builder.enumType(MeetingStatusValues, { name: 'MeetingStatus' });
const MeetingEndReason = builder.enumType(MeetingEndReasonValues, { name: 'MeetingEndReason' });

export async function loadMeeting(prisma: PrismaClient, meetingId: string): Promise<LobbyMeeting> {
  const [meeting] = await loadMeetings(prisma, [meetingId]);
  if (meeting === undefined) throw new NotFoundError('No such meeting');
  return meeting;
}

export const MeetingRef = builder.objectRef<LobbyMeeting>('Meeting');

builder.node(MeetingRef, {
  id: { resolve: (meeting) => meeting.id },
  // Pothos pairs results with ids by position: one per id, in their order, null where none.
  loadMany: async (ids, context) => {
    const meetings = new Map(
      (await loadMeetings(context.prisma, ids)).map((meeting) => [meeting.id, meeting]),
    );
    return ids.map((id) => meetings.get(id) ?? null);
  },
  isTypeOf: (value) =>
    typeof value === 'object' &&
    value !== null &&
    'videoRoomName' in value &&
    'participantCount' in value,
  fields: (t) => ({
    room: t.prismaField({
      type: 'Room',
      resolve: (query, meeting, _args, context) =>
        context.prisma.room.findUniqueOrThrow({ ...query, where: { id: meeting.roomId } }),
    }),
    title: t.exposeString('title', { nullable: true }),
    startsAt: t.expose('startsAt', { type: 'DateTime' }),
    endsAt: t.expose('endsAt', { type: 'DateTime' }),
    startedAt: t.expose('firstJoinedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the first person joined; null while nobody has',
    }),
    status: t.expose('status', { type: MeetingStatus }),
    endedAt: t.expose('endedAt', { type: 'DateTime', nullable: true }),
    endReason: t.expose('endReason', { type: MeetingEndReason, nullable: true }),
    participantCount: t.exposeInt('participantCount', {
      description: 'People in the meeting now (open sessions)',
    }),
    calendarEvent: t.prismaField({
      type: 'CalendarEvent',
      nullable: true,
      resolve: (query, meeting, _args, context) =>
        meeting.calendarEventId === null
          ? null
          : context.prisma.calendarEvent.findUnique({
              ...query,
              where: { id: meeting.calendarEventId },
            }),
    }),
  }),
});

builder.prismaObjectFields('CalendarEvent', (t) => ({
  meeting: t.field({
    type: MeetingRef,
    nullable: true,
    description:
      "This occurrence's open meeting, else its latest one (an occurrence may have had several)",
    resolve: async (event, _args, context) => {
      // OPEN sorts before ENDED (enum order), then the newest.
      const meeting = await context.prisma.meeting.findFirst({
        where: { calendarEventId: event.id },
        orderBy: [{ status: 'asc' }, { createdAt: 'desc' }],
        select: { id: true },
      });
      return meeting === null ? null : loadMeeting(context.prisma, meeting.id);
    },
  }),
}));

builder.prismaObjectFields('Room', (t) => ({
  meeting: t.field({
    type: MeetingRef,
    nullable: true,
    description:
      "One of this room's meetings, open or ended; null, as node(id) answers, for a malformed id, no such meeting or another room's meeting",
    // Not `for: Meeting`: a page's URL may hold any id, and a wrong one is "no such meeting here".
    args: { id: t.arg.globalID({ required: true }) },
    resolve: async (room, { id }, context) => {
      if (id.typename !== 'Meeting') return null;
      const [meeting] = await loadMeetings(context.prisma, [id.id]);
      return meeting?.roomId === room.id ? meeting : null;
    },
  }),
}));

builder.objectType(MeetingEndedError, {
  name: 'MeetingEndedError',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof MeetingEndedError,
  fields: (t) => ({
    liveMeeting: t.field({
      type: MeetingRef,
      nullable: true,
      description: "The room's live meeting to join instead, if there is one",
      resolve: (error, _args, context) =>
        error.liveMeetingId === null ? null : loadMeeting(context.prisma, error.liveMeetingId),
    }),
  }),
});

/** Participants may be anonymous; a signed-in credential must be allowed to write. */
export function assertMayParticipate(viewer: Viewer): void {
  if (viewer.kind === 'user' && !canWrite(viewer)) {
    throw new ForbiddenError(readOnlyCredentialMessage);
  }
}

export function meetingPayload(name: string) {
  return builder.objectRef<{ meetingId: string }>(name).implement({
    fields: (t) => ({
      meeting: t.field({
        type: MeetingRef,
        resolve: (payload, _args, context) => loadMeeting(context.prisma, payload.meetingId),
      }),
    }),
  });
}

async function loadManagedMeeting(context: Context, meetingId: string) {
  const meeting = await context.prisma.meeting.findUnique({
    where: { id: meetingId },
    include: { room: true },
  });
  if (meeting === null) throw new NotFoundError('No such meeting');
  if (!canManage(context.viewer, meeting.room)) {
    throw new ForbiddenError('Only the room owner or an admin can end this meeting');
  }
  return meeting;
}

export const participationErrors = [ValidationError, NotFoundError, ForbiddenError] as const;

builder.mutationFields((t) => ({
  startMeeting: t.field({
    type: meetingPayload('StartMeetingSuccess'),
    errors: { types: [...participationErrors, RateLimitedError] },
    description: "The room's live meeting, or a new one: calling it twice never makes two",
    args: { roomName: t.arg.string({ required: true }) },
    resolve: async (_root, { roomName }, context) => {
      assertMayParticipate(context.viewer);
      const name = roomName.toLowerCase();
      await enforceRateLimits(context.deps, [
        ['meetingStartsPerCaller', callerSubject(context.viewer, context.clientAddress)],
        ['meetingStartsPerRoom', name],
      ]);
      const meeting = await startMeeting(context.deps, { roomName: name });
      return { meetingId: meeting.id };
    },
  }),
  endMeeting: t.field({
    type: meetingPayload('EndMeetingSuccess'),
    errors: { types: [...commonErrors] },
    args: { meetingId: t.arg.globalID({ required: true, for: MeetingRef }) },
    resolve: async (_root, { meetingId }, context) => {
      const meeting = await loadManagedMeeting(context, meetingId.id);
      await endMeetingByManager(context.deps, meeting.id);
      return { meetingId: meeting.id };
    },
  }),
}));

builder.subscriptionFields((t) => ({
  meeting: t.field({
    type: MeetingRef,
    description: 'The meeting at once, then after every change (presence, schedule, ending)',
    args: { id: t.arg.globalID({ required: true, for: MeetingRef }) },
    subscribe: async function* (_root, { id }, context) {
      const meetingId = id.id;
      const changes = topicEvents(context.deps.events, topics.meeting(meetingId));
      yield await loadMeeting(context.prisma, meetingId);
      for await (const event of changes) {
        if ('meetingId' in event && event.meetingId === meetingId) {
          yield await loadMeeting(context.prisma, meetingId);
        }
      }
    },
    resolve: (meeting) => meeting,
  }),
}));
