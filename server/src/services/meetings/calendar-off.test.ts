// A room's calendar turned off (issue 13, lifecycle gap 2): no more meetings from it, and its
// meetings nobody has joined end; turned on again, its occurrences get meetings again.
import { expect, it } from 'vitest';
import { topics } from '../../domain/events.js';
import { recordEvents, seedOccurrence, seedRoom } from '../../../test/support/meetings-fixtures.js';
import { describeMeetingServices, at } from '../../../test/support/meetings-context.js';
import { setRoomCalendar } from '../calendar-sync/feed-settings.js';
import { precreateMeetings } from './precreate.js';
import { joinMeeting, leaveMeeting } from './presence.js';

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

  it('changes nothing for a calendar that stays on, or a room without calendar meetings', async () => {
    const { room, unused } = await seedCalendar();
    await setRoomCalendar(context.deps, room.id, { enabled: true, syncIntervalMinutes: 30 });
    expect(await meetingsOf(unused.id)).toMatchObject([{ status: 'OPEN' }]);

    const quiet = await seedRoom(context.prisma);
    await setRoomCalendar(context.deps, quiet.id, { enabled: false });
    expect(await context.prisma.meeting.count({ where: { roomId: quiet.id } })).toBe(0);
  });
});
