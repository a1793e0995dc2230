// Calendar sync across processes (DESIGN §3 "Writing the result" 2, §6): on Redis, two API and
// worker processes share locks, jobs and events; a room is synced by one worker at a time, a run
// once, and simultaneous requests from both processes agree on one run.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { topics } from '../../domain/events.js';
import {
  countersOf,
  eventually,
  readSyncFixture,
  roomFollowing,
  runsSettled,
  syncDependencies,
  testFeedReader,
  SYNC_START as t0,
  FEED_PATH,
} from '../../../test/support/calendar-sync-context.js';
import { databaseEngines, type TestDatabase } from '../../../test/support/database.js';
import { gate, startIcsServer, type IcsServer } from '../../../test/support/ics-server.js';
import { recordEvents, testClock } from '../../../test/support/meetings-fixtures.js';
import { requestCalendarSync } from './request-sync.js';
import { runCalendarSyncs } from './run-sync.js';
import { calendarSyncJobHandlers, scheduleCalendarSyncs } from './schedule.js';
import { engineSetCases } from '../../../test/support/engines.js';

// PostgreSQL where it is configured: there, processes really share it through connections.
const sharedDatabase = databaseEngines().at(-1);

describe.each(engineSetCases())('calendar sync across workers on $engine', (engineCase) => {
  let database: TestDatabase | undefined;
  let server: IcsServer | undefined;
  const feedReader = testFeedReader();

  beforeAll(async () => {
    database = await sharedDatabase?.open();
    server = await startIcsServer();
  });
  afterAll(async () => {
    await feedReader.close();
    await server?.close();
    await database?.drop();
  });
  beforeEach(async () => {
    server?.reset();
    await database?.prisma.user.deleteMany();
  });
  afterEach(async () => {
    await engineCase.cleanup();
  });

  function setUp() {
    if (database === undefined || server === undefined) {
      throw new Error('The suite did not start');
    }
    const { prisma } = database;
    const feeds = server;
    const space = engineCase.space();
    const first = space.open();
    // In process, "another process" can only be the same engines.
    const second = engineCase.sharedAcrossInstances ? space.open() : first;
    const observer = engineCase.sharedAcrossInstances ? space.open() : first;
    const clock = testClock(t0);
    const dependencies = (engines: typeof first) =>
      syncDependencies(prisma, engines, clock.now, [feeds.authority], feedReader).deps;
    const workers = [dependencies(first), dependencies(second)] as const;
    const teamRoom = async () => {
      feeds.serve(FEED_PATH, { kind: 'feed', body: readSyncFixture('team-week.ics') });
      return roomFollowing(prisma, 'team', feeds.url(FEED_PATH), { nextSyncAt: t0 });
    };
    const startWorkers = async () => {
      const distinct = engineCase.sharedAcrossInstances ? workers : [workers[0]];
      for (const deps of distinct) {
        await deps.jobs.work(calendarSyncJobHandlers(deps), { concurrency: 2 });
      }
    };
    return { prisma, feeds, first, observer, workers, teamRoom, startWorkers, space };
  }

  it('runs one sync for simultaneous "sync now" presses in two processes, and publishes it everywhere', async () => {
    const { prisma, feeds, observer, workers, teamRoom, startWorkers } = setUp();
    const room = await teamRoom();
    const events = await recordEvents(observer.events, topics.calendarSync(room.id));
    await startWorkers();

    const runs = await Promise.all(
      Array.from({ length: 30 }, (_, index) =>
        requestCalendarSync(workers[index % 2] ?? workers[0], room.id, 'MANUAL'),
      ),
    );
    await runsSettled(prisma);

    const [run] = runs;
    expect(new Set(runs.map(({ id }) => id))).toEqual(new Set([run?.id]));
    const finished = await prisma.calendarSyncRun.findMany({ where: { roomId: room.id } });
    expect(finished.map(countersOf)).toEqual([
      {
        status: 'SUCCEEDED',
        eventsInFeed: 11,
        eventsMatched: 9,
        created: 9,
        updated: 0,
        removed: 0,
        restored: 0,
        errorCode: null,
      },
    ]);
    expect(feeds.requests(FEED_PATH)).toHaveLength(1);
    // QUEUED, RUNNING, SUCCEEDED.
    const changed = (status: string) => ({
      type: 'sync.run.changed',
      roomId: room.id,
      runId: run?.id,
      status,
    });
    await eventually(() => {
      expect(events).toEqual([changed('QUEUED'), changed('RUNNING'), changed('SUCCEEDED')]);
    });
  });

  it('syncs a run once when two workers are handed it at the same moment', async () => {
    const { prisma, feeds, observer, workers, teamRoom } = setUp();
    const room = await teamRoom();
    const run = await requestCalendarSync(workers[0], room.id, 'MANUAL');
    const download = gate();
    feeds.serve(FEED_PATH, {
      kind: 'slow',
      body: readSyncFixture('team-week.ics'),
      release: download.released,
    });
    const events = await recordEvents(observer.events, topics.calendarSync(room.id));

    const both = [runCalendarSyncs(workers[0], [run.id]), runCalendarSyncs(workers[1], [run.id])];
    await eventually(() => {
      expect(feeds.requests(FEED_PATH)).toHaveLength(1);
    });
    // The worker that did not get the run is done, and did not touch it.
    await Promise.race(both);
    expect(await prisma.calendarSyncRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject(
      { status: 'RUNNING' },
    );
    download.release();
    await Promise.all(both);

    expect(
      countersOf(await prisma.calendarSyncRun.findUniqueOrThrow({ where: { id: run.id } })),
    ).toMatchObject({ status: 'SUCCEEDED', created: 9 });
    expect(feeds.requests(FEED_PATH)).toHaveLength(1);
    // RUNNING and SUCCEEDED, nothing from the other worker.
    await eventually(() => {
      expect(events).toHaveLength(2);
    });
  });

  it('skips a room while a worker in another process holds its lock', async () => {
    const { prisma, feeds, first, workers, teamRoom } = setUp();
    const room = await teamRoom();
    const held = await first.locks.tryAcquire(`calendar-sync:${room.id}`, 60_000);
    const run = await requestCalendarSync(workers[1], room.id, 'MANUAL');

    await runCalendarSyncs(workers[1], [run.id]);

    expect(await prisma.calendarSyncRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject(
      { status: 'SKIPPED', errorMessage: 'Another sync of this room was running' },
    );
    expect(feeds.requests(FEED_PATH)).toEqual([]);
    await held?.release();
  });

  it('queues one run per room and downloads each feed once when two processes schedule at once', async () => {
    const { prisma, feeds, workers, startWorkers } = setUp();
    feeds.serve(FEED_PATH, { kind: 'feed', body: readSyncFixture('team-week.ics') });
    const url = feeds.url(FEED_PATH);
    const rooms = await Promise.all(
      ['team', 'team-sales', 'team-ops'].map((name) =>
        roomFollowing(prisma, name, url, { nextSyncAt: t0 }),
      ),
    );
    await startWorkers();

    await Promise.all(workers.map((deps) => scheduleCalendarSyncs(deps)));
    await runsSettled(prisma);

    for (const room of rooms) {
      const runs = await prisma.calendarSyncRun.findMany({ where: { roomId: room.id } });
      expect(runs.map(({ status }) => status)).toEqual(['SUCCEEDED']);
    }
    expect(feeds.requests(FEED_PATH)).toHaveLength(1);
  });
});
