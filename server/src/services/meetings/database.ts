// Database helpers shared by the meeting use cases: row locks, id checks, the open-session filter.
import type { Prisma } from '../../generated/prisma/client.js';

/** A client or an open transaction: readers work inside and outside transactions alike. */
export type DatabaseReader = Prisma.TransactionClient;

/** Lock waits are short but queue up under bursts (fifty joins at once), so allow for them. */
export const transactionOptions = { maxWait: 10_000, timeout: 20_000 } as const;

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids from callers are checked first: PostgreSQL rejects a malformed uuid with an error, not "none". */
export function isUuid(value: string): boolean {
  return uuidPattern.test(value);
}

/**
 * Takes the meeting's row lock for the rest of the transaction; false when there is no such
 * meeting. Joins, leaves and endings all take it first, so they happen one after the other and
 * each one's next statement sees what the previous one committed.
 */
export async function lockMeetingRow(
  transaction: Prisma.TransactionClient,
  meetingId: string,
): Promise<boolean> {
  if (!isUuid(meetingId)) {
    return false;
  }
  // NO KEY UPDATE: excludes the other lockers but not inserts that merely reference the row.
  const rows = await transaction.$queryRaw<unknown[]>`
    SELECT 1 FROM "Meeting" WHERE "id" = ${meetingId}::uuid FOR NO KEY UPDATE`;
  return rows.length > 0;
}

/** Takes the room's row lock for the rest of the transaction; false when there is no such room. */
export async function lockRoomRow(
  transaction: Prisma.TransactionClient,
  roomName: string,
): Promise<boolean> {
  const rows = await transaction.$queryRaw<unknown[]>`
    SELECT 1 FROM "Room" WHERE "name" = ${roomName} FOR NO KEY UPDATE`;
  return rows.length > 0;
}

/** Sessions still in their meeting: the participant count is their number. */
export const openSession = { leftAt: null } satisfies Prisma.ParticipantSessionWhereInput;
