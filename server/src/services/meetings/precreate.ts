// Pre-creation (DESIGN §4.1): each timed occurrence about to start gets exactly one open meeting,
// and a new one after its last ended only when that ending no longer stands (rescheduled, restored).
import type { VideoPlatform } from '../../adapters/video/index.js';
import { needsNewMeeting } from '../../domain/meetings/lifecycle.js';
import type { Meeting, Prisma } from '../../generated/prisma/client.js';
import type { ServiceDependencies } from '../dependencies.js';
import { changeAndAnnounce } from '../outbox/outbox.js';
import { transactionOptions } from './database.js';
import { eachIsolated } from './each-isolated.js';
import { meetingEvents } from './meeting-events.js';
import { scheduleMeetingTimers } from './timers.js';

const MS_PER_MINUTE = 60_000;

/** Most occurrences one run creates meetings for; the next run takes the rest. */
const PRECREATE_BATCH_SIZE = 1000;
/** Announcements and timers of new meetings are independent round trips to Redis. */
const NOTIFY_CONCURRENCY = 20;

/** Pre-creates meetings across all rooms; returns the meetings this call created. */
export function precreateMeetings(deps: ServiceDependencies): Promise<Meeting[]> {
  return precreate(deps, {});
}

/** Pre-creates the meetings of one room, after its calendar changed. */
export function precreateRoomMeetings(
  deps: ServiceDependencies,
  roomId: string,
): Promise<Meeting[]> {
  return precreate(deps, { roomId });
}

/** A room's calendar makes meetings only while it is on and has a URL. */
export const calendarFeedIsOn = {
  enabled: true,
  url: { not: '' },
} satisfies Prisma.CalendarFeedWhereInput;

const calendarIsOn = {
  room: { calendarFeed: { is: calendarFeedIsOn } },
} satisfies Prisma.CalendarEventWhereInput;

/** Occurrences that may need a meeting now, with what decides it: their ended meetings. */
function findCandidates(
  deps: ServiceDependencies,
  scope: Prisma.CalendarEventWhereInput,
  now: Date,
  after: string | undefined,
) {
  const precreateMinutes = deps.config.MEETING_PRECREATE_MINUTES;
  return deps.prisma.calendarEvent.findMany({
    where: {
      ...scope,
      ...calendarIsOn,
      deletedAt: null,
      isAllDay: false,
      startsAt: { lte: new Date(now.getTime() + precreateMinutes * MS_PER_MINUTE) },
      endsAt: { gt: now },
      meetings: { none: { status: 'OPEN' } },
    },
    include: {
      room: { select: { name: true } },
      meetings: {
        where: { status: 'ENDED' },
        select: { startsAt: true, endsAt: true, endedAt: true, endReason: true },
      },
    },
    orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
    take: PRECREATE_BATCH_SIZE,
    ...(after !== undefined && { cursor: { id: after }, skip: 1 }),
  });
}

type Candidate = Awaited<ReturnType<typeof findCandidates>>[number];

/** The candidates that need a meeting, page after page: those already served never starve the rest. */
async function findDueOccurrences(
  deps: ServiceDependencies,
  scope: Prisma.CalendarEventWhereInput,
  now: Date,
): Promise<Candidate[]> {
  const due: Candidate[] = [];
  let after: string | undefined;
  while (due.length < PRECREATE_BATCH_SIZE) {
    const page = await findCandidates(deps, scope, now, after);
    // The query narrows the candidates; needsNewMeeting decides.
    due.push(
      ...page.filter((occurrence) =>
        needsNewMeeting(
          occurrence,
          occurrence.meetings,
          now,
          deps.config.MEETING_PRECREATE_MINUTES,
        ),
      ),
    );
    const last = page.at(-1);
    if (page.length < PRECREATE_BATCH_SIZE || last === undefined) {
      break;
    }
    after = last.id;
  }
  return due;
}

type CreatedMeeting = Meeting & { room: { gracePeriodMinutes: number } };

/**
 * Inserts the room's meetings while its calendar is still on. The calendar's row is share-locked
 * and re-read first: a calendar turned off since the candidates were read makes none, and one
 * being turned off waits for this insert, so its ending (calendar-off.ts) then finds them.
 */
async function createRoomMeetings(
  deps: ServiceDependencies,
  roomId: string,
  occurrences: readonly Candidate[],
  video: VideoPlatform,
): Promise<CreatedMeeting[]> {
  return changeAndAnnounce(
    deps,
    async (transaction, announce) => {
      const on = await transaction.$queryRaw<unknown[]>`
        SELECT 1 FROM "CalendarFeed"
        WHERE "roomId" = ${roomId}::uuid AND "enabled" AND "url" <> '' FOR SHARE`;
      if (on.length === 0) return [];
      // Occurrences another worker is creating meetings for are skipped, not waited for: its
      // insert would hold this one until its commit.
      const claimed = await transaction.$queryRaw<{ id: string }[]>`
        SELECT "id" FROM "CalendarEvent" WHERE "id" = ANY(${occurrences.map(({ id }) => id)}::uuid[])
        FOR NO KEY UPDATE SKIP LOCKED`;
      const claimedIds = new Set(claimed.map(({ id }) => id));
      // ON CONFLICT DO NOTHING on the partial unique index (one OPEN meeting per occurrence):
      // another worker's meeting for the same occurrence makes this row a quiet no-op, never an
      // error that would abort the rest of the batch; RETURNING gives exactly the rows this call
      // inserted, so each creation is announced once.
      const rows = await transaction.meeting.createManyAndReturn({
        data: occurrences
          .filter(({ id }) => claimedIds.has(id))
          .map((occurrence) => ({
            roomId: occurrence.roomId,
            calendarEventId: occurrence.id,
            title: occurrence.title,
            startsAt: occurrence.startsAt,
            endsAt: occurrence.endsAt,
            videoRoomName: video.newVideoRoomName(occurrence.room.name),
          })),
        skipDuplicates: true,
        include: { room: { select: { gracePeriodMinutes: true } } },
      });
      for (const meeting of rows) announce(...meetingEvents('meeting.created', meeting));
      return rows;
    },
    transactionOptions,
  );
}

async function precreate(
  deps: ServiceDependencies,
  scope: Prisma.CalendarEventWhereInput,
): Promise<Meeting[]> {
  const now = deps.now();
  const due = await findDueOccurrences(deps, scope, now);
  if (due.length === 0) {
    return [];
  }
  const video = deps.videoPlatform;
  const byRoom = new Map<string, Candidate[]>();
  for (const occurrence of due) {
    byRoom.set(occurrence.roomId, [...(byRoom.get(occurrence.roomId) ?? []), occurrence]);
  }
  const meetings: Meeting[] = [];
  // One transaction a room: it holds one calendar lock, so it cannot deadlock with another.
  await eachIsolated([...byRoom], async ([roomId, occurrences]) => {
    const created = await createRoomMeetings(deps, roomId, occurrences, video);
    meetings.push(...created.map(({ room: _room, ...meeting }) => meeting));
    await eachIsolated(
      created,
      async ({ room, ...meeting }) => {
        deps.instruments.meetingOpened({
          meetingId: meeting.id,
          roomId: meeting.roomId,
          origin: 'calendar',
        });
        await scheduleMeetingTimers(
          deps.jobs,
          { ...meeting, openSessionCount: 0 },
          room.gracePeriodMinutes,
          now,
        );
      },
      { concurrency: NOTIFY_CONCURRENCY },
    );
  });
  return meetings;
}
