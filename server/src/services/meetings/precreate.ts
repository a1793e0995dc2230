// Pre-creation (DESIGN §4.1): each timed occurrence about to start gets exactly one meeting.
import { videoPlatformFor } from '../../adapters/video/index.js';
import { shouldPrecreate } from '../../domain/meetings/lifecycle.js';
import type { Meeting, Prisma } from '../../generated/prisma/client.js';
import type { ServiceDependencies } from '../dependencies.js';
import { eachIsolated } from './each-isolated.js';
import { publishMeetingEvent } from './meeting-events.js';
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

async function precreate(
  deps: ServiceDependencies,
  scope: Prisma.CalendarEventWhereInput,
): Promise<Meeting[]> {
  const now = deps.now();
  const precreateMinutes = deps.config.MEETING_PRECREATE_MINUTES;
  // The query narrows the candidates; shouldPrecreate decides.
  const occurrences = await deps.prisma.calendarEvent.findMany({
    where: {
      ...scope,
      deletedAt: null,
      isAllDay: false,
      startsAt: { lte: new Date(now.getTime() + precreateMinutes * MS_PER_MINUTE) },
      endsAt: { gt: now },
      meeting: { is: null },
    },
    include: { room: { select: { name: true, gracePeriodMinutes: true } } },
    orderBy: { startsAt: 'asc' },
    take: PRECREATE_BATCH_SIZE,
  });
  const due = occurrences.filter((occurrence) =>
    shouldPrecreate(occurrence, now, precreateMinutes),
  );
  if (due.length === 0) {
    return [];
  }
  const video = videoPlatformFor(deps.config);
  // ON CONFLICT DO NOTHING on the unique calendarEventId: another worker's meeting for the same
  // occurrence makes this row a quiet no-op, never an error that would abort the rest of the
  // batch; RETURNING gives exactly the rows this call inserted, so each creation is announced once.
  const created = await deps.prisma.meeting.createManyAndReturn({
    data: due.map((occurrence) => ({
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
  const meetings = created.map(({ room: _room, ...meeting }) => meeting);
  await eachIsolated(
    created,
    async ({ room, ...meeting }) => {
      await publishMeetingEvent(deps.events, 'meeting.created', meeting);
      await scheduleMeetingTimers(
        deps.jobs,
        { ...meeting, openSessionCount: 0 },
        room.gracePeriodMinutes,
        now,
      );
    },
    { concurrency: NOTIFY_CONCURRENCY },
  );
  return meetings;
}
