// The repeating pass (DESIGN §3.7 and "Writing the result"): due feeds get one run per room and one
// download per URL; runs left behind by a stopped worker are failed or re-enqueued; old runs pruned.
import { expect, it } from 'vitest';
import {
  countersOf,
  readSyncFixture,
  roomFollowing,
  runsSettled,
  syncRoom,
  describeCalendarSync,
  SYNC_START as t0,
  FEED_PATH,
} from '../../../test/support/calendar-sync-context.js';
import { minutesAfter } from '../../../test/support/meetings-fixtures.js';
import { setRoomCalendar } from './feed-settings.js';
import { runsKeptPerRoom } from './runs.js';
import { calendarSyncJobHandlers, scheduleCalendarSyncs } from './schedule.js';

describeCalendarSync('scheduled calendar syncs', (context) => {
  async function startWorker() {
    await context.engines.jobs.work(calendarSyncJobHandlers(context.deps), { concurrency: 2 });
  }

  async function runsOf(roomId: string) {
    return context.prisma.calendarSyncRun.findMany({
      where: { roomId },
      orderBy: { queuedAt: 'asc' },
    });
  }

  it('downloads a feed once for all the rooms that follow it, and syncs each room', async () => {
    context.server.serve(FEED_PATH, { kind: 'feed', body: readSyncFixture('team-week.ics') });
    const url = context.server.url(FEED_PATH);
    const team = await roomFollowing(context.prisma, 'team', url, { nextSyncAt: t0 });
    const sales = await roomFollowing(context.prisma, 'team-sales', url, {
      nextSyncAt: minutesAfter(t0, -30),
    });
    await startWorker();

    await scheduleCalendarSyncs(context.deps);
    await runsSettled(context.prisma);

    expect(context.server.requests(FEED_PATH)).toHaveLength(1);
    const [teamRun] = await runsOf(team.id);
    const [salesRun] = await runsOf(sales.id);
    expect(teamRun?.trigger).toBe('SCHEDULE');
    expect(teamRun && countersOf(teamRun)).toMatchObject({
      status: 'SUCCEEDED',
      eventsInFeed: 11,
      eventsMatched: 9,
      created: 9,
    });
    // …/team-sales is not …/team, and …/team is not …/team-sales.
    expect(salesRun && countersOf(salesRun)).toMatchObject({
      status: 'SUCCEEDED',
      eventsInFeed: 11,
      eventsMatched: 1,
      created: 1,
    });
    const salesEvents = await context.prisma.calendarEvent.findMany({
      where: { roomId: sales.id },
    });
    expect(salesEvents.map((event) => event.uid)).toEqual(['sales@lobby.test']);
  });

  it('leaves alone feeds that are not due, turned off, or already syncing', async () => {
    context.server.serve(FEED_PATH, { kind: 'feed', body: readSyncFixture('team-week.ics') });
    const url = context.server.url(FEED_PATH);
    const notDue = await roomFollowing(context.prisma, 'later', url, {
      nextSyncAt: minutesAfter(t0, 1),
    });
    const off = await roomFollowing(context.prisma, 'off', url, { nextSyncAt: t0, enabled: false });
    const busy = await roomFollowing(context.prisma, 'busy', url, { nextSyncAt: t0 });
    const queued = await context.prisma.calendarSyncRun.create({
      data: { roomId: busy.id, trigger: 'MANUAL' },
    });

    await Promise.all([scheduleCalendarSyncs(context.deps), scheduleCalendarSyncs(context.deps)]);

    expect(await runsOf(notDue.id)).toEqual([]);
    expect(await runsOf(off.id)).toEqual([]);
    expect(await runsOf(busy.id)).toEqual([queued]);
  });

  it('creates one run per room when several passes run at once', async () => {
    context.server.serve(FEED_PATH, { kind: 'feed', body: readSyncFixture('team-week.ics') });
    const rooms = await Promise.all(
      ['a', 'b', 'c'].map((name) =>
        roomFollowing(context.prisma, `room-${name}`, context.server.url(FEED_PATH), {
          nextSyncAt: t0,
        }),
      ),
    );

    await Promise.all(Array.from({ length: 5 }, () => scheduleCalendarSyncs(context.deps)));

    for (const room of rooms) {
      expect(await runsOf(room.id)).toHaveLength(1);
    }
  });

  async function stoppedRun(roomId: string, startedAt: Date) {
    return context.prisma.calendarSyncRun.create({
      data: { roomId, trigger: 'SCHEDULE', status: 'RUNNING', startedAt },
    });
  }

  it('fails runs whose worker stopped and backs the room off as after any failure', async () => {
    context.server.serve(FEED_PATH, { kind: 'feed', body: readSyncFixture('team-week.ics') });
    const url = context.server.url(FEED_PATH);
    const stale = await roomFollowing(context.prisma, 'stale', url, {
      nextSyncAt: t0,
      syncIntervalMinutes: 10,
    });
    const working = await roomFollowing(context.prisma, 'working', url, { nextSyncAt: t0 });
    const staleRun = await stoppedRun(stale.id, minutesAfter(t0, -6));
    const workingRun = await stoppedRun(working.id, minutesAfter(t0, -1));

    await scheduleCalendarSyncs(context.deps);

    expect(
      await context.prisma.calendarSyncRun.findUniqueOrThrow({ where: { id: staleRun.id } }),
    ).toMatchObject({
      status: 'FAILED',
      errorCode: 'WORKER_STOPPED',
      errorMessage:
        'The worker running this sync stopped before it finished; the next sync will retry',
      finishedAt: t0,
    });
    expect(
      await context.prisma.calendarSyncRun.findUniqueOrThrow({ where: { id: workingRun.id } }),
    ).toEqual(workingRun);
    // A death is a failure: the due room waits one interval instead of being run again at once.
    expect(await runsOf(stale.id)).toHaveLength(1);
    expect(
      await context.prisma.calendarFeed.findUniqueOrThrow({ where: { roomId: stale.id } }),
    ).toMatchObject({
      consecutiveFailures: 1,
      nextSyncAt: minutesAfter(t0, 10),
      pausedReason: null,
    });
    expect(await runsOf(working.id)).toHaveLength(1);
  });

  it('pauses a feed whose syncs stopped their worker three times in a row, until a manager saves it', async () => {
    context.server.serve(FEED_PATH, { kind: 'feed', body: readSyncFixture('team-week.ics') });
    const url = context.server.url(FEED_PATH);
    const room = await roomFollowing(context.prisma, 'heavy', url, { syncIntervalMinutes: 1 });
    const feedOf = () =>
      context.prisma.calendarFeed.findUniqueOrThrow({ where: { roomId: room.id } });
    for (let death = 1; death <= 3; death += 1) {
      await stoppedRun(room.id, minutesAfter(context.clock.now(), -6));
      await scheduleCalendarSyncs(context.deps);
      expect((await feedOf()).pausedReason === null).toBe(death < 3);
      context.clock.set(minutesAfter(context.clock.now(), 60));
    }
    expect((await feedOf()).pausedReason).toMatch(/last 3 syncs .* stopped the worker/);

    // Due long since, yet left alone while paused.
    await scheduleCalendarSyncs(context.deps);
    expect(await runsOf(room.id)).toHaveLength(3);

    await startWorker();
    await setRoomCalendar(context.deps, room.id, { enabled: true });
    await runsSettled(context.prisma);
    expect(await feedOf()).toMatchObject({ pausedReason: null, consecutiveFailures: 0 });
    expect((await runsOf(room.id)).at(-1)).toMatchObject({
      status: 'SUCCEEDED',
      trigger: 'SETTINGS_CHANGED',
    });
  });

  it('does not pause a feed whose worker deaths were not in a row', async () => {
    context.server.serve(FEED_PATH, { kind: 'feed', body: readSyncFixture('team-week.ics') });
    const url = context.server.url(FEED_PATH);
    const room = await roomFollowing(context.prisma, 'flaky', url, { syncIntervalMinutes: 1 });
    await startWorker();
    for (const step of ['stop', 'stop', 'sync', 'stop']) {
      if (step === 'stop') {
        await stoppedRun(room.id, minutesAfter(context.clock.now(), -6));
        await scheduleCalendarSyncs(context.deps);
      } else {
        await syncRoom(context.deps, room.id);
      }
      context.clock.set(minutesAfter(context.clock.now(), 60));
    }

    expect(
      await context.prisma.calendarFeed.findUniqueOrThrow({ where: { roomId: room.id } }),
    ).toMatchObject({ pausedReason: null, consecutiveFailures: 1 });
  });

  it('keeps a committed run committed when its meetings fail to follow, and the next pass retries them', async () => {
    context.server.serve(FEED_PATH, { kind: 'feed', body: readSyncFixture('team-week.ics') });
    const room = await roomFollowing(context.prisma, 'team', context.server.url(FEED_PATH));
    const failingMeetings = {
      ...context.deps,
      afterEventsChanged: () => Promise.reject(new Error('PostgreSQL went away')),
    };

    const run = await syncRoom(failingMeetings, room.id);

    expect(countersOf(run)).toMatchObject({ status: 'SUCCEEDED', created: 9 });
    expect(context.eventsChanged).toEqual([]);
    const feed = await context.prisma.calendarFeed.findUniqueOrThrow({
      where: { roomId: room.id },
    });
    expect(feed).toMatchObject({ meetingsOwedByRunId: run.id, consecutiveFailures: 0 });

    await scheduleCalendarSyncs(context.deps);

    expect(context.eventsChanged).toEqual([room.id]);
    expect(
      await context.prisma.calendarFeed.findUniqueOrThrow({ where: { roomId: room.id } }),
    ).toMatchObject({ meetingsOwedByRunId: null });
    expect(
      await context.prisma.calendarSyncRun.findUniqueOrThrow({ where: { id: run.id } }),
    ).toEqual(run);
    // Settled debts are not paid twice.
    await scheduleCalendarSyncs(context.deps);
    expect(context.eventsChanged).toEqual([room.id]);
  });

  it('enqueues again a queued run whose job was lost, and the worker runs it', async () => {
    context.server.serve(FEED_PATH, { kind: 'feed', body: readSyncFixture('team-week.ics') });
    const room = await roomFollowing(context.prisma, 'team', context.server.url(FEED_PATH), {
      nextSyncAt: minutesAfter(t0, 60),
    });
    const orphan = await context.prisma.calendarSyncRun.create({
      data: { roomId: room.id, trigger: 'MANUAL', queuedAt: minutesAfter(t0, -2) },
    });
    await startWorker();

    await scheduleCalendarSyncs(context.deps);
    await runsSettled(context.prisma);

    const run = await context.prisma.calendarSyncRun.findUniqueOrThrow({
      where: { id: orphan.id },
    });
    expect(countersOf(run)).toMatchObject({ status: 'SUCCEEDED', created: 9 });
    expect(await runsOf(room.id)).toHaveLength(1);
  });

  it(`keeps the newest ${String(runsKeptPerRoom)} runs of a room`, async () => {
    context.server.serve(FEED_PATH, { kind: 'feed', body: readSyncFixture('team-week.ics') });
    const room = await roomFollowing(context.prisma, 'team', context.server.url(FEED_PATH));
    const other = await roomFollowing(context.prisma, 'other', context.server.url(FEED_PATH));
    const old = (count: number, roomId: string) =>
      Array.from({ length: count }, (_, index) => ({
        roomId,
        trigger: 'SCHEDULE' as const,
        status: 'UNCHANGED' as const,
        queuedAt: minutesAfter(t0, -(index + 1) * 5),
      }));
    await context.prisma.calendarSyncRun.createMany({
      data: [...old(60, room.id), ...old(60, other.id)],
    });

    const latest = await syncRoom(context.deps, room.id);

    const kept = await runsOf(room.id);
    expect(kept).toHaveLength(runsKeptPerRoom);
    expect(kept.at(-1)?.id).toBe(latest.id);
    // The oldest kept is the 49th newest of the old ones.
    expect(kept[0]?.queuedAt).toEqual(minutesAfter(t0, -(runsKeptPerRoom - 1) * 5));
    expect(await runsOf(other.id)).toHaveLength(60);
  });

  it('refuses a sync job whose data is not a list of run ids', async () => {
    const handlers = calendarSyncJobHandlers(context.deps);

    await expect(handlers['calendar.sync']?.({ runIds: ['x'] }, { attempt: 1 })).rejects.toThrow();
    await expect(handlers['calendar.sync']?.({}, { attempt: 1 })).rejects.toThrow();
  });
});
