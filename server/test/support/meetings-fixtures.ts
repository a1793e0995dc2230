// Rooms, occurrences and engines for the meeting service tests.
import { randomBytes } from 'node:crypto';
import { parseConfig } from '../../src/config.js';
import { createFeedReader } from '../../src/adapters/feed-reader/index.js';
import type { DomainEvent } from '../../src/domain/events.js';
import type { EventBus } from '../../src/engines/events.js';
import { createInProcessEventBus } from '../../src/engines/events/in-process.js';
import { createRedisEventBus } from '../../src/engines/events/redis.js';
import type { JobQueue } from '../../src/engines/jobs.js';
import { createBullmqJobQueue } from '../../src/engines/jobs/bullmq.js';
import { createInProcessJobQueue } from '../../src/engines/jobs/in-process.js';
import type { Locks } from '../../src/engines/locks.js';
import { createInProcessLocks } from '../../src/engines/locks/in-process.js';
import { createRedisLocks } from '../../src/engines/locks/redis.js';
import type { RateLimits } from '../../src/engines/rate-limits.js';
import { createInProcessRateLimits } from '../../src/engines/rate-limits/in-process.js';
import { createRedisRateLimits } from '../../src/engines/rate-limits/redis.js';
import type { RedisEngineOptions } from '../../src/engines/redis-connection.js';
import type { PrismaClient, Room } from '../../src/generated/prisma/client.js';
import type { ServiceDependencies } from '../../src/services/dependencies.js';
import { unobservedInstruments } from '../../src/services/instruments.js';
import { engineCases, type EngineCase } from './redis.js';

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

export type Engines = {
  events: EventBus;
  jobs: JobQueue;
  locks: Locks;
  rateLimits: RateLimits;
  close(): Promise<void>;
};

type ErrorLog = RedisEngineOptions['log'];

export function inProcessEngines(log: ErrorLog): Engines {
  return withClose({
    events: createInProcessEventBus({ log }),
    jobs: createInProcessJobQueue({ log }),
    locks: createInProcessLocks(),
    rateLimits: createInProcessRateLimits(),
  });
}

/** The engines a worker process opens on Redis. */
export function redisEngines(options: RedisEngineOptions): Engines {
  return withClose({
    events: createRedisEventBus(options),
    jobs: createBullmqJobQueue(options),
    locks: createRedisLocks(options),
    rateLimits: createRedisRateLimits(options),
  });
}

function withClose(engines: Omit<Engines, 'close'>): Engines {
  return {
    ...engines,
    async close() {
      await engines.jobs.close();
      await engines.events.close();
      await engines.locks.close();
      await engines.rateLimits.close();
    },
  };
}

/** In-process engines always, Redis ones too where REDIS_URL is set; keys are cleaned up. */
export function meetingEngineCases(): EngineCase<Engines>[] {
  return engineCases({ inProcess: inProcessEngines, redis: redisEngines });
}

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
  return {
    prisma,
    events: engines.events,
    jobs: engines.jobs,
    locks: engines.locks,
    rateLimits: engines.rateLimits,
    // Meetings never read feeds: a reader that starts no thread until asked.
    feedReader: createFeedReader({ timeoutSeconds: 10 }),
    instruments: unobservedInstruments,
    now,
    config: meetingTestConfig,
  };
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
