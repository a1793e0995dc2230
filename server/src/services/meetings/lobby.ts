// The lobby loader: a room's RoomMeetings in one query, split by THE partition function.
import { partitionMeetings } from '../../domain/meetings/partition.js';
import type { Meeting, Prisma, Room } from '../../generated/prisma/client.js';
import { openSession, type DatabaseReader } from './database.js';

export type LobbyMeeting = Meeting & { participantCount: number };

/**
 * The sessions the participant count is made of: the platform's open sessions once the platform has
 * reported anyone in the meeting (people on the Lobby page are in the call too, and must not count
 * twice), else the Lobby pages' open sessions. One filter, so the count stays one SQL statement.
 */
const countedSession = {
  ...openSession,
  OR: [
    { platformSessionId: { not: null } },
    { meeting: { sessions: { none: { platformSessionId: { not: null } } } } },
  ],
} satisfies Prisma.ParticipantSessionWhereInput;

export const countedSessionsInclude = {
  _count: { select: { sessions: { where: countedSession } } },
} satisfies Prisma.MeetingInclude;

/** A meeting loaded with `countedSessionsInclude`, as the lobby and the API show it. */
export function withParticipantCount({
  _count,
  ...meeting
}: Prisma.MeetingGetPayload<{ include: typeof countedSessionsInclude }>): LobbyMeeting {
  return { ...meeting, participantCount: _count.sessions };
}

/** Meetings by id with their participant count, in one query whatever their number. */
export async function loadMeetings(
  db: DatabaseReader,
  meetingIds: readonly string[],
): Promise<LobbyMeeting[]> {
  const rows = await db.meeting.findMany({
    where: { id: { in: [...meetingIds] } },
    include: countedSessionsInclude,
  });
  return rows.map(withParticipantCount);
}

export type RoomMeetings = {
  live: LobbyMeeting[];
  upcoming: LobbyMeeting[];
  generatedAt: Date;
  /** When the lists change by the clock alone (the next upcoming start); null if never. */
  nextChangeAt: Date | null;
};

export async function loadRoomMeetings(
  db: DatabaseReader,
  roomId: string,
  now: Date,
): Promise<RoomMeetings> {
  const rows = await db.meeting.findMany({
    where: { roomId, status: 'OPEN' },
    include: countedSessionsInclude,
  });
  const meetings = rows.map(withParticipantCount);
  const { live, upcoming, nextChangeAt } = partitionMeetings(meetings, now);
  return { live, upcoming, generatedAt: now, nextChangeAt };
}

/** A room and its lobby, as the API serves and pushes them; `room` is null once it is deleted. */
export type RoomLobby = { room: Room | null; meetings: RoomMeetings };

export async function loadRoomLobby(
  db: DatabaseReader,
  roomId: string,
  now: Date,
): Promise<RoomLobby> {
  const [room, meetings] = await Promise.all([
    db.room.findUnique({ where: { id: roomId } }),
    loadRoomMeetings(db, roomId, now),
  ]);
  return { room, meetings };
}

/** The meeting a room's visitors are sent to: the first of its live list, if any. */
export async function findLiveMeetingId(
  db: DatabaseReader,
  roomId: string,
  now: Date,
): Promise<string | null> {
  const { live } = await loadRoomMeetings(db, roomId, now);
  return live[0]?.id ?? null;
}
