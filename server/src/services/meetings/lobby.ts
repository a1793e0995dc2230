// The lobby loader: a room's RoomMeetings in one query, split by THE partition function.
import { partitionMeetings } from '../../domain/meetings/partition.js';
import type { Meeting, Room } from '../../generated/prisma/client.js';
import { openSession, type DatabaseReader } from './database.js';

export type LobbyMeeting = Meeting & { participantCount: number };

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
    include: { _count: { select: { sessions: { where: openSession } } } },
  });
  const meetings = rows.map(({ _count, ...meeting }) => ({
    ...meeting,
    participantCount: _count.sessions,
  }));
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
