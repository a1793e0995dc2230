// Exact timers and sweeps run by a job worker (DESIGN §4.5): in process, and on Redis with BullMQ.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { topics } from '../../domain/events.js';
import type { ServiceDependencies } from '../dependencies.js';
import { databaseEngines, type TestDatabase } from '../../../test/support/database.js';
import {
  meetingDependencies,
  minutesAfter,
  recordEvents,
  seedOccurrence,
  seedRoom,
} from '../../../test/support/meetings-fixtures.js';
import { eventually, type LogEntry } from '../../../test/support/redis.js';
import { meetingJobHandlers, scheduleMeetingSweeps } from './jobs.js';
import { precreateMeetings } from './precreate.js';
import { joinMeeting, leaveMeeting } from './presence.js';
import { startMeeting } from './start.js';
import { type Engines, engineSetCases } from '../../../test/support/engines.js';

const [pglite] = databaseEngines();
/** Jobs change rows asynchronously: poll the database for a while. */
const databasePolling = { timeout: 5_000, interval: 20 };

describe.each(engineSetCases())('meeting timers and sweeps on $engine', (engineCase) => {
  let database: TestDatabase;
  let engines: Engines;
  let logged: LogEntry[];
  let deps: ServiceDependencies;

  beforeAll(async () => {
    if (pglite === undefined) {
      throw new Error('PGlite is always available');
    }
    database = await pglite.open();
  });
  afterAll(async () => {
    await database.drop();
  });
  beforeEach(async () => {
    const space = engineCase.space();
    engines = space.open();
    logged = space.logged;
    deps = meetingDependencies(database.prisma, engines, () => new Date());
    await engines.jobs.work(meetingJobHandlers(deps), { concurrency: 4 });
  });
  afterEach(async () => {
    await engineCase.cleanup();
    expect(logged).toEqual([]);
  });

  it('announces that a meeting started when its start time arrives, although no row changed', async () => {
    const room = await seedRoom(database.prisma);
    const startsAt = new Date(Date.now() + 300);
    await seedOccurrence(database.prisma, room.id, {
      startsAt,
      endsAt: minutesAfter(startsAt, 30),
    });
    const roomEvents = await recordEvents(engines.events, topics.room(room.id));
    const [meeting] = await precreateMeetings(deps);
    const started = { type: 'meeting.started', roomId: room.id, meetingId: meeting?.id };
    await eventually(() => {
      expect(roomEvents).toEqual([
        { type: 'meeting.created', roomId: room.id, meetingId: meeting?.id },
        started,
      ]);
    });
  });

  it('ends a meeting as soon as its grace period is over, without waiting for a sweep', async () => {
    const room = await seedRoom(database.prisma, { gracePeriodMinutes: 0 });
    const meeting = await startMeeting(deps, { roomName: room.name });
    const meetingEvents = await recordEvents(engines.events, topics.meeting(meeting.id));
    const { session } = await joinMeeting(deps, {
      meetingId: meeting.id,
      displayName: 'Ann',
      userId: null,
    });
    await leaveMeeting(deps, { sessionId: session.id });
    await vi.waitFor(async () => {
      expect(
        await database.prisma.meeting.findUniqueOrThrow({ where: { id: meeting.id } }),
      ).toMatchObject({ status: 'ENDED', endReason: 'EMPTY' });
    }, databasePolling);
    await eventually(() => {
      expect(meetingEvents.map(({ type }) => type)).toContain('meeting.ended');
    });
  });

  it('runs pre-creation, the silent-session sweep and the ending on their schedules', async () => {
    const room = await seedRoom(database.prisma, { gracePeriodMinutes: 0 });
    const now = new Date();
    const occurrence = await seedOccurrence(database.prisma, room.id, {
      startsAt: minutesAfter(now, -1),
      endsAt: minutesAfter(now, 30),
    });
    const silent = await database.prisma.meeting.create({
      data: {
        roomId: room.id,
        startsAt: minutesAfter(now, -30),
        endsAt: minutesAfter(now, 30),
        firstJoinedAt: minutesAfter(now, -30),
        videoRoomName: `${room.name}-silent`,
        sessions: {
          create: {
            displayName: 'Gone',
            joinedAt: minutesAfter(now, -30),
            lastSeenAt: minutesAfter(now, -2),
          },
        },
      },
    });

    await scheduleMeetingSweeps(engines.jobs, null);
    await vi.waitFor(async () => {
      expect(
        await database.prisma.meeting.count({ where: { calendarEventId: occurrence.id } }),
      ).toBe(1);
    }, databasePolling);
    await vi.waitFor(async () => {
      expect(
        await database.prisma.meeting.findUniqueOrThrow({ where: { id: silent.id } }),
      ).toMatchObject({ status: 'ENDED', endReason: 'EMPTY' });
    }, databasePolling);
    expect(
      await database.prisma.participantSession.count({
        where: { meetingId: silent.id, leftAt: null },
      }),
    ).toBe(0);
  });
});
