// Meeting changes go to the room's topic (lobbies) and to the meeting's own topic (its page).
import { topics, type DomainEvent } from '../../domain/events.js';
import type { EventBus } from '../../engines/events.js';

type MeetingEventType = Extract<DomainEvent, { meetingId: string }>['type'];

export async function publishMeetingEvent(
  events: EventBus,
  type: MeetingEventType,
  meeting: { id: string; roomId: string },
): Promise<void> {
  const event = { type, roomId: meeting.roomId, meetingId: meeting.id };
  await Promise.all([
    events.publish(topics.room(meeting.roomId), event),
    events.publish(topics.meeting(meeting.id), event),
  ]);
}
