// Meeting changes go to the room's topic (lobbies) and to the meeting's own topic (its page).
import { topics, type DomainEvent } from '../../domain/events.js';
import type { OutgoingEvent } from '../outbox/outbox.js';

type MeetingEventType = Extract<DomainEvent, { meetingId: string }>['type'];

/** The event of a meeting change, on both its topics, for `announce` (services/outbox). */
export function meetingEvents(
  type: MeetingEventType,
  meeting: { id: string; roomId: string },
): OutgoingEvent[] {
  const event = { type, roomId: meeting.roomId, meetingId: meeting.id };
  return [
    { topic: topics.room(meeting.roomId), event },
    { topic: topics.meeting(meeting.id), event },
  ];
}
