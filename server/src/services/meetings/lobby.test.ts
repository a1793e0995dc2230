// The lobby loader and ad-hoc meetings (DESIGN §4.3 and "The lobby list").
import { PrismaPg } from '@prisma/adapter-pg';
import { describe, expect, it } from 'vitest';
import { PrismaClient } from '../../generated/prisma/client.js';
import { databaseEngines } from '../../../test/support/database.js';
import { seedOccurrence, seedRoom } from '../../../test/support/meetings-fixtures.js';
import {
  useMeetingServices,
  describeMeetingServices,
  MEETINGS_START as t0,
  at,
} from '../../../test/support/meetings-context.js';
import { endDueMeetings } from './ending.js';
import { loadRoomMeetings } from './lobby.js';
import { precreateMeetings } from './precreate.js';
import { joinMeeting } from './presence.js';
import { startMeeting } from './start.js';

describeMeetingServices('the lobby of a room', (context) => {
  it('lists started or joined meetings as live, the rest as upcoming, with participant counts', async () => {
    const room = await seedRoom(context.prisma, { gracePeriodMinutes: 0 });
    const occurrences = await Promise.all(
      [
        { startsAt: at(-10), endsAt: at(20) },
        { startsAt: at(5), endsAt: at(35) },
        { startsAt: at(3), endsAt: at(33) },
        { startsAt: at(8), endsAt: at(38) },
        { startsAt: at(-30), endsAt: at(1) },
      ].map((times) => seedOccurrence(context.prisma, room.id, times)),
    );
    await precreateMeetings(context.deps);
    const meetings = await Promise.all(
      occurrences.map(({ id }) =>
        context.prisma.meeting.findFirstOrThrow({ where: { calendarEventId: id } }),
      ),
    );
    const [started, later, soon, joinedEarly, finished] = meetings.map(({ id }) => id);
    for (const meetingId of [started, started, joinedEarly]) {
      await joinMeeting(context.deps, {
        meetingId: meetingId ?? '',
        displayName: 'A',
        userId: null,
      });
    }
    context.clock.set(at(1));
    await endDueMeetings(context.deps);

    const lobby = await loadRoomMeetings(context.prisma, room.id, at(1));
    expect({
      live: lobby.live.map(({ id, participantCount }) => ({ id, participantCount })),
      upcoming: lobby.upcoming.map(({ id, participantCount }) => ({ id, participantCount })),
    }).toEqual({
      live: [
        { id: started, participantCount: 2 },
        { id: joinedEarly, participantCount: 1 },
      ],
      upcoming: [
        { id: soon, participantCount: 0 },
        { id: later, participantCount: 0 },
      ],
    });
    expect(lobby.generatedAt).toEqual(at(1));
    expect(lobby.nextChangeAt).toEqual(at(3));
    expect(meetings.map(({ id }) => id)).toContain(finished);
    expect(lobby.live.concat(lobby.upcoming).map(({ id }) => id)).not.toContain(finished);
  });

  it('starts an ad-hoc meeting of an hour, or returns the live one', async () => {
    const room = await seedRoom(context.prisma);
    const first = await startMeeting(context.deps, { roomName: room.name });
    expect(first).toMatchObject({
      roomId: room.id,
      calendarEventId: null,
      startsAt: t0,
      endsAt: at(60),
      status: 'OPEN',
    });
    expect(first.videoRoomName).toMatch(new RegExp(`^${room.name}-[0-9a-f]{24}$`));
    context.clock.set(at(2));
    expect((await startMeeting(context.deps, { roomName: room.name })).id).toBe(first.id);
  });

  it('starts a new meeting although one is upcoming: only a live meeting is joined instead', async () => {
    const room = await seedRoom(context.prisma);
    await seedOccurrence(context.prisma, room.id, { startsAt: at(5), endsAt: at(65) });
    const [upcoming] = await precreateMeetings(context.deps);
    const started = await startMeeting(context.deps, { roomName: room.name });
    expect(started.id).not.toBe(upcoming?.id);
    expect(started.calendarEventId).toBeNull();
  });
});

describe.each(databaseEngines().filter(({ engine }) => engine === 'postgres'))(
  'the lobby query count on $engine',
  ({ open }) => {
    const context = useMeetingServices(open, t0);

    it('loads a room’s meetings in one SQL query however many there are', async () => {
      const { url } = context.database;
      if (url === undefined) {
        throw new Error('PostgreSQL databases have a URL');
      }
      const statements: string[] = [];
      const counting = new PrismaClient({
        adapter: new PrismaPg({ connectionString: url }),
        log: [{ emit: 'event', level: 'query' }],
      });
      counting.$on('query', ({ query }) => {
        statements.push(query);
      });
      try {
        const small = await seedRoom(context.prisma);
        const large = await seedRoom(context.prisma);
        await startMeeting(context.deps, { roomName: small.name });
        for (let index = 0; index < 20; index += 1) {
          await seedOccurrence(context.prisma, large.id, {
            startsAt: at(index - 10),
            endsAt: at(60),
          });
        }
        await precreateMeetings(context.deps);
        const largeMeetings = await context.prisma.meeting.findMany({
          where: { roomId: large.id },
        });
        for (const meeting of largeMeetings) {
          await joinMeeting(context.deps, {
            meetingId: meeting.id,
            displayName: 'A',
            userId: null,
          });
        }

        const countFor = async (roomId: string) => {
          statements.length = 0;
          const lobby = await loadRoomMeetings(counting, roomId, t0);
          return {
            statements: statements.length,
            meetings: lobby.live.length + lobby.upcoming.length,
          };
        };
        expect(await countFor(small.id)).toEqual({ statements: 1, meetings: 1 });
        expect(await countFor(large.id)).toEqual({ statements: 1, meetings: 20 });
      } finally {
        await counting.$disconnect();
      }
    });
  },
);
