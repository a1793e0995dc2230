// The lobby list (DESIGN §4): the one function that splits a room's meetings into live and upcoming.
import type { MeetingStatus } from './lifecycle.js';

export type PartitionableMeeting = {
  id: string;
  startsAt: Date;
  status: MeetingStatus;
  firstJoinedAt: Date | null;
};

export type MeetingPartition<T> = {
  /** Open meetings that have started or that someone has joined, by start then id. */
  live: T[];
  /** Open meetings not started and not joined, soonest first (ties by id). */
  upcoming: T[];
  /** When the next upcoming meeting starts and the lists change although no row did. */
  nextChangeAt: Date | null;
};

export function partitionMeetings<T extends PartitionableMeeting>(
  meetings: readonly T[],
  now: Date,
): MeetingPartition<T> {
  const live: T[] = [];
  const upcoming: T[] = [];
  for (const meeting of meetings) {
    if (meeting.status !== 'OPEN') {
      continue;
    }
    if (meeting.startsAt <= now || meeting.firstJoinedAt !== null) {
      live.push(meeting);
    } else {
      upcoming.push(meeting);
    }
  }
  live.sort(byStartThenId);
  upcoming.sort(byStartThenId);
  return { live, upcoming, nextChangeAt: upcoming[0]?.startsAt ?? null };
}

function byStartThenId(a: PartitionableMeeting, b: PartitionableMeeting): number {
  const byStart = a.startsAt.getTime() - b.startsAt.getTime();
  if (byStart !== 0) {
    return byStart;
  }
  // Code-unit order, not locale order: the same list on every process.
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
