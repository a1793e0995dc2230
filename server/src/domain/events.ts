// Domain events published by workers and API processes (DESIGN §6), and their topics.

/** Events about one room, on its topics. */
export type RoomEvent =
  | { type: 'meeting.created'; roomId: string; meetingId: string }
  | { type: 'meeting.changed'; roomId: string; meetingId: string }
  | { type: 'meeting.ended'; roomId: string; meetingId: string }
  | { type: 'presence.changed'; roomId: string; meetingId: string }
  | { type: 'meeting.started'; roomId: string; meetingId: string }
  | {
      type: 'sync.run.changed';
      roomId: string;
      runId: string;
      /** The state the run entered: a subscriber that reads the row later still sees each one. */
      status: 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'UNCHANGED' | 'FAILED' | 'SKIPPED';
    }
  | { type: 'room.changed'; roomId: string };

export type DomainEvent = RoomEvent | { type: 'apiKey.revoked'; apiKeyId: string };

export const topics = {
  /** Everything that can change a room's lobby: meetings, presence, the room itself. */
  room: (roomId: string) => `room:${roomId}`,
  /** Every state of every calendar sync run of a room. */
  calendarSync: (roomId: string) => `calendar-sync:${roomId}`,
  meeting: (meetingId: string) => `meeting:${meetingId}`,
  /** Revoked API keys: every API process closes the connections opened with them. */
  apiKeys: () => 'api-keys',
};
