// Following the calendar (DESIGN §4.2): after a sync, a room's open meetings catch up with their
// occurrences, and occurrences that now qualify get their meetings.
import { decideOnCalendarWithdrawal, followOccurrence } from '../../domain/meetings/lifecycle.js';
import type { ServiceDependencies } from '../dependencies.js';
import { changeAndAnnounce } from '../outbox/outbox.js';
import { openSession } from './database.js';
import { eachIsolated } from './each-isolated.js';
import { endMeetingIf, nobodyPresent } from './ending.js';
import { meetingEvents } from './meeting-events.js';
import { precreateRoomMeetings } from './precreate.js';
import { scheduleMeetingTimers } from './timers.js';

/** Called by the calendar sync after it has written the room's occurrences. */
export async function reconcileRoomMeetings(
  deps: ServiceDependencies,
  roomId: string,
): Promise<void> {
  const now = deps.now();
  const meetings = await deps.prisma.meeting.findMany({
    where: { roomId, status: 'OPEN', calendarEventId: { not: null } },
    include: {
      calendarEvent: true,
      room: { select: { gracePeriodMinutes: true } },
      _count: { select: { sessions: { where: openSession } } },
    },
  });
  await eachIsolated(meetings, async ({ calendarEvent: occurrence, room, _count, ...meeting }) => {
    if (occurrence === null) {
      return;
    }
    // An occurrence turned all-day can no longer have a meeting: for a meeting it is gone.
    if (occurrence.deletedAt !== null || occurrence.isAllDay) {
      if (decideOnCalendarWithdrawal(meeting, 'CANCELLED_IN_CALENDAR').action === 'end') {
        // Re-checked under the row lock: a join that got in first keeps the meeting.
        await endMeetingIf(deps, meeting.id, 'CANCELLED_IN_CALENDAR', {
          ...nobodyPresent,
          firstJoinedAt: null,
        });
      }
      return;
    }
    const patch = followOccurrence(meeting, occurrence);
    if (patch === null) {
      return;
    }
    const followed = await changeAndAnnounce(deps, async (transaction, announce) => {
      const { count } = await transaction.meeting.updateMany({
        where: { id: meeting.id, status: 'OPEN' },
        data: patch,
      });
      if (count > 0) announce(...meetingEvents('meeting.changed', meeting));
      return count > 0;
    });
    if (!followed) {
      return;
    }
    await scheduleMeetingTimers(
      deps.jobs,
      { ...meeting, ...patch, openSessionCount: _count.sessions },
      room.gracePeriodMinutes,
      now,
    );
  });
  await precreateRoomMeetings(deps, roomId);
}
