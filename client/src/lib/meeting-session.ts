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

/**
 * The call page of a session: Lobby's page that embeds the call and keeps the session while it is
 * open. The session rides in the fragment, which never leaves the browser.
 */
export function callPagePath(roomName: string, session: MeetingSession): string {
  const fragment = new URLSearchParams({ session: session.sessionId, join: session.joinUrl });
  return `${meetingPath(roomName, session.meetingId)}/call#${fragment.toString()}`;
}

/** The session a call page's fragment names, or null when it names none. */
export function sessionFromCallFragment(meetingId: string, hash: string): MeetingSession | null {
  const fragment = new URLSearchParams(hash.replace(/^#/, ''));
  const sessionId = fragment.get('session');
  const joinUrl = fragment.get('join');
  if (sessionId === null || joinUrl === null || !/^https?:\/\//.test(joinUrl)) return null;
  return { meetingId, sessionId, joinUrl };
}
