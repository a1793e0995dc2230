// Fault: a worker process SIGKILLed in the middle of a sync. Nothing half-written stays (the stored
// events are the last committed ones); once stale the run fails as WORKER_STOPPED, which counts for
// the backoff; and the next worker syncs the feed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestCalendarSync } from '../../src/services/calendar-sync/request-sync.js';
import { scheduleCalendarSyncs } from '../../src/services/calendar-sync/schedule.js';
import type { FeedReader } from '../../src/adapters/feed-reader/index.js';
import type { CalendarSyncRun } from '../../src/generated/prisma/client.js';
import { waitUntil } from '../support/api-client.js';
import { sharedEngineCases } from '../support/api-context.js';
import {
  claimRedisDatabase,
  startWorkerProcess,
  type ClaimedRedis,
  type LobbyProcess,
} from '../support/api-server.js';
import {
  eventRows,
  feedOf,
  PUBLIC_BASE_URL,
  roomFollowing,
  syncDependencies,
  syncRoom,
  testFeedReader,
} from '../support/calendar-sync-context.js';
import type { TestDatabase } from '../support/database.js';
import { icsCalendar, icsEvent } from '../support/ics-builder.js';
import { startIcsServer, type IcsServer } from '../support/ics-server.js';
import { minutesAfter } from '../support/meetings-fixtures.js';
import { type Engines, redisEngines } from '../support/engines.js';

const FEED_PATH = '/killed.ics';
const ROOM_NAME = 'killed';

/** Timed events for the room from tomorrow on, one a day: the worker reads with the real clock. */
function roomFeed(titles: readonly string[]): string {
  const stamp = (date: Date) => date.toISOString().replaceAll(/[-:]|\.\d{3}/g, '');
  const tomorrow = minutesAfter(new Date(), 24 * 60);
  return icsCalendar(
    ...titles.map((title, index) => {
      const startsAt = minutesAfter(tomorrow, index * 24 * 60);
      return icsEvent(
        `UID:${title}@killed.test`,
        `DTSTAMP:${stamp(startsAt)}`,
        `DTSTART:${stamp(startsAt)}`,
        `DTEND:${stamp(minutesAfter(startsAt, 30))}`,
        `SUMMARY:${title}`,
        `LOCATION:${PUBLIC_BASE_URL}/${ROOM_NAME}`,
      );
    }),
  );
}

describe.each(sharedEngineCases())('a worker killed in the middle of a sync', (shared) => {
  let database: TestDatabase;
  let redis: ClaimedRedis;
  let ics: IcsServer;
  let engines: Engines;
  let reader: FeedReader;
  const workers: LobbyProcess[] = [];

  beforeAll(async () => {
    database = await shared.open();
    redis = await claimRedisDatabase(shared.redisUrl);
    ics = await startIcsServer();
    // The worker processes use the default key prefix, so the test's queue is theirs.
    engines = redisEngines({ url: redis.url, log: () => undefined });
    reader = testFeedReader();
  });

  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    await reader.close();
    await engines.close();
    await ics.close();
    await redis.release();
    await database.drop();
  });

  async function startWorker(): Promise<LobbyProcess> {
    if (database.url === undefined) throw new Error('PostgreSQL databases have a URL');
    const worker = await startWorkerProcess(
      { databaseUrl: database.url, redisUrl: redis.url },
      { CALENDAR_FETCH_ALLOWED_HOSTS: ics.authority },
    );
    workers.push(worker);
    return worker;
  }

  async function runFinished(runId: string): Promise<CalendarSyncRun> {
    let run = await database.prisma.calendarSyncRun.findUniqueOrThrow({ where: { id: runId } });
    while (run.status === 'QUEUED' || run.status === 'RUNNING') {
      await new Promise((resolve) => setTimeout(resolve, 100));
      run = await database.prisma.calendarSyncRun.findUniqueOrThrow({ where: { id: runId } });
    }
    return run;
  }

  it('keeps the committed events, fails the run once stale, and the next worker syncs', async () => {
    const { prisma } = database;
    const room = await roomFollowing(prisma, ROOM_NAME, ics.url(FEED_PATH), {
      syncIntervalMinutes: 10,
    });
    const { deps } = syncDependencies(prisma, engines, () => new Date(), [ics.authority], reader);
    ics.serve(FEED_PATH, { kind: 'feed', body: roomFeed(['first']) });
    expect((await syncRoom(deps, room.id)).status).toBe('SUCCEEDED');
    const committed = await eventRows(prisma, room.id);
    expect(committed.map((event) => event.title)).toEqual(['first']);

    // The next body arrives half-way and then stalls: the worker is killed while it waits.
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    ics.serve(FEED_PATH, {
      kind: 'slow',
      body: roomFeed(['first', 'second']),
      release: released,
    });
    const victim = await startWorker();
    const run = await requestCalendarSync(deps, room.id, 'MANUAL');
    await waitUntil('the worker is downloading the feed', () =>
      Promise.resolve(ics.requests(FEED_PATH).some((request) => request.status === null)),
    );
    const killed = new Promise((resolve) => victim.child.once('exit', resolve));
    victim.child.kill('SIGKILL');
    await killed;
    release();

    expect(await prisma.calendarSyncRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject(
      { status: 'RUNNING' },
    );
    expect(await eventRows(prisma, room.id)).toEqual(committed);

    // A scheduler pass once the run is stale (RUNNING for over 5 minutes).
    const later = syncDependencies(
      prisma,
      engines,
      () => minutesAfter(new Date(), 6),
      [ics.authority],
      reader,
    );
    await scheduleCalendarSyncs(later.deps);
    expect(await prisma.calendarSyncRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject(
      { status: 'FAILED', errorCode: 'WORKER_STOPPED' },
    );
    expect(await feedOf(prisma, room.id)).toMatchObject({
      consecutiveFailures: 1,
      pausedReason: null,
    });
    expect(await eventRows(prisma, room.id)).toEqual(committed);

    ics.serve(FEED_PATH, { kind: 'feed', body: roomFeed(['first', 'second']) });
    await startWorker();
    // The killed worker's room lock outlives it by its TTL: until then a sync is skipped, not doubled.
    const syncOnce = async () =>
      runFinished((await requestCalendarSync(deps, room.id, 'SETTINGS_CHANGED')).id);
    let finished = await syncOnce();
    while (finished.status === 'SKIPPED') {
      await new Promise((resolve) => setTimeout(resolve, 500));
      finished = await syncOnce();
    }
    expect(finished.status).toBe('SUCCEEDED');
    const synced = await eventRows(prisma, room.id);
    expect(synced.map((event) => event.title)).toEqual(['first', 'second']);
    expect(await feedOf(prisma, room.id)).toMatchObject({ consecutiveFailures: 0 });
  }, 180_000);
});
