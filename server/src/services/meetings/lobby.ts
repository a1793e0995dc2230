// The lobby loader: a room's RoomMeetings in one query, split by THE partition function.
import { partitionMeetings } from '../../domain/meetings/partition.js';
import type { Meeting, Prisma, Room } from '../../generated/prisma/client.js';
import { openSession, type DatabaseReader } from './database.js';

export type LobbyMeeting = Meeting & { participantCount: number };

export type RoomMeetings = {
  live: LobbyMeeting[];
  upcoming: LobbyMeeting[];
  generatedAt: Date;
  /** When the lists change by the clock alone (the next upcoming start); null if never. */
  nextChangeAt: Date | null;
};

/** What a meeting query includes so that each row knows its participant count. */
export const withParticipantCount = {
  _count: { select: { sessions: { where: openSession } } },
} satisfies Prisma.MeetingInclude;

export function asLobbyMeeting({
  _count,
  ...meeting
}: Prisma.MeetingGetPayload<{ include: typeof withParticipantCount }>): LobbyMeeting {
  return { ...meeting, participantCount: _count.sessions };
}

/** Meetings by id with their participant count, in one query whatever their number. */
export async function loadMeetings(
  db: DatabaseReader,
  meetingIds: readonly string[],
): Promise<LobbyMeeting[]> {
  const rows = await db.meeting.findMany({
    where: { id: { in: [...meetingIds] } },
    include: withParticipantCount,
  });
  return rows.map(asLobbyMeeting);
}

export async function loadRoomMeetings(
  db: DatabaseReader,
  roomId: string,
  now: Date,
): Promise<RoomMeetings> {
  const rows = await db.meeting.findMany({
    where: { roomId, status: 'OPEN' },
    include: withParticipantCount,
  });
  const { live, upcoming, nextChangeAt } = partitionMeetings(rows.map(asLobbyMeeting), now);
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
