// Rooms, occurrences and engines for the meeting service tests.
import { randomBytes } from 'node:crypto';
import { parseConfig } from '../../src/config.js';
import { createFeedReader } from '../../src/adapters/feed-reader/index.js';
import type { DomainEvent } from '../../src/domain/events.js';
import type { EventBus } from '../../src/engines/events.js';
import type { Engines } from '../../src/engines/open-engines.js';
import type { PrismaClient, Room } from '../../src/generated/prisma/client.js';
import {
  createServiceDependencies,
  type ServiceDependencies,
} from '../../src/services/dependencies.js';
import { unobservedInstruments } from '../../src/services/instruments.js';

export const MS_PER_MINUTE = 60_000;

/** The defaults (quotas and rate limits included), with the test's public and video URLs. */
export const meetingTestConfig: ServiceDependencies['config'] = {
  ...parseConfig({}),
  PUBLIC_BASE_URL: 'https://lobby.example.org',
  CALENDAR_LOOKAHEAD_DAYS: 7,
  CALENDAR_FETCH_ALLOWED_HOSTS: [],
  MEETING_PRECREATE_MINUTES: 10,
  VIDEO_BASE_URL: 'https://video.example.org',
};

export const minutesAfter = (instant: Date, minutes: number) =>
  new Date(instant.getTime() + minutes * MS_PER_MINUTE);

/** A settable clock: tests move time instead of waiting for it. */
export type TestClock = { now: () => Date; set(instant: Date): void };

export function testClock(start: Date): TestClock {
  let current = start;
  return {
    now: () => current,
    set(instant) {
      current = instant;
    },
  };
}

export function meetingDependencies(
  prisma: PrismaClient,
  engines: Engines,
  now: () => Date,
): ServiceDependencies {
  return createServiceDependencies({
    prisma,
    engines,
    // Meetings never read feeds: a reader that starts no thread until asked.
    feedReader: createFeedReader({ timeoutSeconds: 10 }),
    instruments: unobservedInstruments,
    now,
    config: meetingTestConfig,
    log: () => undefined,
  });
}

let roomNumber = 0;

export async function seedRoom(
  prisma: PrismaClient,
  settings: { gracePeriodMinutes?: number } = {},
): Promise<Room> {
  roomNumber += 1;
  const suffix = `${roomNumber}-${randomBytes(3).toString('hex')}`;
  const owner = await prisma.user.create({ data: { subject: `owner-${suffix}` } });
  // Occurrences come from a calendar, and only a calendar that is on makes meetings.
  return prisma.room.create({
    data: {
      name: `room-${suffix}`,
      ownerId: owner.id,
      ...settings,
      calendarFeed: { create: { url: `https://calendar.example.org/${suffix}.ics` } },
    },
  });
}

let uidNumber = 0;

export async function seedOccurrence(
  prisma: PrismaClient,
  roomId: string,
  occurrence: {
    startsAt: Date;
    endsAt: Date;
    title?: string;
    isAllDay?: boolean;
    deletedAt?: Date | null;
  },
) {
  uidNumber += 1;
  return prisma.calendarEvent.create({
    data: {
      roomId,
      uid: `event-${uidNumber}@example.org`,
      contentHash: `hash-${uidNumber}`,
      title: occurrence.title ?? `Occurrence ${uidNumber}`,
      ...occurrence,
    },
  });
}

/** A room with the given grace period and one occurrence in its calendar. */
export async function seedRoomWithOccurrence(
  prisma: PrismaClient,
  gracePeriodMinutes: number,
  occurrence: { startsAt: Date; endsAt: Date },
) {
  const room = await seedRoom(prisma, { gracePeriodMinutes });
  const event = await seedOccurrence(prisma, room.id, occurrence);
  return { room, event };
}

/** Every event published on `topic` from now on, in order. */
export async function recordEvents(events: EventBus, topic: string): Promise<DomainEvent[]> {
  const received: DomainEvent[] = [];
  await events.subscribe(topic, (event) => {
    received.push(event);
  });
  return received;
}
