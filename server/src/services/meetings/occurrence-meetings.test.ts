// An occurrence's meetings over time: many ended, at most one open (issue 13, lifecycle gap 1).
import { expect, it } from 'vitest';
import {
  seedOccurrence,
  seedRoom,
  seedRoomWithOccurrence,
} from '../../../test/support/meetings-fixtures.js';
import { describeMeetingServices, at } from '../../../test/support/meetings-context.js';
import { endDueMeetings, endMeetingByManager } from './ending.js';
import { precreateMeetings } from './precreate.js';
import { joinMeeting, leaveMeeting } from './presence.js';
import { reconcileRoomMeetings } from './reconcile.js';

describeMeetingServices("an occurrence's meetings", (context) => {
  const roomWithOccurrence = (
    gracePeriodMinutes: number,
    occurrence: { startsAt: Date; endsAt: Date },
  ) => seedRoomWithOccurrence(context.prisma, gracePeriodMinutes, occurrence);

  function meetingsOf(calendarEventId: string) {
    return context.prisma.meeting.findMany({
      where: { calendarEventId },
      orderBy: { createdAt: 'asc' },
    });
  }

  it('gets a new meeting after its unused one elapsed and it was rescheduled', async () => {
    const { room, event } = await roomWithOccurrence(15, { startsAt: at(0), endsAt: at(30) });
    await precreateMeetings(context.deps);
    context.clock.set(at(30));
    expect(await endDueMeetings(context.deps)).toMatchObject([{ endReason: 'SCHEDULE_ELAPSED' }]);

    await context.prisma.calendarEvent.update({
      where: { id: event.id },
      data: { startsAt: at(35), endsAt: at(65) },
    });
    await reconcileRoomMeetings(context.deps, room.id);
    expect(await meetingsOf(event.id)).toMatchObject([
      { status: 'ENDED', startsAt: at(0), endsAt: at(30) },
      { status: 'OPEN', startsAt: at(35), endsAt: at(65) },
    ]);
    // Exactly one: another run finds the occurrence served.
    expect(await precreateMeetings(context.deps)).toEqual([]);
  });

  it('gets a new meeting when a cancelled occurrence is restored', async () => {
    const { room, event } = await roomWithOccurrence(15, { startsAt: at(5), endsAt: at(65) });
    await precreateMeetings(context.deps);
    await context.prisma.calendarEvent.update({
      where: { id: event.id },
      data: { deletedAt: at(0) },
    });
    await reconcileRoomMeetings(context.deps, room.id);
    expect(await meetingsOf(event.id)).toMatchObject([
      { status: 'ENDED', endReason: 'CANCELLED_IN_CALENDAR' },
    ]);

    context.clock.set(at(2));
    await context.prisma.calendarEvent.update({
      where: { id: event.id },
      data: { deletedAt: null },
    });
    await reconcileRoomMeetings(context.deps, room.id);
    const [cancelled, restored, ...others] = await meetingsOf(event.id);
    expect(others).toEqual([]);
    expect(cancelled).toMatchObject({ status: 'ENDED', endReason: 'CANCELLED_IN_CALENDAR' });
    expect(restored).toMatchObject({ status: 'OPEN', startsAt: at(5), endsAt: at(65) });
    expect(restored?.videoRoomName).not.toBe(cancelled?.videoRoomName);
  });

  it('gets a new meeting when someone joined early and left before the start', async () => {
    const { event } = await roomWithOccurrence(5, { startsAt: at(30), endsAt: at(90) });
    context.clock.set(at(20));
    const [early] = await precreateMeetings(context.deps);
    const { session } = await joinMeeting(context.deps, {
      meetingId: early?.id ?? '',
      displayName: 'Ann',
      userId: null,
    });
    context.clock.set(at(21));
    await leaveMeeting(context.deps, { sessionId: session.id });
    context.clock.set(at(26));
    expect(await endDueMeetings(context.deps)).toMatchObject([
      { id: early?.id, endReason: 'EMPTY', endedAt: at(26) },
    ]);

    expect(await precreateMeetings(context.deps)).toMatchObject([
      { calendarEventId: event.id, status: 'OPEN', startsAt: at(30), firstJoinedAt: null },
    ]);
    expect(await precreateMeetings(context.deps)).toEqual([]);
  });

  it('gets no second meeting once its meeting was used after the start or ended by a manager', async () => {
    const room = await seedRoom(context.prisma, { gracePeriodMinutes: 5 });
    const used = await seedOccurrence(context.prisma, room.id, { startsAt: at(0), endsAt: at(60) });
    const stopped = await seedOccurrence(context.prisma, room.id, {
      startsAt: at(5),
      endsAt: at(60),
    });
    const created = await precreateMeetings(context.deps);
    const usedMeeting = created.find((meeting) => meeting.calendarEventId === used.id);
    const stoppedMeeting = created.find((meeting) => meeting.calendarEventId === stopped.id);
    const { session } = await joinMeeting(context.deps, {
      meetingId: usedMeeting?.id ?? '',
      displayName: 'Ann',
      userId: null,
    });
    await endMeetingByManager(context.deps, stoppedMeeting?.id ?? '');
    context.clock.set(at(10));
    await leaveMeeting(context.deps, { sessionId: session.id });
    context.clock.set(at(15));
    expect(await endDueMeetings(context.deps)).toMatchObject([{ endReason: 'EMPTY' }]);

    await reconcileRoomMeetings(context.deps, room.id);
    expect(await precreateMeetings(context.deps)).toEqual([]);
    expect(await context.prisma.meeting.count({ where: { roomId: room.id } })).toBe(2);
  });

  it('never has two open meetings, even when two workers race', async () => {
    const { event } = await roomWithOccurrence(15, { startsAt: at(0), endsAt: at(30) });
    const results = await Promise.all([
      precreateMeetings(context.deps),
      precreateMeetings(context.deps),
      precreateMeetings(context.deps),
    ]);
    expect(results.flat()).toHaveLength(1);
    expect(await meetingsOf(event.id)).toMatchObject([{ status: 'OPEN' }]);
  });
});
