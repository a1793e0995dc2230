// Races that the system this replaces lost (DESIGN §8.2): each must be impossible, not unlikely.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics, type DomainEvent } from '../../domain/events.js';
import type { Meeting, Prisma, PrismaClient, Room } from '../../generated/prisma/client.js';
import type { ServiceDependencies } from '../dependencies.js';
import { databaseEngines, type TestDatabase } from '../../../test/support/database.js';
import {
  describeMeetingServices,
  MEETINGS_START as t0,
  at,
} from '../../../test/support/meetings-context.js';
import {
  meetingDependencies,
  recordEvents,
  seedOccurrence,
  seedRoom,
} from '../../../test/support/meetings-fixtures.js';
import { startWorker } from '../../../test/support/meetings-worker-process.js';
import { eventually } from '../../../test/support/redis.js';
import { endDueMeetings, endMeetingIfDue } from './ending.js';
import { MeetingEndedError } from './errors.js';
import { precreateMeetings } from './precreate.js';
import { closeStaleSessions, joinMeeting, leaveMeeting } from './presence.js';
import { reconcileRoomMeetings } from './reconcile.js';
import { startMeeting } from './start.js';
import { engineSetCases } from '../../../test/support/engines.js';

/** Join/end races per engine; PGlite runs one transaction at a time, so fewer tell it as much. */
const RACES = { postgres: 500, pglite: 100 } as const;
/** Races run this many at a time, so that they also contend with each other for connections. */
const RACES_AT_ONCE = 10;
/**
 * A random head start of a few milliseconds, so that either side of a race gets there first (the
 * ending reads before it takes the lock, so the join gets the longer wait).
 */
const jitter = (maxMs: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * maxMs)));

describeMeetingServices('meeting races', (context, engine) => {
  it('creates one meeting for fifty simultaneous "start a meeting" calls', async () => {
    const room = await seedRoom(context.prisma);
    const roomEvents = await recordEvents(context.engines.events, topics.room(room.id));
    const started = await Promise.all(
      Array.from({ length: 50 }, () => startMeeting(context.deps, { roomName: room.name })),
    );
    const [first] = started;
    expect(new Set(started.map(({ id }) => id))).toEqual(new Set([first?.id]));
    expect(await context.prisma.meeting.count({ where: { roomId: room.id } })).toBe(1);
    await Promise.resolve();
    expect(roomEvents).toEqual([
      { type: 'meeting.created', roomId: room.id, meetingId: first?.id },
    ]);
  });

  it('creates exactly one meeting per occurrence however many pre-creations run at once', async () => {
    const rooms = await Promise.all([seedRoom(context.prisma), seedRoom(context.prisma)]);
    const roomIds = rooms.map(({ id }) => id);
    const due = [];
    for (const [index, roomId] of roomIds.entries()) {
      for (let minute = -20; minute < 10; minute += 1) {
        due.push(
          await seedOccurrence(context.prisma, roomId, {
            startsAt: at(minute + index),
            endsAt: at(minute + 30),
          }),
        );
      }
      // Never: too far ahead, already over, all-day, deleted.
      for (const occurrence of [
        { startsAt: at(11), endsAt: at(40) },
        { startsAt: at(-40), endsAt: at(0) },
        { startsAt: at(-60), endsAt: at(1440), isAllDay: true },
        { startsAt: at(0), endsAt: at(30), deletedAt: at(-1) },
      ]) {
        await seedOccurrence(context.prisma, roomId, occurrence);
      }
    }
    const roomEvents = await Promise.all(
      roomIds.map((roomId) => recordEvents(context.engines.events, topics.room(roomId))),
    );

    const runs = await Promise.all([
      ...Array.from({ length: 20 }, () => precreateMeetings(context.deps)),
      ...roomIds.map((roomId) => reconcileRoomMeetings(context.deps, roomId)),
    ]);
    await Promise.resolve();

    const meetings = await context.prisma.meeting.findMany({ where: { roomId: { in: roomIds } } });
    expect(meetings.map(({ calendarEventId }) => calendarEventId).sort()).toEqual(
      due.map(({ id }) => id).sort(),
    );
    // Each run reports and announces only what it inserted itself: every meeting exactly once.
    const reported = runs.flatMap((run) => run ?? []).map(({ id }) => id);
    expect(new Set(reported).size).toBe(reported.length);
    const created = roomEvents
      .flat()
      .map((event) => (event.type === 'meeting.created' ? event.meetingId : event.type));
    expect(created.sort()).toEqual(meetings.map(({ id }) => id).sort());
  });

  it(
    'never lets a join and an ending both succeed, in 500 races on PostgreSQL (100 on PGlite)',
    { timeout: 120_000 },
    async () => {
      const room = await seedRoom(context.prisma, { gracePeriodMinutes: 0 });
      // Half were used and are empty (due to end EMPTY), half never used and past their end.
      const meetings = await context.prisma.meeting.createManyAndReturn({
        data: Array.from({ length: RACES[engine] }, (_, index) => ({
          roomId: room.id,
          startsAt: at(-60),
          endsAt: index % 2 === 0 ? at(30) : at(-1),
          firstJoinedAt: index % 2 === 0 ? at(-50) : null,
          emptySince: index % 2 === 0 ? at(-5) : null,
          videoRoomName: `${room.name}-race-${index}`,
        })),
      });

      const outcomes = { joined: 0, ended: 0 };
      const race = async (meeting: Meeting, index: number) => {
        const join = async () => {
          await jitter(12);
          return joinMeeting(context.deps, {
            meetingId: meeting.id,
            displayName: 'Racer',
            userId: null,
          });
        };
        const end = async () => {
          await jitter(3);
          return endMeetingIfDue(context.deps, meeting.id);
        };
        // Both orders of issuing, so neither side always starts first.
        const [joined, ended] =
          index % 4 < 2
            ? await Promise.allSettled([join(), end()])
            : (await Promise.allSettled([end(), join()])).reverse();
        const sessions = await context.prisma.participantSession.findMany({
          where: { meetingId: meeting.id },
        });
        const after = await context.prisma.meeting.findUniqueOrThrow({ where: { id: meeting.id } });
        if (joined?.status === 'fulfilled') {
          outcomes.joined += 1;
          expect(ended).toEqual({ status: 'fulfilled', value: null });
          expect(after.status).toBe('OPEN');
          expect(sessions).toMatchObject([{ leftAt: null }]);
        } else {
          outcomes.ended += 1;
          expect(joined?.reason).toBeInstanceOf(MeetingEndedError);
          expect(ended).toMatchObject({ status: 'fulfilled', value: { status: 'ENDED' } });
          expect(after.status).toBe('ENDED');
          expect(sessions).toEqual([]);
        }
      };
      for (let start = 0; start < meetings.length; start += RACES_AT_ONCE) {
        await Promise.all(
          meetings
            .slice(start, start + RACES_AT_ONCE)
            .map((meeting, offset) => race(meeting, start + offset)),
        );
      }

      expect(outcomes.joined + outcomes.ended).toBe(RACES[engine]);
      expect(
        await context.prisma.participantSession.count({ where: { meeting: { status: 'ENDED' } } }),
      ).toBe(0);
      console.info(`join/end races on ${engine}:`, outcomes);
    },
  );
});

const WORKERS = 3;
/** Workers loop until told to stop; this bounds them should the test never say so. */
const MAX_PASSES_PER_WORKER = 2000;
const ROOMS = 6;
/** How many pre-created meetings the test's visitors go in and out of while the workers run. */
const VISITED = 120;

/**
 * The multi-worker scenario, every instant relative to t0 (the workers' shared clock), in rooms
 * without a grace period: occurrences that must get exactly one meeting each, occurrences that must
 * get none, and meetings in each state the sweeps decide on.
 */
async function seedWorkerScenario(prisma: PrismaClient) {
  const rooms: Room[] = [];
  const dueOccurrences: string[] = [];
  const ignoredOccurrences: string[] = [];
  const meetings: Record<'elapsed' | 'occupied' | 'emptied' | 'silent', string[]> = {
    elapsed: [],
    occupied: [],
    emptied: [],
    silent: [],
  };
  const seedMeetings = async (
    roomId: string,
    count: number,
    fields: Omit<Prisma.MeetingCreateManyInput, 'roomId' | 'videoRoomName'>,
  ) => {
    const created = await prisma.meeting.createManyAndReturn({
      data: Array.from({ length: count }, () => ({
        ...fields,
        roomId,
        videoRoomName: `${roomId}-${randomUUID()}`,
      })),
    });
    return created.map(({ id }) => id);
  };
  const used = { startsAt: at(-60), firstJoinedAt: at(-50) };
  for (let index = 0; index < ROOMS; index += 1) {
    const room = await seedRoom(prisma, { gracePeriodMinutes: 0 });
    rooms.push(room);
    for (let step = 0; step < 40; step += 1) {
      const startsAt = at(-20 + step * 0.75);
      dueOccurrences.push((await seedOccurrence(prisma, room.id, { startsAt, endsAt: at(30) })).id);
    }
    for (const occurrence of [
      { startsAt: at(11), endsAt: at(40) },
      { startsAt: at(-40), endsAt: at(0) },
      { startsAt: at(-60), endsAt: at(1440), isAllDay: true },
      { startsAt: at(0), endsAt: at(30), deletedAt: at(-1) },
    ]) {
      ignoredOccurrences.push((await seedOccurrence(prisma, room.id, occurrence)).id);
    }
    // Never used and past their end: SCHEDULE_ELAPSED.
    meetings.elapsed.push(
      ...(await seedMeetings(room.id, 15, { startsAt: at(-60), endsAt: at(-1) })),
    );
    // Past their end with someone in them: they stay open.
    meetings.occupied.push(...(await seedMeetings(room.id, 5, { ...used, endsAt: at(-1) })));
    // Used, empty since before the grace period: EMPTY.
    meetings.emptied.push(
      ...(await seedMeetings(room.id, 10, { ...used, endsAt: at(30), emptySince: at(-5) })),
    );
    // Their one participant went silent: the session closes, then EMPTY.
    meetings.silent.push(...(await seedMeetings(room.id, 5, { ...used, endsAt: at(30) })));
  }
  await prisma.participantSession.createMany({
    data: [
      ...meetings.occupied.map((meetingId) => ({ meetingId, displayName: 'Here', lastSeenAt: t0 })),
      ...meetings.silent.map((meetingId) => ({
        meetingId,
        displayName: 'Gone',
        lastSeenAt: at(-2),
      })),
    ],
  });
  return { rooms, dueOccurrences, ignoredOccurrences, meetings };
}

/** What visitors found going in and out of meetings while the workers were ending them. */
type Visits = {
  /** Joined and stayed. */
  stayed: string[];
  /** Left, and found the meeting ENDED on leaving: ended while they were in it. */
  endedUnderThem: string[];
  /** Left, came back, and were let in. */
  rejoined: string[];
  /** Left, came back, and were told it had ended. */
  refused: string[];
};

async function visitMeetings(
  deps: ServiceDependencies,
  meetingIds: readonly string[],
  halfway: () => void,
): Promise<Visits> {
  const visits: Visits = { stayed: [], endedUnderThem: [], rejoined: [], refused: [] };
  const join = (meetingId: string) =>
    joinMeeting(deps, { meetingId, displayName: 'Visitor', userId: null });
  const visit = async (meetingId: string, index: number) => {
    const first = await join(meetingId);
    if (index % 4 === 0) {
      visits.stayed.push(meetingId);
      return;
    }
    const left = await leaveMeeting(deps, { sessionId: first.session.id });
    if (left.status === 'ENDED') {
      visits.endedUnderThem.push(meetingId);
    }
    // Empty now, with no grace period: the workers race this rejoin to end it.
    try {
      await join(meetingId);
      visits.rejoined.push(meetingId);
    } catch (error) {
      if (!(error instanceof MeetingEndedError)) {
        throw error;
      }
      visits.refused.push(meetingId);
    }
  };
  for (let start = 0; start < meetingIds.length; start += RACES_AT_ONCE) {
    if (start === Math.floor(meetingIds.length / RACES_AT_ONCE / 2) * RACES_AT_ONCE) {
      halfway();
    }
    await Promise.all(
      meetingIds.slice(start, start + RACES_AT_ONCE).map((id, offset) => visit(id, start + offset)),
    );
  }
  return visits;
}

const postgresAndRedis = databaseEngines()
  .filter(({ engine }) => engine === 'postgres')
  .flatMap((database) =>
    engineSetCases()
      .filter(({ engine }) => engine === 'redis')
      .map((engines) => ({ open: database.open, engines })),
  );

/** The values that occur more than once. */
const duplicates = (values: readonly (string | null)[]) =>
  values.filter((value, index) => values.indexOf(value) !== index);

describe.each(postgresAndRedis)(
  'three meeting worker processes on postgres and redis',
  ({ open, engines: engineCase }) => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await open();
    });
    afterAll(async () => {
      await engineCase.cleanup();
      await database.drop();
    });

    it(
      'give every due occurrence one open meeting at a time and end none twice or while someone is in it, one of them killed',
      { timeout: 180_000 },
      async () => {
        const { prisma, url } = database;
        const space = engineCase.space();
        const { redis } = space;
        if (url === undefined || redis === undefined) {
          throw new Error('The worker processes need PostgreSQL and Redis URLs');
        }
        const deps = meetingDependencies(prisma, space.open(), () => t0);
        const scenario = await seedWorkerScenario(prisma);
        const listener = space.open();
        const published = await Promise.all(
          scenario.rooms.map(({ id }) => recordEvents(listener.events, topics.room(id))),
        );

        const workers = Array.from({ length: WORKERS }, () =>
          startWorker({
            databaseUrl: url,
            redisUrl: redis.url,
            redisPrefix: redis.prefix,
            now: t0.toISOString(),
            maxPasses: MAX_PASSES_PER_WORKER,
          }),
        );
        const [victim, ...survivors] = workers;
        await Promise.race(workers.map((worker) => worker.reported(1)));
        const visited = await prisma.meeting.findMany({
          where: { calendarEventId: { in: scenario.dueOccurrences } },
          orderBy: { id: 'asc' },
          take: VISITED,
        });
        const visits = await visitMeetings(
          deps,
          visited.map(({ id }) => id),
          () => victim?.kill(),
        );
        for (const survivor of survivors) {
          survivor.stop();
        }
        expect(await Promise.all(workers.map(({ exited }) => exited))).toEqual([
          { code: null, signal: 'SIGKILL' },
          ...survivors.map(() => ({ code: 0, signal: null })),
        ]);

        // A last pass settles what the visits left due after the workers stopped.
        const finalPass = {
          pass: -1,
          createdFor: (await precreateMeetings(deps)).map(({ calendarEventId }) => calendarEventId),
          closedSessions: await closeStaleSessions(deps),
          ended: (await endDueMeetings(deps)).map(({ id }) => id),
        };
        // Pub/sub keeps order: once this arrives, everything the workers published has too.
        await Promise.all(
          scenario.rooms.map(({ id }) =>
            listener.events.publish(topics.room(id), { type: 'room.changed', roomId: id }),
          ),
        );
        await eventually(() => {
          for (const events of published) {
            expect(events.map(({ type }) => type)).toContain('room.changed');
          }
        });

        // Nothing ended twice, by the reports of every process and by the events.
        const reports = [...workers.flatMap(({ reports: each }) => each), finalPass];
        expect(reports.filter((report) => 'error' in report)).toEqual([]);
        expect(
          duplicates(reports.flatMap((report) => ('ended' in report ? report.ended : []))),
        ).toEqual([]);
        const announced = (type: DomainEvent['type']) =>
          published
            .flat()
            .flatMap((event) =>
              event.type === type && 'meetingId' in event ? [event.meetingId] : [],
            );
        expect(duplicates(announced('meeting.created'))).toEqual([]);
        expect(duplicates(announced('meeting.ended'))).toEqual([]);

        // Meetings for due occurrences only, nobody in an ended one; an occurrence has a second
        // meeting only after its first one ended EMPTY before it started (DESIGN: early leavers),
        // and each meeting was reported created exactly once.
        const meetings = await prisma.meeting.findMany({
          include: { sessions: true },
          orderBy: { createdAt: 'asc' },
        });
        const occurrenceMeetings = new Map<string, typeof meetings>();
        for (const meeting of meetings) {
          if (meeting.calendarEventId === null) continue;
          const history = occurrenceMeetings.get(meeting.calendarEventId) ?? [];
          occurrenceMeetings.set(meeting.calendarEventId, [...history, meeting]);
        }
        expect([...occurrenceMeetings.keys()].sort()).toEqual([...scenario.dueOccurrences].sort());
        const occurrences = await prisma.calendarEvent.findMany({
          where: { id: { in: scenario.dueOccurrences } },
        });
        for (const occurrence of occurrences) {
          const history = occurrenceMeetings.get(occurrence.id) ?? [];
          expect(
            history
              .slice(0, -1)
              .filter(
                ({ status, endReason, endedAt }) =>
                  status !== 'ENDED' ||
                  endReason !== 'EMPTY' ||
                  endedAt === null ||
                  endedAt >= occurrence.startsAt,
              ),
          ).toEqual([]);
        }
        const created = reports.flatMap((report) =>
          'createdFor' in report ? report.createdFor : [],
        );
        expect(
          [...occurrenceMeetings].filter(
            ([id, history]) =>
              created.filter((createdFor) => createdFor === id).length !== history.length,
          ),
        ).toEqual([]);
        expect(
          meetings.filter(
            ({ status, sessions }) =>
              status === 'ENDED' && sessions.some(({ leftAt }) => leftAt === null),
          ),
        ).toEqual([]);
        expect(visits.endedUnderThem).toEqual([]);

        const byId = new Map(meetings.map((meeting) => [meeting.id, meeting]));
        const states = (ids: readonly string[]) => [
          ...new Set(ids.map((id) => `${byId.get(id)?.status} ${byId.get(id)?.endReason}`)),
        ];
        const { elapsed, occupied, emptied, silent } = scenario.meetings;
        expect({
          elapsed: states(elapsed),
          occupied: states(occupied),
          emptied: states(emptied),
          silent: states(silent),
          stayed: states(visits.stayed),
          rejoined: states(visits.rejoined),
          refused: states(visits.refused),
        }).toEqual({
          elapsed: ['ENDED SCHEDULE_ELAPSED'],
          occupied: ['OPEN null'],
          emptied: ['ENDED EMPTY'],
          silent: ['ENDED EMPTY'],
          stayed: ['OPEN null'],
          rejoined: visits.rejoined.length === 0 ? [] : ['OPEN null'],
          refused: visits.refused.length === 0 ? [] : ['ENDED EMPTY'],
        });
        expect(visits.stayed.length + visits.rejoined.length + visits.refused.length).toBe(VISITED);
        console.info('three workers, one killed:', {
          rejoined: visits.rejoined.length,
          refused: visits.refused.length,
          passesBeforeKill: victim?.reports.length,
        });
      },
    );
  },
);
