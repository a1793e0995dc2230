// A room's calendar turned off (issue 13, lifecycle gap 2): no more meetings from it, and its
// meetings nobody has joined end; turned on again, its occurrences get meetings again.
import { expect, it } from 'vitest';
import { topics } from '../../domain/events.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import { recordEvents, seedOccurrence, seedRoom } from '../../../test/support/meetings-fixtures.js';
import { describeMeetingServices, at } from '../../../test/support/meetings-context.js';
import { setRoomCalendar } from '../calendar-sync/feed-settings.js';
import { precreateMeetings } from './precreate.js';
import { joinMeeting, leaveMeeting } from './presence.js';

/** A one-time signal: `given` settles once `give` is called. */
function signal(): { given: Promise<void>; give(): void } {
  let resolveGiven: () => void = () => undefined;
  const given = new Promise<void>((resolve) => {
    resolveGiven = resolve;
  });
  return {
    given,
    give() {
      resolveGiven();
    },
  };
}

/** The client, but each read of calendar events waits for `pause` before it answers. */
function pausingEventReads(prisma: PrismaClient, pause: () => Promise<void>): PrismaClient {
  const calendarEvent = new Proxy(prisma.calendarEvent, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property);
      if (property !== 'findMany' || typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const rows: unknown = await value.apply(target, args);
        await pause();
        return rows;
      };
    },
  });
  return new Proxy(prisma, {
    get(target, property) {
      if (property === 'calendarEvent') return calendarEvent;
      const value: unknown = Reflect.get(target, property);
      if (typeof value !== 'function') return value;
      const bound: unknown = value.bind(target);
      return bound;
    },
  });
}
describeMeetingServices('a calendar turned off', (context) => {
  async function seedCalendar() {
    const room = await seedRoom(context.prisma, { gracePeriodMinutes: 15 });
    const unused = await seedOccurrence(context.prisma, room.id, {
      startsAt: at(5),
      endsAt: at(65),
    });
    const occupied = await seedOccurrence(context.prisma, room.id, {
      startsAt: at(0),
      endsAt: at(60),
    });
    const left = await seedOccurrence(context.prisma, room.id, { startsAt: at(0), endsAt: at(60) });
    const later = await seedOccurrence(context.prisma, room.id, {
      startsAt: at(40),
      endsAt: at(100),
    });
    const created = await precreateMeetings(context.deps);
    const meetingOf = (occurrenceId: string) => {
      const meeting = created.find((candidate) => candidate.calendarEventId === occurrenceId);
      if (meeting === undefined) throw new Error(`No meeting for ${occurrenceId}`);
      return meeting;
    };
    const join = (occurrenceId: string) =>
      joinMeeting(context.deps, {
        meetingId: meetingOf(occurrenceId).id,
        displayName: 'Ann',
        userId: null,
      });
    await join(occupied.id);
    const { session } = await join(left.id);
    await leaveMeeting(context.deps, { sessionId: session.id });
    return { room, unused, occupied, left, later, meetingOf };
  }

  const meetingsOf = (calendarEventId: string) =>
    context.prisma.meeting.findMany({ where: { calendarEventId }, orderBy: { createdAt: 'asc' } });

  it('ends the meetings nobody has joined and tells the lobby; used ones stay', async () => {
    const { room, unused, occupied, left, meetingOf } = await seedCalendar();
    const lobbyEvents = await recordEvents(context.engines.events, topics.room(room.id));
    context.clock.set(at(1));

    await setRoomCalendar(context.deps, room.id, { enabled: false });

    expect(await meetingsOf(unused.id)).toMatchObject([
      { status: 'ENDED', endReason: 'CALENDAR_TURNED_OFF', endedAt: at(1) },
    ]);
    expect(await meetingsOf(occupied.id)).toMatchObject([{ status: 'OPEN', endReason: null }]);
    // Used and now empty: the ordinary rules (grace period) decide, not the calendar.
    expect(await meetingsOf(left.id)).toMatchObject([{ status: 'OPEN', endReason: null }]);
    expect(lobbyEvents).toEqual([
      { type: 'meeting.ended', roomId: room.id, meetingId: meetingOf(unused.id).id },
    ]);
  });

  it('makes no meetings while off, and new ones for its occurrences once on again', async () => {
    const { room, unused, later } = await seedCalendar();
    await setRoomCalendar(context.deps, room.id, { enabled: false });

    context.clock.set(at(35));
    expect(await precreateMeetings(context.deps)).toEqual([]);

    await setRoomCalendar(context.deps, room.id, { enabled: true });
    const created = await precreateMeetings(context.deps);
    expect(created.map((meeting) => meeting.calendarEventId).sort()).toEqual(
      [unused.id, later.id].sort(),
    );
    expect(await meetingsOf(unused.id)).toMatchObject([
      { status: 'ENDED', endReason: 'CALENDAR_TURNED_OFF' },
      { status: 'OPEN', endReason: null },
    ]);
    expect(await precreateMeetings(context.deps)).toEqual([]);
  });

  it('leaves no meeting from a pre-creation that read its calendar on while it was turned off', async () => {
    const room = await seedRoom(context.prisma, { gracePeriodMinutes: 15 });
    const occurrence = await seedOccurrence(context.prisma, room.id, {
      startsAt: at(5),
      endsAt: at(65),
    });
    const read = signal();
    const resumed = signal();
    const racing = {
      ...context.deps,
      prisma: pausingEventReads(context.prisma, async () => {
        read.give();
        await resumed.given;
      }),
    };

    // Pre-creation has its candidates (the calendar was on); the calendar goes off, its ending
    // runs and finds nothing to end; then pre-creation goes on to insert.
    const precreation = precreateMeetings(racing);
    await read.given;
    await setRoomCalendar(context.deps, room.id, { enabled: false });
    resumed.give();

    expect(await precreation).toEqual([]);
    expect(await meetingsOf(occurrence.id)).toEqual([]);
  });

  it('changes nothing for a calendar that stays on, or a room without calendar meetings', async () => {
    const { room, unused } = await seedCalendar();
    await setRoomCalendar(context.deps, room.id, { enabled: true, syncIntervalMinutes: 30 });
    expect(await meetingsOf(unused.id)).toMatchObject([{ status: 'OPEN' }]);

    const quiet = await seedRoom(context.prisma);
    await setRoomCalendar(context.deps, quiet.id, { enabled: false });
    expect(await context.prisma.meeting.count({ where: { roomId: quiet.id } })).toBe(0);
  });
});
