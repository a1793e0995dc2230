// The polling fallback of Daily's webhooks (issue 13), against a fake Daily API on loopback: a
// join or a leave whose webhook never came is caught up, once, and webhooks that come late (or
// came before) change nothing more.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startFakeDailyApi,
  testDailyApiKey,
  type FakeDailyApi,
} from '../../../test/support/daily-api.js';
import { testDailyWebhookSecret } from '../../../test/support/daily-webhooks.js';
import { databaseEngines } from '../../../test/support/database.js';
import { minutesAfter, seedRoom } from '../../../test/support/meetings-fixtures.js';
import { useMeetingServices } from '../../../test/support/meetings-context.js';
import type { ServiceDependencies } from '../dependencies.js';
import { videoPlatformFor } from '../../adapters/video/index.js';
import { endDueMeetings } from './ending.js';
import { applyPlatformEvent } from './platform-presence.js';
import { pollPlatformPresence, PRESENCE_POLL_LAG_MS } from './platform-polling.js';
import { startMeeting } from './start.js';

const t0 = new Date('2026-03-10T12:00:00.000Z');

describe.each(databaseEngines())('presence polled from Daily on $engine', ({ open }) => {
  const context = useMeetingServices(open, t0);
  let daily: FakeDailyApi | undefined;
  beforeAll(async () => {
    daily = await startFakeDailyApi();
  });
  afterAll(async () => {
    await daily?.close();
  });
  const api = () => {
    if (daily === undefined) throw new Error('The fake Daily API did not start');
    return daily;
  };

  /** The test's services, on Daily with its API at the fake. */
  const onDaily = (overrides: Partial<ServiceDependencies['config']> = {}): ServiceDependencies => {
    const config: ServiceDependencies['config'] = {
      ...context.deps.config,
      VIDEO_PLATFORM: 'daily',
      DAILY_WEBHOOK_SECRET: testDailyWebhookSecret,
      DAILY_API_KEY: testDailyApiKey,
      DAILY_API_URL: api().url,
      ...overrides,
    };
    return { ...context.deps, config, videoPlatform: videoPlatformFor(config) };
  };

  async function openMeeting() {
    const room = await seedRoom(context.prisma, { gracePeriodMinutes: 0 });
    return startMeeting(onDaily(), { roomName: room.name });
  }

  const sessionsOf = (meetingId: string) =>
    context.prisma.participantSession.findMany({
      where: { meetingId },
      select: { platformSessionId: true, displayName: true, joinedAt: true, leftAt: true },
    });

  it('opens a session for someone in the call whose joined webhook never came, once', async () => {
    const meeting = await openMeeting();
    const sessionId = randomUUID();
    const joinedAt = minutesAfter(t0, -1);
    api().setRoom(meeting.videoRoomName, [{ sessionId, userName: 'Moishe', joinedAt }]);

    expect(await pollPlatformPresence(onDaily())).toEqual({ joined: 1, left: 0 });
    expect(await sessionsOf(meeting.id)).toEqual([
      { platformSessionId: sessionId, displayName: 'Moishe', joinedAt, leftAt: null },
    ]);

    // Polled again, and the webhook arriving after all: still one open session.
    expect(await pollPlatformPresence(onDaily())).toEqual({ joined: 0, left: 0 });
    const late = await applyPlatformEvent(onDaily(), {
      kind: 'joined',
      eventId: randomUUID(),
      videoRoomName: meeting.videoRoomName,
      platformSessionId: sessionId,
      displayName: 'Moishe',
      occurredAt: joinedAt,
    });
    expect(late).toBe('stale');
    expect(await sessionsOf(meeting.id)).toHaveLength(1);
  });

  it('closes a session whose left webhook never came, once it is settled, and the meeting ends', async () => {
    const meeting = await openMeeting();
    const sessionId = randomUUID();
    const joined = {
      kind: 'joined',
      videoRoomName: meeting.videoRoomName,
      platformSessionId: sessionId,
      displayName: 'Ann',
      occurredAt: t0,
    } as const;
    expect(await applyPlatformEvent(onDaily(), { ...joined, eventId: randomUUID() })).toBe(
      'applied',
    );
    api().setRoom(meeting.videoRoomName, []);

    // Daily's presence lags its webhooks: a fresh join missing from the answer is not a departure.
    expect(await pollPlatformPresence(onDaily())).toEqual({ joined: 0, left: 0 });
    context.clock.set(new Date(t0.getTime() + PRESENCE_POLL_LAG_MS + 1000));
    expect(await pollPlatformPresence(onDaily())).toEqual({ joined: 0, left: 1 });
    expect(await sessionsOf(meeting.id)).toEqual([
      expect.objectContaining({ platformSessionId: sessionId, leftAt: context.clock.now() }),
    ]);
    expect(await pollPlatformPresence(onDaily())).toEqual({ joined: 0, left: 0 });

    // The missed webhooks arriving late change nothing: the joined is older than the left.
    expect(await applyPlatformEvent(onDaily(), { ...joined, eventId: randomUUID() })).toBe('stale');
    const left = await applyPlatformEvent(onDaily(), {
      ...joined,
      kind: 'left',
      eventId: randomUUID(),
      occurredAt: minutesAfter(t0, 0.5),
    });
    expect(left).toBe('stale');
    // Nobody is left and the room has no grace period: the sweep ends the meeting.
    await endDueMeetings(onDaily());
    expect(await context.prisma.meeting.findUniqueOrThrow({ where: { id: meeting.id } })).toEqual(
      expect.objectContaining({ status: 'ENDED', endReason: 'EMPTY' }),
    );
  });

  it('changes nothing when Daily fails to answer, and asks nothing without an API key', async () => {
    const meeting = await openMeeting();
    const sessionId = randomUUID();
    expect(
      await applyPlatformEvent(onDaily(), {
        kind: 'joined',
        eventId: randomUUID(),
        videoRoomName: meeting.videoRoomName,
        platformSessionId: sessionId,
        displayName: 'Ann',
        occurredAt: t0,
      }),
    ).toBe('applied');
    api().failRoom(meeting.videoRoomName, 500);
    context.clock.set(minutesAfter(t0, 10));
    await expect(pollPlatformPresence(onDaily())).rejects.toThrow(AggregateError);
    expect(await sessionsOf(meeting.id)).toEqual([expect.objectContaining({ leftAt: null })]);

    const requestsBefore = api().requestCount();
    const withoutKey = onDaily({ DAILY_API_KEY: undefined });
    expect(await pollPlatformPresence(withoutKey)).toEqual({ joined: 0, left: 0 });
    expect(api().requestCount()).toBe(requestsBefore);
  });
});
