// The lobby's words for people and lists, kept apart from the components so they can be tested.
import type { MeetingEndReason } from '../graphql/generated/graphql.js';

export function describeParticipants(count: number): string {
  if (count === 0) return 'Nobody here yet';
  return count === 1 ? '1 person here' : `${count} people here`;
}

/** Calendar events may have no title; the lobby still needs words for them. */
export function meetingTitle(title: string | null | undefined): string {
  const trimmed = title?.trim() ?? '';
  return trimmed === '' ? 'Untitled meeting' : trimmed;
}

function count(amount: number, one: string, many: string): string {
  return amount === 1 ? `1 ${one}` : `${amount} ${many}`;
}

/**
 * What the lobby's live region announces when the lists change: titles included, so a new or
 * moved meeting is heard, while the ticking labels stay silent.
 */
export function describeLobby(
  live: readonly { title: string | null }[],
  upcoming: readonly { title: string | null }[],
): string {
  if (live.length === 0 && upcoming.length === 0) return 'No meetings right now.';
  const parts = [];
  if (live.length > 0) {
    parts.push(
      `${count(live.length, 'meeting', 'meetings')} live: ${live.map(({ title }) => meetingTitle(title)).join(', ')}.`,
    );
  }
  if (upcoming.length > 0) {
    parts.push(
      `${count(upcoming.length, 'meeting', 'meetings')} coming up: ${upcoming.map(({ title }) => meetingTitle(title)).join(', ')}.`,
    );
  }
  return parts.join(' ');
}

const END_REASONS: Record<MeetingEndReason, string> = {
  EMPTY: 'everyone had left',
  SCHEDULE_ELAPSED: 'its scheduled time was over',
  CANCELLED_IN_CALENDAR: 'it was cancelled in the calendar',
  ENDED_BY_MANAGER: 'a room manager ended it',
  CALENDAR_TURNED_OFF: "the room's calendar was turned off",
};

export function describeMeetingEnd(reason: MeetingEndReason | null | undefined): string {
  return reason === null || reason === undefined
    ? 'This meeting has ended.'
    : `This meeting has ended: ${END_REASONS[reason]}.`;
}

/** "Ended: everyone had left", for a list of past meetings. */
export function describeEndedBecause(reason: MeetingEndReason | null | undefined): string {
  return reason === null || reason === undefined ? 'Ended' : `Ended: ${END_REASONS[reason]}`;
}

/** Who came to a past meeting: each name once, in the order they first joined. */
export function describeAttendance(sessions: readonly { displayName: string }[]): string {
  if (sessions.length === 0) return 'Nobody joined';
  const names = [...new Set(sessions.map(({ displayName }) => displayName))];
  const joins = sessions.length === 1 ? '1 join' : `${sessions.length} joins`;
  return `${joins}: ${names.join(', ')}`;
}
