// Domain events published by workers and API processes (DESIGN §6), and their topics.
import { z } from 'zod';

const meetingEvent = <Type extends string>(type: Type) =>
  z.object({ type: z.literal(type), roomId: z.string(), meetingId: z.string() });

/** Every event, as processes send it to each other: the one definition of their shapes. */
export const domainEventSchema = z.discriminatedUnion('type', [
  meetingEvent('meeting.created'),
  meetingEvent('meeting.changed'),
  meetingEvent('meeting.ended'),
  meetingEvent('presence.changed'),
  meetingEvent('meeting.started'),
  z.object({
    type: z.literal('sync.run.changed'),
    roomId: z.string(),
    runId: z.string(),
    /** The state the run entered: a subscriber that reads the row later still sees each one. */
    status: z.enum(['QUEUED', 'RUNNING', 'SUCCEEDED', 'UNCHANGED', 'FAILED', 'SKIPPED']),
  }),
  z.object({ type: z.literal('room.changed'), roomId: z.string() }),
  z.object({ type: z.literal('apiKey.revoked'), apiKeyId: z.string() }),
]);

export type DomainEvent = z.infer<typeof domainEventSchema>;

/** Events about one room, on its topics. */
export type RoomEvent = Extract<DomainEvent, { roomId: string }>;

export const topics = {
  /** Everything that can change a room's lobby: meetings, presence, the room itself. */
  room: (roomId: string) => `room:${roomId}`,
  /** Every state of every calendar sync run of a room. */
  calendarSync: (roomId: string) => `calendar-sync:${roomId}`,
  meeting: (meetingId: string) => `meeting:${meetingId}`,
  /** Revoked API keys: every API process closes the connections opened with them. */
  apiKeys: () => 'api-keys',
};
