// A room's past meetings for its managers (issue 13.5): ended meetings, the most recently ended
// first, a page at a time, each with its attendance (who joined, and when).
import { resolveCursorConnection, type ResolveCursorConnectionArgs } from '@pothos/plugin-relay';
import { canReadAsManager } from '../../domain/access.js';
import type { ParticipantSession, PrismaClient } from '../../generated/prisma/client.js';
import { ValidationError } from '../../services/errors.js';
import { isUuid } from '../../services/meetings/database.js';
import {
  countedSessionsInclude,
  withParticipantCount,
  type LobbyMeeting,
} from '../../services/meetings/index.js';
import { builder } from '../builder.js';
import { MeetingRef } from './meeting.js';
import { ParticipantSessionRef } from './participant-session.js';

/** The most meetings one page of the history holds. */
const MEETING_HISTORY_MAX_PAGE = 100;

/** One page of a room's ended meetings; the cursor is the meeting's id. */
async function loadMeetingHistoryPage(
  prisma: PrismaClient,
  roomId: string,
  { after, before, limit, inverted }: ResolveCursorConnectionArgs,
): Promise<LobbyMeeting[]> {
  const cursor = after ?? before;
  if (cursor !== undefined && !isUuid(cursor)) {
    throw new ValidationError(
      'This cursor does not come from the meeting history',
      after === undefined ? 'before' : 'after',
    );
  }
  const rows = await prisma.meeting.findMany({
    where: { roomId, status: 'ENDED' },
    // The id breaks ties, so pages neither repeat nor skip meetings that ended at the same instant.
    orderBy: [{ endedAt: 'desc' }, { id: 'desc' }],
    include: countedSessionsInclude,
    // Backwards (`last`/`before`): Prisma counts back from the cursor and returns rows in order.
    take: inverted ? -limit : limit,
    ...(cursor !== undefined && { cursor: { id: cursor }, skip: 1 }),
  });
  const meetings = rows.map(withParticipantCount);
  // resolveCursorConnection wants a backwards page nearest-to-the-cursor first.
  return inverted ? meetings.reverse() : meetings;
}

const MeetingAttendanceRef = builder
  .objectRef<{ sessions: ParticipantSession[] }>('MeetingAttendance')
  .implement({
    description: 'Who was in a meeting and when: one session per join',
    fields: (t) => ({
      sessionCount: t.int({ resolve: (attendance) => attendance.sessions.length }),
      sessions: t.field({
        type: [ParticipantSessionRef],
        description: 'In the order people joined',
        resolve: (attendance) => attendance.sessions,
      }),
    }),
  });

builder.objectFields(MeetingRef, (t) => ({
  attendance: t.field({
    type: MeetingAttendanceRef,
    nullable: true,
    description: "Who joined and when; null unless the viewer manages the meeting's room",
    resolve: async (meeting, _args, context) => {
      // Both are findUnique calls, which Prisma batches across a page of meetings.
      const room = await context.prisma.room.findUnique({
        where: { id: meeting.roomId },
        select: { ownerId: true },
      });
      if (room === null || !canReadAsManager(context.viewer, room)) return null;
      const sessions = await context.prisma.meeting
        .findUnique({ where: { id: meeting.id } })
        .sessions({ orderBy: [{ joinedAt: 'asc' }, { id: 'asc' }] });
      return { sessions: sessions ?? [] };
    },
  }),
}));

builder.prismaObjectFields('Room', (t) => ({
  meetingHistory: t.connection({
    type: MeetingRef,
    nullable: true,
    description:
      'Ended meetings, the most recently ended first, a page at a time; null unless the viewer manages the room',
    authScopes: (room, _args, context) => canReadAsManager(context.viewer, room),
    unauthorizedResolver: () => null,
    resolve: (room, args, context) =>
      // Named: inference leaves the node type unknown when the loader is async.
      resolveCursorConnection<Promise<LobbyMeeting[]>>(
        { args, toCursor: (meeting) => meeting.id, maxSize: MEETING_HISTORY_MAX_PAGE },
        (page) => loadMeetingHistoryPage(context.prisma, room.id, page),
      ),
  }),
}));
