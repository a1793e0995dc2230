// Rooms that share a feed URL share its work in one job: one download, and one reading per time
// zone, while each room still reads floating times in its own zone and matches only its own URL.
import { describe, expect, it } from 'vitest';
import type { FeedReader } from '../../adapters/feed-reader/index.js';
import {
  countersOf,
  eventRows,
  PUBLIC_BASE_URL,
  roomFollowing,
  useCalendarSync,
} from '../../../test/support/calendar-sync-context.js';
import { databaseEngines } from '../../../test/support/database.js';
import { icsCalendar, icsEvent } from '../../../test/support/ics-builder.js';
import { runCalendarSyncs } from './run-sync.js';
import { findOrCreateActiveRun } from './runs.js';

const t0 = new Date('2026-03-05T12:00:00.000Z');
const FEED_PATH = '/shared.ics';

/** 09:00 on 6 March without a time zone, in `room`. */
function floatingEvent(room: string) {
  return icsEvent(
    `UID:${room}@lobby.test`,
    'DTSTAMP:20260301T080000Z',
    `SUMMARY:Meeting in ${room}`,
    'DTSTART:20260306T090000',
    'DTEND:20260306T093000',
    `LOCATION:${PUBLIC_BASE_URL}/${room}`,
  );
}

describe.each(databaseEngines())('a sync job of rooms sharing a feed on $engine', ({ open }) => {
  const context = useCalendarSync(open, t0);

  it('downloads once, reads once per time zone, and reads each room in its own zone', async () => {
    context.server.serve(FEED_PATH, {
      kind: 'feed',
      body: icsCalendar(
        floatingEvent('tokyo-a'),
        floatingEvent('tokyo-b'),
        floatingEvent('berlin'),
      ),
    });
    const url = context.server.url(FEED_PATH);
    const rooms = [
      await roomFollowing(context.prisma, 'tokyo-a', url, { timezone: 'Asia/Tokyo' }),
      await roomFollowing(context.prisma, 'berlin', url, { timezone: 'Europe/Berlin' }),
      await roomFollowing(context.prisma, 'tokyo-b', url, { timezone: 'Asia/Tokyo' }),
    ];
    const runIds: string[] = [];
    for (const room of rooms) {
      runIds.push((await findOrCreateActiveRun(context.deps, room.id, 'SCHEDULE')).run.id);
    }
    const readZones: string[] = [];
    const feedReader: FeedReader = {
      read(text, options) {
        readZones.push(options.defaultTimezone);
        return context.deps.feedReader.read(text, options);
      },
      close: () => context.deps.feedReader.close(),
    };
    // The clock moves on 6 s at each look, as in a long job: later rooms still share the reading.
    let looks = 0;
    const now = () => new Date(t0.getTime() + looks++ * 6_000);

    await runCalendarSyncs({ ...context.deps, feedReader, now }, runIds);

    expect(context.server.requests(FEED_PATH)).toHaveLength(1);
    expect(readZones.sort()).toEqual(['Asia/Tokyo', 'Europe/Berlin']);
    const runs = await context.prisma.calendarSyncRun.findMany({ where: { id: { in: runIds } } });
    expect(runs.map(countersOf)).toEqual(
      runs.map(() => ({
        status: 'SUCCEEDED',
        eventsInFeed: 3,
        eventsMatched: 1,
        created: 1,
        updated: 0,
        removed: 0,
        restored: 0,
        errorCode: null,
      })),
    );
    const startsOf = async (roomId: string) =>
      (await eventRows(context.prisma, roomId)).map((row) => [row.uid, row.startsAt.toISOString()]);
    const [tokyoA, berlin, tokyoB] = rooms;
    expect(await startsOf(tokyoA?.id ?? '')).toEqual([
      ['tokyo-a@lobby.test', '2026-03-06T00:00:00.000Z'],
    ]);
    expect(await startsOf(tokyoB?.id ?? '')).toEqual([
      ['tokyo-b@lobby.test', '2026-03-06T00:00:00.000Z'],
    ]);
    expect(await startsOf(berlin?.id ?? '')).toEqual([
      ['berlin@lobby.test', '2026-03-06T08:00:00.000Z'],
    ]);
  });
});
