// Domain events published by workers and API processes (DESIGN §6), and their topics.

export type DomainEvent =
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

export const topics = {
  /** Everything that can change a room's lobby: meetings, presence, the room itself. */
  room: (roomId: string) => `room:${roomId}`,
  /** Every state of every calendar sync run of a room. */
  calendarSync: (roomId: string) => `calendar-sync:${roomId}`,
  meeting: (meetingId: string) => `meeting:${meetingId}`,
};
