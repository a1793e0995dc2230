// The life of calendar meetings, end to end through the services (DESIGN §4.1, 4.2, 4.5).
import { expect, it } from 'vitest';
import { topics } from '../../domain/events.js';
import {
  recordEvents,
  seedOccurrence,
  seedRoom,
  seedRoomWithOccurrence,
} from '../../../test/support/meetings-fixtures.js';
import { describeMeetingServices, at } from '../../../test/support/meetings-context.js';
import { endDueMeetings, endMeetingByManager } from './ending.js';
import { MeetingEndedError } from './errors.js';
import { loadRoomMeetings } from './lobby.js';
import { precreateMeetings } from './precreate.js';
import { joinMeeting, leaveMeeting, meetingHeartbeat } from './presence.js';
import { reconcileRoomMeetings } from './reconcile.js';
import { startMeeting } from './start.js';

const justBefore = (instant: Date) => new Date(instant.getTime() - 1);

describeMeetingServices('the life of a calendar meeting', (context) => {
  const roomWithOccurrence = (
    gracePeriodMinutes: number,
    occurrence: { startsAt: Date; endsAt: Date },
  ) => seedRoomWithOccurrence(context.prisma, gracePeriodMinutes, occurrence);

  async function meetingOf(calendarEventId: string) {
    return context.prisma.meeting.findFirstOrThrow({
      where: { calendarEventId },
      orderBy: { createdAt: 'desc' },
    });
  }

  it('appears, is pre-created once, joined, left, and ends EMPTY once the grace period is over', async () => {
    const { room, event } = await roomWithOccurrence(5, { startsAt: at(20), endsAt: at(80) });
    const roomEvents = await recordEvents(context.engines.events, topics.room(room.id));

    context.clock.set(at(9));
    expect(await precreateMeetings(context.deps)).toEqual([]);

    context.clock.set(at(10));
    const [created, ...others] = await precreateMeetings(context.deps);
    expect(others).toEqual([]);
    expect(created).toMatchObject({
      roomId: room.id,
      calendarEventId: event.id,
      title: event.title,
      startsAt: at(20),
      endsAt: at(80),
      status: 'OPEN',
    });
    expect(await precreateMeetings(context.deps)).toEqual([]);
    const meeting = await meetingOf(event.id);
    expect((await loadRoomMeetings(context.prisma, room.id, at(10))).upcoming).toMatchObject([
      { id: meeting.id, participantCount: 0 },
    ]);

    context.clock.set(at(15));
    const joined = await joinMeeting(context.deps, {
      meetingId: meeting.id,
      displayName: 'Ann',
      userId: null,
    });
    expect(joined.joinUrl).toBe(
      `https://video.example.org/${meeting.videoRoomName}#userInfo.displayName=%22Ann%22`,
    );
    expect(joined.meeting).toMatchObject({ firstJoinedAt: at(15), emptySince: null });
    // Joined before its start: live already.
    expect(await loadRoomMeetings(context.prisma, room.id, at(15))).toMatchObject({
      live: [{ id: meeting.id, participantCount: 1 }],
      upcoming: [],
    });

    context.clock.set(at(30));
    const left = await leaveMeeting(context.deps, { sessionId: joined.session.id });
    expect(left).toMatchObject({ status: 'OPEN', emptySince: at(30) });

    context.clock.set(justBefore(at(35)));
    expect(await endDueMeetings(context.deps)).toEqual([]);
    context.clock.set(at(35));
    expect(await endDueMeetings(context.deps)).toMatchObject([
      { id: meeting.id, status: 'ENDED', endReason: 'EMPTY', endedAt: at(35) },
    ]);
    expect(await endDueMeetings(context.deps)).toEqual([]);
    expect(await loadRoomMeetings(context.prisma, room.id, at(35))).toMatchObject({
      live: [],
      upcoming: [],
    });

    await expect(
      joinMeeting(context.deps, { meetingId: meeting.id, displayName: 'Bob', userId: null }),
    ).rejects.toEqual(new MeetingEndedError(meeting.id, null));
    expect(roomEvents.map(({ type }) => type)).toEqual([
      'meeting.created',
      'presence.changed',
      'presence.changed',
      'meeting.ended',
    ]);
  });

  it('stays open when someone rejoins inside the grace period, and counts the grace from the last leave', async () => {
    const { event } = await roomWithOccurrence(5, { startsAt: at(0), endsAt: at(60) });
    await precreateMeetings(context.deps);
    const meeting = await meetingOf(event.id);
    const join = () =>
      joinMeeting(context.deps, { meetingId: meeting.id, displayName: 'Ann', userId: null });

    const first = await join();
    context.clock.set(at(10));
    await leaveMeeting(context.deps, { sessionId: first.session.id });
    context.clock.set(at(13));
    const again = await join();
    expect(again.meeting.emptySince).toBeNull();

    context.clock.set(at(16));
    expect(await endDueMeetings(context.deps)).toEqual([]);
    context.clock.set(at(20));
    await leaveMeeting(context.deps, { sessionId: again.session.id });
    context.clock.set(at(24));
    expect(await endDueMeetings(context.deps)).toEqual([]);
    context.clock.set(at(25));
    expect(await endDueMeetings(context.deps)).toMatchObject([
      { id: meeting.id, endReason: 'EMPTY', endedAt: at(25) },
    ]);
  });

  it('ends a meeting nobody used at its scheduled end, and keeps one with people in it open past it', async () => {
    const room = await seedRoom(context.prisma);
    const unused = await seedOccurrence(context.prisma, room.id, {
      startsAt: at(0),
      endsAt: at(30),
    });
    const used = await seedOccurrence(context.prisma, room.id, {
      startsAt: at(0),
      endsAt: at(30),
    });
    await precreateMeetings(context.deps);
    const busy = await meetingOf(used.id);
    const { session } = await joinMeeting(context.deps, {
      meetingId: busy.id,
      displayName: 'Ann',
      userId: null,
    });

    context.clock.set(justBefore(at(30)));
    expect(await endDueMeetings(context.deps)).toEqual([]);
    context.clock.set(at(30));
    expect(await endDueMeetings(context.deps)).toMatchObject([
      { calendarEventId: unused.id, endReason: 'SCHEDULE_ELAPSED', endedAt: at(30) },
    ]);
    for (const minute of [31, 45, 90]) {
      context.clock.set(at(minute));
      await meetingHeartbeat(context.deps, { sessionId: session.id });
      expect(await endDueMeetings(context.deps)).toEqual([]);
    }
    expect(await meetingOf(used.id)).toMatchObject({ status: 'OPEN' });
  });

  it('ends the meeting of an occurrence cancelled before anyone joined, and only that one', async () => {
    const room = await seedRoom(context.prisma);
    const untouched = await seedOccurrence(context.prisma, room.id, {
      startsAt: at(5),
      endsAt: at(65),
    });
    const joined = await seedOccurrence(context.prisma, room.id, {
      startsAt: at(5),
      endsAt: at(65),
    });
    await precreateMeetings(context.deps);
    await joinMeeting(context.deps, {
      meetingId: (await meetingOf(joined.id)).id,
      displayName: 'Ann',
      userId: null,
    });
    const roomEvents = await recordEvents(context.engines.events, topics.room(room.id));

    context.clock.set(at(1));
    await context.prisma.calendarEvent.updateMany({
      where: { roomId: room.id },
      data: { deletedAt: at(1) },
    });
    await reconcileRoomMeetings(context.deps, room.id);

    expect(await meetingOf(untouched.id)).toMatchObject({
      status: 'ENDED',
      endReason: 'CANCELLED_IN_CALENDAR',
      endedAt: at(1),
    });
    expect(await meetingOf(joined.id)).toMatchObject({ status: 'OPEN', endReason: null });
    expect(roomEvents).toEqual([
      { type: 'meeting.ended', roomId: room.id, meetingId: (await meetingOf(untouched.id)).id },
    ]);
    // Reconciling again changes nothing.
    await reconcileRoomMeetings(context.deps, room.id);
    expect(roomEvents).toHaveLength(1);
  });

  it('follows an occurrence that moved or was retitled, and pre-creates the ones that now qualify', async () => {
    const room = await seedRoom(context.prisma);
    const moving = await seedOccurrence(context.prisma, room.id, {
      startsAt: at(5),
      endsAt: at(35),
      title: 'Planning',
    });
    const later = await seedOccurrence(context.prisma, room.id, {
      startsAt: at(40),
      endsAt: at(70),
    });
    await precreateMeetings(context.deps);
    const meeting = await meetingOf(moving.id);
    const meetingEvents = await recordEvents(context.engines.events, topics.meeting(meeting.id));

    await context.prisma.calendarEvent.update({
      where: { id: moving.id },
      data: { startsAt: at(7), endsAt: at(50), title: 'Planning (moved)' },
    });
    await context.prisma.calendarEvent.update({
      where: { id: later.id },
      data: { startsAt: at(8) },
    });
    await reconcileRoomMeetings(context.deps, room.id);

    expect(await meetingOf(moving.id)).toMatchObject({
      id: meeting.id,
      title: 'Planning (moved)',
      startsAt: at(7),
      endsAt: at(50),
      status: 'OPEN',
    });
    expect(await meetingOf(later.id)).toMatchObject({ startsAt: at(8), status: 'OPEN' });
    expect(meetingEvents).toEqual([
      { type: 'meeting.changed', roomId: room.id, meetingId: meeting.id },
    ]);
  });

  it('leaves an ended meeting as history when its occurrence changes afterwards', async () => {
    const { room, event } = await roomWithOccurrence(0, { startsAt: at(0), endsAt: at(30) });
    await precreateMeetings(context.deps);
    context.clock.set(at(30));
    await endDueMeetings(context.deps);
    const ended = await meetingOf(event.id);

    await context.prisma.calendarEvent.update({
      where: { id: event.id },
      data: { startsAt: at(40), endsAt: at(90), title: 'Rescheduled' },
    });
    await reconcileRoomMeetings(context.deps, room.id);
    expect(await context.prisma.meeting.findUniqueOrThrow({ where: { id: ended.id } })).toEqual(
      ended,
    );
    // The rescheduled occurrence gets a meeting of its own (see occurrence-meetings.test.ts).
    expect(await meetingOf(event.id)).toMatchObject({ status: 'OPEN', title: 'Rescheduled' });
  });

  it('lets a manager end a meeting at once, closing the sessions of those still in it', async () => {
    const { room, event } = await roomWithOccurrence(15, { startsAt: at(0), endsAt: at(60) });
    await precreateMeetings(context.deps);
    const meeting = await meetingOf(event.id);
    const sessions = await Promise.all(
      ['Ann', 'Bob'].map((displayName) =>
        joinMeeting(context.deps, { meetingId: meeting.id, displayName, userId: null }),
      ),
    );
    const meetingEvents = await recordEvents(context.engines.events, topics.meeting(meeting.id));

    context.clock.set(at(12));
    expect(await endMeetingByManager(context.deps, meeting.id)).toMatchObject({
      status: 'ENDED',
      endReason: 'ENDED_BY_MANAGER',
      endedAt: at(12),
    });
    expect(
      await context.prisma.participantSession.findMany({ where: { meetingId: meeting.id } }),
    ).toMatchObject([{ leftAt: at(12) }, { leftAt: at(12) }]);
    // Again: nothing changes, nothing is announced twice.
    context.clock.set(at(13));
    expect(await endMeetingByManager(context.deps, meeting.id)).toMatchObject({
      endedAt: at(12),
    });
    expect(meetingEvents.map(({ type }) => type)).toEqual(['meeting.ended']);

    // Those who were in it are told so, and offered the room's live meeting.
    const next = await startMeeting(context.deps, { roomName: room.name });
    const [ann] = sessions;
    await expect(
      meetingHeartbeat(context.deps, { sessionId: ann?.session.id ?? '' }),
    ).rejects.toEqual(new MeetingEndedError(meeting.id, next.id));
  });
});
