// The hooks and helpers of calendar sync service tests: a database and a feed server per suite; per
// test an empty database, fresh in-process engines, a settable clock and the sync's dependencies.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, vi } from 'vitest';
import { createFeedReader, type FeedReader } from '../../src/adapters/feed-reader/index.js';
import type {
  CalendarEvent,
  CalendarFeed,
  CalendarSyncRun,
  PrismaClient,
  Room,
} from '../../src/generated/prisma/client.js';
import {
  createServiceDependencies,
  type ServiceDependencies,
} from '../../src/services/dependencies.js';
import { unobservedInstruments } from '../../src/services/instruments.js';
import { parseConfig } from '../../src/config.js';
import { runCalendarSyncs } from '../../src/services/calendar-sync/run-sync.js';
import { findOrCreateActiveRun } from '../../src/services/calendar-sync/runs.js';
import { databaseEngines, type TestDatabase } from './database.js';
import { startIcsServer, type IcsServer } from './ics-server.js';
import { type TestClock, testClock } from './meetings-fixtures.js';
import type { LogEntry } from './redis.js';
import { type Engines, inProcessEngines } from './engines.js';

export const PUBLIC_BASE_URL = 'https://lobby.example.org';
/** When the calendar sync suites start: inside the week of the sync fixtures (team-week.ics). */
export const SYNC_START = new Date('2026-03-05T12:00:00.000Z');
/** Where the suites serve the team's feed. */
export const FEED_PATH = '/team.ics';

/** What runCalendarSyncs and the job handlers need. */
export type SyncDependencies = ServiceDependencies;

/** A feed reader for a suite (its threads are reused between tests): generous for a loaded machine. */
export function testFeedReader(): FeedReader {
  return createFeedReader({ timeoutSeconds: 60 });
}

/** Dependencies of one worker; `eventsChanged` lists the rooms whose events a sync changed. */
export function syncDependencies(
  prisma: PrismaClient,
  engines: Omit<Engines, 'close'>,
  now: () => Date,
  allowedHosts: readonly string[],
  feedReader: FeedReader,
): { deps: SyncDependencies; eventsChanged: string[]; logged: LogEntry[] } {
  const eventsChanged: string[] = [];
  const logged: LogEntry[] = [];
  const deps = createServiceDependencies({
    prisma,
    engines,
    feedReader,
    instruments: unobservedInstruments,
    now,
    config: {
      ...parseConfig({}),
      PUBLIC_BASE_URL,
      CALENDAR_LOOKAHEAD_DAYS: 7,
      CALENDAR_FETCH_ALLOWED_HOSTS: [...allowedHosts],
      MEETING_PRECREATE_MINUTES: 10,
      VIDEO_BASE_URL: 'https://video.example.org',
    },
    afterEventsChanged(roomId) {
      eventsChanged.push(roomId);
      return Promise.resolve();
    },
    log(message, error) {
      logged.push({ message, error });
    },
  });
  return { deps, eventsChanged, logged };
}

export type CalendarSyncTestContext = {
  readonly database: TestDatabase;
  readonly prisma: PrismaClient;
  readonly server: IcsServer;
  readonly engines: Engines;
  readonly clock: TestClock;
  readonly deps: SyncDependencies;
  /** Rooms whose events a sync changed, in order. */
  readonly eventsChanged: string[];
  readonly logged: LogEntry[];
};

/**
 * Registers hooks: one database and one feed server (allowed as a fetch target) for the suite; per
 * test, an emptied database, fresh in-process engines and a clock set to `start`.
 */
export function useCalendarSync(
  open: () => Promise<TestDatabase>,
  start: Date,
): CalendarSyncTestContext {
  let suite: { database: TestDatabase; server: IcsServer; feedReader: FeedReader } | undefined;
  let current:
    (ReturnType<typeof syncDependencies> & { engines: Engines; clock: TestClock }) | undefined;
  beforeAll(async () => {
    suite = {
      database: await open(),
      server: await startIcsServer(),
      feedReader: testFeedReader(),
    };
  });
  afterAll(async () => {
    await suite?.feedReader.close();
    await suite?.server.close();
    await suite?.database.drop();
  });
  beforeEach(async () => {
    const { database, server, feedReader } = suiteState();
    server.reset();
    await database.prisma.user.deleteMany();
    const engines = inProcessEngines(() => undefined);
    const clock = testClock(start);
    current = {
      engines,
      clock,
      ...syncDependencies(database.prisma, engines, clock.now, [server.authority], feedReader),
    };
  });
  afterEach(async () => {
    await current?.engines.close();
    current = undefined;
  });
  const suiteState = () => {
    if (suite === undefined) {
      throw new Error('The suite did not start');
    }
    return suite;
  };
  const test = () => {
    if (current === undefined) {
      throw new Error('Only inside a test');
    }
    return current;
  };
  return {
    get database() {
      return suiteState().database;
    },
    get prisma() {
      return suiteState().database.prisma;
    },
    get server() {
      return suiteState().server;
    },
    get engines() {
      return test().engines;
    },
    get clock() {
      return test().clock;
    },
    get deps() {
      return test().deps;
    },
    get eventsChanged() {
      return test().eventsChanged;
    },
    get logged() {
      return test().logged;
    },
  };
}

/** The suite once per database engine, each with its calendar sync context from `start`. */
export function describeCalendarSync(
  title: string,
  suite: (context: CalendarSyncTestContext) => void,
  start: Date = SYNC_START,
): void {
  describe.each(databaseEngines())(`${title} on $engine`, ({ open }) => {
    suite(useCalendarSync(open, start));
  });
}

const syncFixturesDirectory = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../fixtures/sync',
);

/** A file of test/fixtures/sync, e.g. 'team-week.ics'. */
export function readSyncFixture(name: string): string {
  return readFileSync(path.join(syncFixturesDirectory, name), 'utf8');
}

let ownerNumber = 0;

/** A room named `name` following the feed at `url` (due now), without queueing a sync. */
export async function roomFollowing(
  prisma: PrismaClient,
  name: string,
  url: string,
  feed: Partial<Pick<CalendarFeed, 'syncIntervalMinutes' | 'nextSyncAt' | 'enabled'>> & {
    timezone?: string;
  } = {},
): Promise<Room & { calendarFeed: CalendarFeed | null }> {
  ownerNumber += 1;
  const { timezone, ...feedSettings } = feed;
  const owner = await prisma.user.create({ data: { subject: `owner-${String(ownerNumber)}` } });
  return prisma.room.create({
    data: {
      name,
      ownerId: owner.id,
      ...(timezone !== undefined && { timezone }),
      calendarFeed: { create: { url, ...feedSettings } },
    },
    include: { calendarFeed: true },
  });
}

/** Runs one sync of the room as a worker would (its queued run, else a new one); the run after it. */
export async function syncRoom(deps: SyncDependencies, roomId: string): Promise<CalendarSyncRun> {
  const { run } = await findOrCreateActiveRun(deps, roomId, 'SCHEDULE');
  await runCalendarSyncs(deps, [run.id]);
  return deps.prisma.calendarSyncRun.findUniqueOrThrow({ where: { id: run.id } });
}

/** Every event row of the room, live and deleted, in a stable order. */
export function eventRows(prisma: PrismaClient, roomId: string): Promise<CalendarEvent[]> {
  return prisma.calendarEvent.findMany({
    where: { roomId },
    orderBy: [{ startsAt: 'asc' }, { uid: 'asc' }, { recurrenceId: 'asc' }],
  });
}

export function feedOf(prisma: PrismaClient, roomId: string): Promise<CalendarFeed> {
  return prisma.calendarFeed.findUniqueOrThrow({ where: { roomId } });
}

/** The counters of a run, for exact comparison. */
export function countersOf(run: CalendarSyncRun) {
  return {
    status: run.status,
    eventsInFeed: run.eventsInFeed,
    eventsMatched: run.eventsMatched,
    created: run.created,
    updated: run.updated,
    removed: run.removed,
    restored: run.restored,
    errorCode: run.errorCode,
  };
}

/** Generous: a loaded CI machine runs two suites beside Redis and PostgreSQL; this is no timing test. */
const waitOptions = { timeout: 20_000, interval: 20 };

/** Retries an assertion about work that runs in the background until it holds. */
export async function eventually(assertion: () => void): Promise<void> {
  await vi.waitFor(assertion, waitOptions);
}

/** Waits until no run is queued or running any more (workers run them in the background). */
export async function runsSettled(prisma: PrismaClient): Promise<void> {
  await vi.waitFor(async () => {
    expect(
      await prisma.calendarSyncRun.count({ where: { status: { in: ['QUEUED', 'RUNNING'] } } }),
    ).toBe(0);
  }, waitOptions);
}
