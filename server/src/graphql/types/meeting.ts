import { canManage, canWrite, type Viewer } from '../../domain/access.js';
import { topics } from '../../domain/events.js';
import type { Prisma, PrismaClient } from '../../generated/prisma/client.js';
import {
  ForbiddenError,
  NotFoundError,
  RateLimitedError,
  readOnlyCredentialMessage,
  ValidationError,
} from '../../services/errors.js';
import {
  countedSessionsInclude,
  endMeetingByManager,
  joinMeeting,
  leaveMeeting,
  MeetingEndedError,
  meetingHeartbeat,
  SessionClosedError,
  startMeeting,
  type LobbyMeeting,
  type RoomMeetings,
  withParticipantCount,
} from '../../services/meetings/index.js';
import { callerSubject, enforceRateLimits } from '../../services/rate-limits.js';
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import { commonErrors, ErrorInterface } from './errors.js';

const MeetingStatus = builder.enumType('MeetingStatus', { values: ['OPEN', 'ENDED'] as const });
const MeetingEndReason = builder.enumType('MeetingEndReason', {
  values: [
    'EMPTY',
    'SCHEDULE_ELAPSED',
    'CANCELLED_IN_CALENDAR',
    'ENDED_BY_MANAGER',
    'CALENDAR_TURNED_OFF',
  ] as const,
});

/** Meetings with their participant count, in one query whatever their number. */
export async function loadMeetings(
  prisma: PrismaClient,
  meetingIds: readonly string[],
): Promise<LobbyMeeting[]> {
  const rows = await prisma.meeting.findMany({
    where: { id: { in: [...meetingIds] } },
    include: countedSessionsInclude,
  });
  return rows.map(withParticipantCount);
}

async function loadMeeting(prisma: PrismaClient, meetingId: string): Promise<LobbyMeeting> {
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

/** Shared lists still hold now (a start time passing counts as a change): clients set their clock by this. */
function asOfNow(meetings: RoomMeetings, context: Context): RoomMeetings {
  return { ...meetings, generatedAt: context.deps.now() };
}

const RoomMeetingsRef = builder.objectRef<RoomMeetings>('RoomMeetings').implement({
  description: "A room's lobby: the two lists never share a meeting; ended ones are in neither",
  fields: (t) => ({
    live: t.field({
      type: [MeetingRef],
      description: 'Open meetings that have started, or that someone has already joined',
      resolve: (lobby) => lobby.live,
    }),
    upcoming: t.field({
      type: [MeetingRef],
      description: 'Open meetings not started and not joined, soonest first',
      resolve: (lobby) => lobby.upcoming,
    }),
    generatedAt: t.expose('generatedAt', {
      type: 'DateTime',
      description: "The server's time when the lists were made: clients correct their clock by it",
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
  meetings: t.field({
    type: RoomMeetingsRef,
    resolve: async (room, _args, context) =>
      asOfNow((await context.live.currentRoomLobby(room.id)).meetings, context),
  }),
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

export const ParticipantSessionRef = builder.prismaNode('ParticipantSession', {
  id: { field: 'id' },
  fields: (t) => ({
    displayName: t.exposeString('displayName'),
    joinedAt: t.expose('joinedAt', { type: 'DateTime' }),
    lastSeenAt: t.expose('lastSeenAt', { type: 'DateTime' }),
    leftAt: t.expose('leftAt', { type: 'DateTime', nullable: true }),
  }),
});

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

builder.objectType(SessionClosedError, {
  name: 'SessionClosedError',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof SessionClosedError,
  fields: () => ({}),
});

/** Participants may be anonymous; a signed-in credential must be allowed to write. */
function assertMayParticipate(viewer: Viewer): void {
  if (viewer.kind === 'user' && !canWrite(viewer)) {
    throw new ForbiddenError(readOnlyCredentialMessage);
  }
}

function meetingPayload(name: string) {
  return builder.objectRef<{ meetingId: string }>(name).implement({
    fields: (t) => ({
      meeting: t.field({
        type: MeetingRef,
        resolve: (payload, _args, context) => loadMeeting(context.prisma, payload.meetingId),
      }),
    }),
  });
}

/** The session a join or heartbeat payload names, with what the caller selected of it. */
function loadSession(
  context: Context,
  query: { include?: Prisma.ParticipantSessionInclude; select?: Prisma.ParticipantSessionSelect },
  sessionId: string,
) {
  return context.prisma.participantSession.findUniqueOrThrow({
    ...query,
    where: { id: sessionId },
  });
}

const JoinMeetingSuccess = builder
  .objectRef<{ sessionId: string; meetingId: string; joinUrl: string }>('JoinMeetingSuccess')
  .implement({
    fields: (t) => ({
      session: t.prismaField({
        type: 'ParticipantSession',
        resolve: (query, payload, _args, context) => loadSession(context, query, payload.sessionId),
      }),
      meeting: t.field({
        type: MeetingRef,
        resolve: (payload, _args, context) => loadMeeting(context.prisma, payload.meetingId),
      }),
      joinUrl: t.exposeString('joinUrl', { description: 'Open this to enter the video room' }),
    }),
  });

const MeetingHeartbeatSuccess = builder
  .objectRef<{ sessionId: string }>('MeetingHeartbeatSuccess')
  .implement({
    fields: (t) => ({
      session: t.prismaField({
        type: 'ParticipantSession',
        resolve: (query, payload, _args, context) => loadSession(context, query, payload.sessionId),
      }),
    }),
  });

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

const participationErrors = [ValidationError, NotFoundError, ForbiddenError] as const;

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
  joinMeeting: t.field({
    type: JoinMeetingSuccess,
    errors: { types: [...participationErrors, MeetingEndedError, RateLimitedError] },
    args: {
      meetingId: t.arg.globalID({ required: true, for: MeetingRef }),
      displayName: t.arg.string(),
    },
    resolve: async (_root, { meetingId, displayName }, context) => {
      assertMayParticipate(context.viewer);
      await enforceRateLimits(context.deps, [
        ['meetingJoinsPerCaller', callerSubject(context.viewer, context.clientAddress)],
        ['meetingJoinsPerMeeting', meetingId.id],
      ]);
      const joined = await joinMeeting(context.deps, {
        meetingId: meetingId.id,
        displayName: displayName ?? null,
        userId: context.viewer.kind === 'user' ? context.viewer.userId : null,
      });
      return {
        sessionId: joined.session.id,
        meetingId: joined.meeting.id,
        joinUrl: joined.joinUrl,
      };
    },
  }),
  meetingHeartbeat: t.field({
    type: MeetingHeartbeatSuccess,
    errors: { types: [...participationErrors, MeetingEndedError, SessionClosedError] },
    args: { sessionId: t.arg.globalID({ required: true, for: ParticipantSessionRef }) },
    resolve: async (_root, { sessionId }, context) => {
      const session = await meetingHeartbeat(context.deps, { sessionId: sessionId.id });
      return { sessionId: session.id };
    },
  }),
  leaveMeeting: t.field({
    type: meetingPayload('LeaveMeetingSuccess'),
    errors: { types: [...participationErrors] },
    args: { sessionId: t.arg.globalID({ required: true, for: ParticipantSessionRef }) },
    resolve: async (_root, { sessionId }, context) => {
      const meeting = await leaveMeeting(context.deps, { sessionId: sessionId.id });
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
  roomMeetings: t.field({
    type: RoomMeetingsRef,
    description: "The room's lobby at once, then a fresh one after every change",
    args: { roomName: t.arg.string({ required: true }) },
    subscribe: async (_root, { roomName }, context) => {
      const room = await context.live.roomByName(roomName.toLowerCase());
      if (room === null) throw new NotFoundError(`No room named "${roomName}"`);
      return context.live.roomLobbies(room.id);
    },
    resolve: (lobby, _args, context) => asOfNow(lobby.meetings, context),
  }),
  meeting: t.field({
    type: MeetingRef,
    description: 'The meeting at once, then after every change (presence, schedule, ending)',
    args: { id: t.arg.globalID({ required: true, for: MeetingRef }) },
    subscribe: async function* (_root, { id }, context) {
      const meetingId = id.id;
      const changes = context.live.topicEvents(topics.meeting(meetingId));
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
