// A room's calendar turned off (issue 13.2): pre-creation stops by itself (only a calendar that is
// on makes meetings); this ends the calendar's meetings that nobody has joined.
import { decideOnCalendarWithdrawal } from '../../domain/meetings/lifecycle.js';
import type { Meeting } from '../../generated/prisma/client.js';
import type { ServiceDependencies } from '../dependencies.js';
import { eachIsolated } from './each-isolated.js';
import { endMeetingIf, nobodyPresent } from './ending.js';
import { calendarFeedIsOn } from './precreate.js';

/**
 * Ends the room's open calendar meetings that nobody has joined (CALENDAR_TURNED_OFF); meetings
 * people have used follow the ordinary ending rules. Each ending re-checks under the meeting's row
 * lock that nobody joined and that the calendar is still off, so a join or a quick "on again" that
 * got in first keeps the meeting. Returns the meetings this call ended (announced after commit).
 */
export async function endMeetingsOfCalendarTurnedOff(
  deps: Pick<ServiceDependencies, 'prisma' | 'events' | 'now'>,
  roomId: string,
): Promise<Meeting[]> {
  const meetings = await deps.prisma.meeting.findMany({
    where: { roomId, status: 'OPEN', calendarEventId: { not: null } },
    select: { id: true, status: true, firstJoinedAt: true },
  });
  const ended: Meeting[] = [];
  await eachIsolated(meetings, async (meeting) => {
    if (decideOnCalendarWithdrawal(meeting, 'CALENDAR_TURNED_OFF').action === 'keep') {
      return;
    }
    const meetingEnded = await endMeetingIf(deps, meeting.id, 'CALENDAR_TURNED_OFF', {
      ...nobodyPresent,
      firstJoinedAt: null,
      NOT: { room: { calendarFeed: { is: calendarFeedIsOn } } },
    });
    if (meetingEnded !== null) {
      ended.push(meetingEnded);
    }
  });
  return ended;
}
