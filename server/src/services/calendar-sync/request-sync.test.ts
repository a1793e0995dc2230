// Asking for a sync (DESIGN §3 "Writing the result" 2 and 4): "sync now" ignores the interval, never
// starts a second run while one is queued or running, is rate-limited; saving settings queues a sync.
import { describe, expect, it } from 'vitest';
import {
  countersOf,
  eventually,
  readSyncFixture,
  roomFollowing,
  describeCalendarSync,
  SYNC_START as t0,
  FEED_PATH,
} from '../../../test/support/calendar-sync-context.js';
import { gate } from '../../../test/support/ics-server.js';
import { minutesAfter } from '../../../test/support/meetings-fixtures.js';
import { RateLimitedError, ValidationError } from '../errors.js';
import { setRoomCalendar } from './feed-settings.js';
import { MANUAL_SYNC_COOLDOWN_SECONDS, requestCalendarSync } from './request-sync.js';
import { runCalendarSyncs } from './run-sync.js';

describeCalendarSync('requesting calendar syncs', (context) => {
  async function teamRoom() {
    context.server.serve(FEED_PATH, { kind: 'feed', body: readSyncFixture('team-week.ics') });
    // Synced a minute ago and not due for another hour: a manual sync ignores that.
    return roomFollowing(context.prisma, 'team', context.server.url(FEED_PATH), {
      syncIntervalMinutes: 60,
      nextSyncAt: minutesAfter(t0, 60),
    });
  }

  it('queues a manual sync that runs although the feed is not due', async () => {
    const room = await teamRoom();

    const run = await requestCalendarSync(context.deps, room.id, 'MANUAL');

    expect(run).toMatchObject({ roomId: room.id, trigger: 'MANUAL', status: 'QUEUED' });
    await runCalendarSyncs(context.deps, [run.id]);
    const finished = await context.prisma.calendarSyncRun.findUniqueOrThrow({
      where: { id: run.id },
    });
    expect(countersOf(finished)).toMatchObject({ status: 'SUCCEEDED', created: 9 });
    expect(context.server.requests(FEED_PATH)).toHaveLength(1);
  });

  it('returns the queued run, then the running one, instead of starting another', async () => {
    const room = await teamRoom();
    const queued = await requestCalendarSync(context.deps, room.id, 'MANUAL');

    expect(await requestCalendarSync(context.deps, room.id, 'MANUAL')).toEqual(queued);
    expect(await requestCalendarSync(context.deps, room.id, 'SETTINGS_CHANGED')).toEqual(queued);

    const download = gate();
    context.server.serve(FEED_PATH, {
      kind: 'slow',
      body: readSyncFixture('team-week.ics'),
      release: download.released,
    });
    const running = runCalendarSyncs(context.deps, [queued.id]);
    await eventually(() => {
      expect(context.server.requests(FEED_PATH)).toHaveLength(1);
    });

    const duringRun = await requestCalendarSync(context.deps, room.id, 'MANUAL');
    expect(duringRun).toMatchObject({ id: queued.id, status: 'RUNNING' });
    download.release();
    await running;
    expect(await context.prisma.calendarSyncRun.count({ where: { roomId: room.id } })).toBe(1);
  });

  it('starts one run for many simultaneous requests, and returns it to each', async () => {
    const room = await teamRoom();

    const runs = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        requestCalendarSync(context.deps, room.id, index % 2 === 0 ? 'MANUAL' : 'SETTINGS_CHANGED'),
      ),
    );

    const [first] = runs;
    expect(new Set(runs.map((run) => run.id))).toEqual(new Set([first?.id]));
    expect(await context.prisma.calendarSyncRun.count({ where: { roomId: room.id } })).toBe(1);
  });

  it('refuses a second manual sync within the cooldown, with the seconds to wait', async () => {
    const room = await teamRoom();
    const run = await requestCalendarSync(context.deps, room.id, 'MANUAL');
    await runCalendarSyncs(context.deps, [run.id]);

    const refusal = requestCalendarSync(context.deps, room.id, 'MANUAL');

    await expect(refusal).rejects.toBeInstanceOf(RateLimitedError);
    await expect(refusal).rejects.toMatchObject({
      retryAfterSeconds: MANUAL_SYNC_COOLDOWN_SECONDS,
    });
    expect(await context.prisma.calendarSyncRun.count({ where: { roomId: room.id } })).toBe(1);
    // Saving settings is not rate-limited: it must always take effect.
    const afterSettings = await requestCalendarSync(context.deps, room.id, 'SETTINGS_CHANGED');
    expect(afterSettings).toMatchObject({ trigger: 'SETTINGS_CHANGED', status: 'QUEUED' });
  });

  it('refuses a sync of a room without a feed', async () => {
    const owner = await context.prisma.user.create({ data: { subject: 'no-feed-owner' } });
    const room = await context.prisma.room.create({ data: { name: 'bare', ownerId: owner.id } });

    await expect(requestCalendarSync(context.deps, room.id, 'MANUAL')).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  describe('saving feed settings', () => {
    async function bareRoom() {
      const owner = await context.prisma.user.create({ data: { subject: 'settings-owner' } });
      return context.prisma.room.create({ data: { name: 'team', ownerId: owner.id } });
    }

    it('queues a SETTINGS_CHANGED sync, due at once, and enqueues its job', async () => {
      const room = await bareRoom();
      const handled: unknown[] = [];
      await context.engines.jobs.work(
        {
          'calendar.sync': (data) => {
            handled.push(data);
            return Promise.resolve();
          },
        },
        { concurrency: 1 },
      );

      const feed = await setRoomCalendar(context.deps, room.id, {
        url: 'webcal://calendar.example.com/team.ics',
        enabled: true,
        syncIntervalMinutes: 30,
      });

      expect(feed).toMatchObject({
        url: 'https://calendar.example.com/team.ics',
        syncIntervalMinutes: 30,
        nextSyncAt: t0,
      });
      const run = await context.prisma.calendarSyncRun.findFirstOrThrow({
        where: { roomId: room.id },
      });
      expect(run).toMatchObject({ trigger: 'SETTINGS_CHANGED', status: 'QUEUED' });
      await eventually(() => {
        expect(handled).toHaveLength(1);
      });
      expect(handled).toEqual([{ runIds: [run.id] }]);
    });

    it('forgets what it knew about the previous feed when the URL changes', async () => {
      const room = await teamRoom();
      await context.prisma.calendarFeed.update({
        where: { roomId: room.id },
        data: {
          etag: '"old"',
          lastModified: 'Sun, 01 Mar 2026 08:00:00 GMT',
          contentHash: 'old-hash',
          relevantIcs: 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n',
          consecutiveFailures: 3,
        },
      });

      const kept = await setRoomCalendar(context.deps, room.id, {
        enabled: true,
        syncIntervalMinutes: 15,
      });
      expect(kept).toMatchObject({ etag: '"old"', consecutiveFailures: 3 });

      const moved = await setRoomCalendar(context.deps, room.id, {
        url: context.server.url('/other.ics'),
        enabled: true,
      });
      expect(moved).toMatchObject({
        url: context.server.url('/other.ics'),
        syncIntervalMinutes: 15,
        etag: null,
        lastModified: null,
        contentHash: null,
        relevantIcs: null,
        consecutiveFailures: 0,
      });
    });

    it('queues nothing for a disabled feed, and refuses invalid settings', async () => {
      const room = await bareRoom();

      await setRoomCalendar(context.deps, room.id, {
        url: 'https://calendar.example.com/team.ics',
        enabled: false,
      });
      expect(await context.prisma.calendarSyncRun.count({ where: { roomId: room.id } })).toBe(0);

      await expect(
        setRoomCalendar(context.deps, room.id, { url: 'ftp://example.com/x.ics', enabled: true }),
      ).rejects.toMatchObject({ name: 'ValidationError', field: 'url' });
      await expect(
        setRoomCalendar(context.deps, room.id, { enabled: true, syncIntervalMinutes: 0 }),
      ).rejects.toMatchObject({ name: 'ValidationError', field: 'syncIntervalMinutes' });
      await expect(
        setRoomCalendar(context.deps, room.id, { enabled: true, syncIntervalMinutes: 1441 }),
      ).rejects.toMatchObject({ name: 'ValidationError', field: 'syncIntervalMinutes' });
      expect(await context.prisma.calendarSyncRun.count({ where: { roomId: room.id } })).toBe(0);
    });
  });
});
