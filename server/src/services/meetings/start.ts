// Ad-hoc meetings (DESIGN §4.3): "start a meeting" joins the room's live meeting, or creates one.
import { adhocMeetingEndsAt } from '../../domain/meetings/lifecycle.js';
import type { Meeting } from '../../generated/prisma/client.js';
import type { ServiceDependencies } from '../dependencies.js';
import { changeAndAnnounce } from '../outbox/outbox.js';
import { lockRoomRow, transactionOptions } from './database.js';
import { NotFoundError } from './errors.js';
import { loadRoomMeetings } from './lobby.js';
import { meetingEvents } from './meeting-events.js';
import { scheduleMeetingTimers } from './timers.js';

/**
 * The room's live meeting, or a new one. Callers that race hold the room's row lock in turn, so
 * each one sees the meeting its predecessor created: fifty clicks make one meeting.
 */
export async function startMeeting(
  deps: ServiceDependencies,
  input: { roomName: string },
): Promise<Meeting> {
  const now = deps.now();
  const video = deps.videoPlatform;
  const started = await changeAndAnnounce(
    deps,
    async (transaction, announce) => {
      if (!(await lockRoomRow(transaction, input.roomName))) {
        throw new NotFoundError(`There is no room named "${input.roomName}".`);
      }
      const room = await transaction.room.findUniqueOrThrow({ where: { name: input.roomName } });
      const [live] = (await loadRoomMeetings(transaction, room.id, now)).live;
      if (live !== undefined) {
        return { meeting: live, room, created: false };
      }
      const meeting = await transaction.meeting.create({
        data: {
          roomId: room.id,
          startsAt: now,
          endsAt: adhocMeetingEndsAt(now),
          videoRoomName: video.newVideoRoomName(room.name),
        },
      });
      announce(...meetingEvents('meeting.created', meeting));
      return { meeting, room, created: true };
    },
    transactionOptions,
  );
  if (started.created) {
    deps.instruments.meetingOpened({
      meetingId: started.meeting.id,
      roomId: started.room.id,
      origin: 'adhoc',
    });
    await scheduleMeetingTimers(
      deps.jobs,
      { ...started.meeting, openSessionCount: 0 },
      started.room.gracePeriodMinutes,
      now,
    );
  }
  return started.meeting;
}
