// Taking part in a meeting: the session a participant holds, and the mutations that open, keep
// and close it.
import type { Prisma } from '../../generated/prisma/client.js';
import { RateLimitedError } from '../../services/errors.js';
import {
  joinMeeting,
  leaveMeeting,
  MeetingEndedError,
  meetingHeartbeat,
  SessionClosedError,
} from '../../services/meetings/index.js';
import { callerSubject, enforceRateLimits } from '../../services/rate-limits.js';
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import { ErrorInterface } from './errors.js';
import {
  assertMayParticipate,
  loadMeeting,
  meetingPayload,
  MeetingRef,
  participationErrors,
} from './meeting.js';

export const ParticipantSessionRef = builder.prismaNode('ParticipantSession', {
  id: { field: 'id' },
  fields: (t) => ({
    displayName: t.exposeString('displayName'),
    joinedAt: t.expose('joinedAt', { type: 'DateTime' }),
    lastSeenAt: t.expose('lastSeenAt', { type: 'DateTime' }),
    leftAt: t.expose('leftAt', { type: 'DateTime', nullable: true }),
  }),
});

builder.objectType(SessionClosedError, {
  name: 'SessionClosedError',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof SessionClosedError,
  fields: () => ({}),
});

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

builder.mutationFields((t) => ({
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
}));
