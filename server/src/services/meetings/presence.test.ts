// Presence (DESIGN §4.4): sessions, heartbeats, leaving, silent sessions, and refusals.
import { expect, it } from 'vitest';
import { SESSION_TIMEOUT_SECONDS } from '../../domain/meetings/lifecycle.js';
import { topics } from '../../domain/events.js';
import { minutesAfter, recordEvents, seedRoom } from '../../../test/support/meetings-fixtures.js';
import {
  describeMeetingServices,
  MEETINGS_START as t0,
} from '../../../test/support/meetings-context.js';
import { ValidationError } from '../errors.js';
import { endMeetingByManager } from './ending.js';
import { MeetingEndedError, NotFoundError, SessionClosedError } from './errors.js';
import { loadRoomMeetings } from './lobby.js';
import { closeStaleSessions, joinMeeting, leaveMeeting, meetingHeartbeat } from './presence.js';
import { startMeeting } from './start.js';

const secondsAfter = (instant: Date, seconds: number) =>
  new Date(instant.getTime() + seconds * 1000);
const unknownId = '00000000-0000-4000-8000-000000000000';

describeMeetingServices('presence in meetings', (context) => {
  async function adhocMeeting(gracePeriodMinutes = 15) {
    const room = await seedRoom(context.prisma, { gracePeriodMinutes });
    return startMeeting(context.deps, { roomName: room.name });
  }

  const join = (meetingId: string, displayName: string | null = 'Ann') =>
    joinMeeting(context.deps, { meetingId, displayName, userId: null });

  it('counts open sessions as participants, and marks the meeting empty when the last one leaves', async () => {
    const meeting = await adhocMeeting();
    const roomEvents = await recordEvents(context.engines.events, topics.room(meeting.roomId));
    const ann = await join(meeting.id, 'Ann');
    const bob = await join(meeting.id, 'Bob');
    const count = async () =>
      (await loadRoomMeetings(context.prisma, meeting.roomId, context.clock.now())).live[0]
        ?.participantCount;
    expect(await count()).toBe(2);

    context.clock.set(minutesAfter(t0, 5));
    expect(await leaveMeeting(context.deps, { sessionId: ann.session.id })).toMatchObject({
      emptySince: null,
    });
    expect(await count()).toBe(1);
    context.clock.set(minutesAfter(t0, 6));
    expect(await leaveMeeting(context.deps, { sessionId: bob.session.id })).toMatchObject({
      status: 'OPEN',
      emptySince: minutesAfter(t0, 6),
    });
    expect(await count()).toBe(0);

    // Leaving again is harmless and changes nothing.
    context.clock.set(minutesAfter(t0, 7));
    expect(await leaveMeeting(context.deps, { sessionId: bob.session.id })).toMatchObject({
      emptySince: minutesAfter(t0, 6),
    });
    expect(
      await context.prisma.participantSession.findUniqueOrThrow({ where: { id: bob.session.id } }),
    ).toMatchObject({ leftAt: minutesAfter(t0, 6) });
    expect(roomEvents.map(({ type }) => type)).toEqual([
      'presence.changed',
      'presence.changed',
      'presence.changed',
      'presence.changed',
    ]);
  });

  it('keeps a session alive with heartbeats and closes it once silent for the timeout', async () => {
    const meeting = await adhocMeeting();
    const quiet = await join(meeting.id, 'Quiet');
    const chatty = await join(meeting.id, 'Chatty');

    const timeout = SESSION_TIMEOUT_SECONDS;
    context.clock.set(secondsAfter(t0, timeout - 10));
    expect(await meetingHeartbeat(context.deps, { sessionId: chatty.session.id })).toMatchObject({
      id: chatty.session.id,
      lastSeenAt: secondsAfter(t0, timeout - 10),
    });

    context.clock.set(secondsAfter(t0, timeout - 1));
    expect(await closeStaleSessions(context.deps)).toBe(0);
    context.clock.set(secondsAfter(t0, timeout));
    expect(await closeStaleSessions(context.deps)).toBe(1);
    expect(await closeStaleSessions(context.deps)).toBe(0);

    // A closed session is not revived by a late heartbeat.
    await expect(meetingHeartbeat(context.deps, { sessionId: quiet.session.id })).rejects.toThrow(
      SessionClosedError,
    );
    expect(
      await context.prisma.participantSession.findUniqueOrThrow({
        where: { id: quiet.session.id },
      }),
    ).toMatchObject({ leftAt: secondsAfter(t0, timeout), lastSeenAt: t0 });

    context.clock.set(secondsAfter(t0, 2 * timeout - 10));
    expect(await closeStaleSessions(context.deps)).toBe(1);
    expect(
      await context.prisma.meeting.findUniqueOrThrow({ where: { id: meeting.id } }),
    ).toMatchObject({ status: 'OPEN', emptySince: secondsAfter(t0, 2 * timeout - 10) });
  });

  it('refuses an ended meeting with the room’s live meeting, never re-opening it', async () => {
    const meeting = await adhocMeeting();
    await endMeetingByManager(context.deps, meeting.id);
    await expect(join(meeting.id)).rejects.toEqual(new MeetingEndedError(meeting.id, null));

    const room = await context.prisma.room.findUniqueOrThrow({ where: { id: meeting.roomId } });
    const live = await startMeeting(context.deps, { roomName: room.name });
    expect(live.id).not.toBe(meeting.id);
    await expect(join(meeting.id)).rejects.toEqual(new MeetingEndedError(meeting.id, live.id));
    expect(
      await context.prisma.participantSession.count({ where: { meetingId: meeting.id } }),
    ).toBe(0);
    expect(
      await context.prisma.meeting.findUniqueOrThrow({ where: { id: meeting.id } }),
    ).toMatchObject({ status: 'ENDED' });
  });

  it('reports unknown and malformed ids as not found', async () => {
    for (const id of [unknownId, 'not-a-uuid', '']) {
      await expect(join(id)).rejects.toThrow(NotFoundError);
      await expect(meetingHeartbeat(context.deps, { sessionId: id })).rejects.toThrow(
        NotFoundError,
      );
      await expect(leaveMeeting(context.deps, { sessionId: id })).rejects.toThrow(NotFoundError);
      await expect(endMeetingByManager(context.deps, id)).rejects.toThrow(NotFoundError);
    }
    await expect(startMeeting(context.deps, { roomName: 'no-such-room' })).rejects.toThrow(
      NotFoundError,
    );
  });

  it('tidies display names, names the anonymous "Guest" and refuses overlong names', async () => {
    const meeting = await adhocMeeting();
    expect((await join(meeting.id, '  Ann \n  Lee ')).session.displayName).toBe('Ann Lee');
    expect((await join(meeting.id, null)).session.displayName).toBe('Guest');
    expect((await join(meeting.id, '   ')).session.displayName).toBe('Guest');
    await expect(join(meeting.id, 'x'.repeat(81))).rejects.toThrow(ValidationError);
  });

  it('records who joined when they are signed in', async () => {
    const meeting = await adhocMeeting();
    const user = await context.prisma.user.create({ data: { subject: `user-${meeting.id}` } });
    const { session } = await joinMeeting(context.deps, {
      meetingId: meeting.id,
      displayName: 'Ann',
      userId: user.id,
    });
    expect(session.userId).toBe(user.id);
  });
});
