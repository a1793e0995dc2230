// Every state change of a run is published (DESIGN §3 "Writing the result" 3), so a manager's
// screen follows a sync live; a room whose lock another worker holds is skipped, not synced.
import { expect, it } from 'vitest';
import { topics, type DomainEvent } from '../../domain/events.js';
import {
  eventually,
  readSyncFixture,
  roomFollowing,
  syncRoom,
  describeCalendarSync,
  SYNC_START as t0,
  FEED_PATH,
} from '../../../test/support/calendar-sync-context.js';
import { minutesAfter, recordEvents } from '../../../test/support/meetings-fixtures.js';
import { requestCalendarSync } from './request-sync.js';
import { runCalendarSyncs } from './run-sync.js';
import { scheduleCalendarSyncs } from './schedule.js';

describeCalendarSync('calendar sync run events', (context) => {
  async function teamRoom() {
    context.server.serve(FEED_PATH, { kind: 'feed', body: readSyncFixture('team-week.ics') });
    return roomFollowing(context.prisma, 'team', context.server.url(FEED_PATH), {
      nextSyncAt: t0,
    });
  }

  /** The events of the room's topic, once `count` of them arrived. */
  async function received(events: DomainEvent[], count: number) {
    await eventually(() => {
      expect(events).toHaveLength(count);
    });
    return events;
  }

  const changed = (roomId: string, runId: string, status: string) => ({
    type: 'sync.run.changed',
    roomId,
    runId,
    status,
  });

  it('publishes QUEUED, RUNNING and the outcome of each run: SUCCEEDED, UNCHANGED, FAILED', async () => {
    const room = await teamRoom();
    const events = await recordEvents(context.engines.events, topics.calendarSync(room.id));

    const first = await requestCalendarSync(context.deps, room.id, 'MANUAL');
    await runCalendarSyncs(context.deps, [first.id]);
    const unchanged = await syncRoom(context.deps, room.id);
    context.server.serve(FEED_PATH, { kind: 'status', status: 500 });
    const failed = await syncRoom(context.deps, room.id);

    expect([first.status, unchanged.status, failed.status]).toEqual([
      'QUEUED',
      'UNCHANGED',
      'FAILED',
    ]);
    // Creating a run announces it, whoever creates it (a manager, the scheduler, syncRoom).
    expect(await received(events, 9)).toEqual([
      changed(room.id, first.id, 'QUEUED'),
      changed(room.id, first.id, 'RUNNING'),
      changed(room.id, first.id, 'SUCCEEDED'),
      changed(room.id, unchanged.id, 'QUEUED'),
      changed(room.id, unchanged.id, 'RUNNING'),
      changed(room.id, unchanged.id, 'UNCHANGED'),
      changed(room.id, failed.id, 'QUEUED'),
      changed(room.id, failed.id, 'RUNNING'),
      changed(room.id, failed.id, 'FAILED'),
    ]);
  });

  it('publishes a run skipped because the feed was turned off after it was queued', async () => {
    const room = await teamRoom();
    const events = await recordEvents(context.engines.events, topics.calendarSync(room.id));
    const run = await requestCalendarSync(context.deps, room.id, 'MANUAL');
    await context.prisma.calendarFeed.update({
      where: { roomId: room.id },
      data: { enabled: false },
    });

    await runCalendarSyncs(context.deps, [run.id]);

    expect(
      await context.prisma.calendarSyncRun.findUniqueOrThrow({ where: { id: run.id } }),
    ).toMatchObject({ status: 'SKIPPED', finishedAt: t0 });
    expect(await received(events, 2)).toEqual([
      changed(room.id, run.id, 'QUEUED'),
      changed(room.id, run.id, 'SKIPPED'),
    ]);
    expect(context.server.requests()).toEqual([]);
  });

  it('skips, and publishes, a run of a room that another worker is syncing', async () => {
    const room = await teamRoom();
    const events = await recordEvents(context.engines.events, topics.calendarSync(room.id));
    const run = await requestCalendarSync(context.deps, room.id, 'MANUAL');
    const otherWorker = await context.engines.locks.tryAcquire(`calendar-sync:${room.id}`, 60_000);
    expect(otherWorker).toBeDefined();

    await runCalendarSyncs(context.deps, [run.id]);

    expect(
      await context.prisma.calendarSyncRun.findUniqueOrThrow({ where: { id: run.id } }),
    ).toMatchObject({ status: 'SKIPPED', errorMessage: 'Another sync of this room was running' });
    expect(context.server.requests()).toEqual([]);
    expect(await context.prisma.calendarEvent.count({ where: { roomId: room.id } })).toBe(0);
    // QUEUED, RUNNING (claimed), SKIPPED.
    expect(await received(events, 3)).toEqual([
      changed(room.id, run.id, 'QUEUED'),
      changed(room.id, run.id, 'RUNNING'),
      changed(room.id, run.id, 'SKIPPED'),
    ]);

    await otherWorker?.release();
    expect((await syncRoom(context.deps, room.id)).status).toBe('SUCCEEDED');
  });

  it('publishes the failing of a stale run, and the queueing of its successor after the backoff', async () => {
    const room = await teamRoom();
    const stale = await context.prisma.calendarSyncRun.create({
      data: {
        roomId: room.id,
        trigger: 'SCHEDULE',
        status: 'RUNNING',
        startedAt: minutesAfter(t0, -10),
      },
    });
    const events = await recordEvents(context.engines.events, topics.calendarSync(room.id));

    await scheduleCalendarSyncs(context.deps);
    context.clock.set(minutesAfter(t0, 60));
    await scheduleCalendarSyncs(context.deps);

    const successor = await context.prisma.calendarSyncRun.findFirstOrThrow({
      where: { roomId: room.id, status: 'QUEUED' },
    });
    expect(await received(events, 2)).toEqual([
      changed(room.id, stale.id, 'FAILED'),
      changed(room.id, successor.id, 'QUEUED'),
    ]);
  });
});
