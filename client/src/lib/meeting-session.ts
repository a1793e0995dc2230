// The meeting this tab is in: set by a successful join, cleared by leaving.
import { createSignal } from 'solid-js';

export type MeetingSession = {
  meetingId: string;
  sessionId: string;
  joinUrl: string;
};

const [currentSession, setCurrentSession] = createSignal<MeetingSession | null>(null);

export { currentSession, setCurrentSession };

export function meetingPath(roomName: string, meetingId: string): string {
  return `/${roomName}/${encodeURIComponent(meetingId)}`;
}

/** Route parameters arrive still encoded; a malformed one is kept as typed. */
export function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
