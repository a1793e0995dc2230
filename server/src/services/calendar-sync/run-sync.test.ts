// Syncing a room's calendar over real HTTP into a real database (DESIGN §3): what is stored, what an
// unchanged feed writes (nothing), how changes land, and how failures leave everything as it was.
import { describe, expect, it } from 'vitest';
import { normalizedFeedHash } from '../../domain/calendar/read-feed.js';
import type { CalendarEvent } from '../../generated/prisma/client.js';
import {
  countersOf,
  eventRows,
  feedOf,
  readSyncFixture,
  roomFollowing,
  syncRoom,
  describeCalendarSync,
  SYNC_START as t0,
  FEED_PATH,
} from '../../../test/support/calendar-sync-context.js';
import { icsCalendar } from '../../../test/support/ics-builder.js';
import { minutesAfter } from '../../../test/support/meetings-fixtures.js';
import { setRoomCalendar } from './feed-settings.js';
import { runCalendarSyncs } from './run-sync.js';

const ROOM_URL = 'https://lobby.example.org/team';
const teamWeek = readSyncFixture('team-week.ics');
const teamWeekChanged = readSyncFixture('team-week-changed.ics');
const teamWeekRestored = readSyncFixture('team-week-restored.ics');
const V1_ETAG = '"team-week-1"';
const HOUR_MS = 3_600_000;

/** What a row says, without its identity and stamps. */
function shapeOf(row: CalendarEvent) {
  return {
    uid: row.uid,
    recurrenceId: row.recurrenceId,
    title: row.title,
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt.toISOString(),
    isAllDay: row.isAllDay,
    deleted: row.deletedAt !== null,
  };
}

function timed(uid: string, recurrenceId: string, title: string, startsAt: string, endsAt: string) {
  return { uid, recurrenceId, title, startsAt, endsAt, isAllDay: false, deleted: false };
}

const standup = (day: string, title = 'Standup', start = '', end = '') => {
  const utcHour = Number(day) < 8 ? '14' : '13';
  const original = `2026-03-${day}T${utcHour}:30:00.000Z`;
  return timed(
    'standup@lobby.test',
    original,
    title,
    start === '' ? original : start,
    end === '' ? `2026-03-${day}T${utcHour}:45:00.000Z` : end,
  );
};
const offsite = {
  uid: 'offsite@lobby.test',
  recurrenceId: '',
  title: 'Offsite',
  startsAt: '2026-03-10T00:00:00.000Z',
  endsAt: '2026-03-11T00:00:00.000Z',
  isAllDay: true,
  deleted: false,
};
const planning = timed(
  'location@lobby.test',
  '',
  'Planning',
  '2026-03-06T09:00:00.000Z',
  '2026-03-06T10:00:00.000Z',
);
const designReview = timed(
  'html@lobby.test',
  '',
  'Design review',
  '2026-03-06T15:00:00.000Z',
  '2026-03-06T15:30:00.000Z',
);
const retro = timed(
  'url@lobby.test',
  '',
  'Retro',
  '2026-03-09T16:00:00.000Z',
  '2026-03-09T16:45:00.000Z',
);
const movedStandup = standup(
  '09',
  'Standup (moved)',
  '2026-03-09T15:00:00.000Z',
  '2026-03-09T15:30:00.000Z',
);

/** team-week.ics as a calendar application shows it between t0 − 1 h and t0 + 7 days. */
const teamWeekRows = [
  standup('05'),
  planning,
  standup('06'),
  designReview,
  // 7 March is an EXDATE; on 8 March New York moved to daylight time: 09:30 is now 13:30 UTC.
  standup('08'),
  movedStandup,
  retro,
  offsite,
  // 10 March is cancelled; 12 March starts after the window.
  standup('11'),
];

/** One event at 09:00 on 6 March without a time zone, at `location`. */
function floatingFeed(location: string): string {
  return icsCalendar(
    'BEGIN:VEVENT',
    'UID:floating@lobby.test',
    'DTSTAMP:20260301T080000Z',
    'SUMMARY:Floating',
    'DTSTART:20260306T090000',
    'DTEND:20260306T093000',
    `LOCATION:${location}`,
    'END:VEVENT',
  );
}

function byKey(rows: readonly CalendarEvent[]) {
  return new Map(rows.map((row) => [`${row.uid} ${row.recurrenceId}`, row]));
}

describeCalendarSync('calendar sync runs', (context) => {
  function serveTeamWeek(
    body = teamWeek,
    validators: { etag?: string; lastModified?: string } = { etag: V1_ETAG },
  ) {
    context.server.serve(FEED_PATH, { kind: 'feed', body, ...validators });
  }

  async function followedTeamRoom(syncIntervalMinutes = 15) {
    return roomFollowing(context.prisma, 'team', context.server.url(FEED_PATH), {
      syncIntervalMinutes,
    });
  }

  describe('first sync', () => {
    it('stores exactly the occurrences that point at the room, with exact counters', async () => {
      serveTeamWeek(teamWeek, { etag: V1_ETAG, lastModified: 'Sun, 01 Mar 2026 08:00:00 GMT' });
      const owner = await context.prisma.user.create({ data: { subject: 'first-sync-owner' } });
      const room = await context.prisma.room.create({ data: { name: 'team', ownerId: owner.id } });
      await setRoomCalendar(context.deps, room.id, {
        url: context.server.url(FEED_PATH),
        enabled: true,
        syncIntervalMinutes: 15,
      });
      const queued = await context.prisma.calendarSyncRun.findFirstOrThrow({
        where: { roomId: room.id },
      });
      expect(queued).toMatchObject({ status: 'QUEUED', trigger: 'SETTINGS_CHANGED' });

      await runCalendarSyncs(context.deps, [queued.id]);

      const run = await context.prisma.calendarSyncRun.findUniqueOrThrow({
        where: { id: queued.id },
      });
      expect(countersOf(run)).toEqual({
        status: 'SUCCEEDED',
        eventsInFeed: 11,
        eventsMatched: 9,
        created: 9,
        updated: 0,
        removed: 0,
        restored: 0,
        errorCode: null,
      });
      expect(run).toMatchObject({ startedAt: t0, finishedAt: t0, errorMessage: null });
      const rows = await eventRows(context.prisma, room.id);
      expect(rows.map(shapeOf)).toEqual(teamWeekRows);
      const rowOf = (uid: string) => rows.find((row) => row.uid === uid);
      expect(rowOf('html@lobby.test')?.description).toBe(
        '<p>Join here: <a href="https://lobby.example.org/team/">our room</a></p>',
      );
      expect(rowOf('offsite@lobby.test')).toMatchObject({
        startDate: '2026-03-10',
        endDate: '2026-03-11',
        location: ROOM_URL,
      });
      expect(rowOf('url@lobby.test')?.location).toBeNull();

      const feed = await feedOf(context.prisma, room.id);
      expect(feed).toMatchObject({
        etag: V1_ETAG,
        lastModified: 'Sun, 01 Mar 2026 08:00:00 GMT',
        contentHash: normalizedFeedHash(teamWeek),
        nextSyncAt: minutesAfter(t0, 15),
        consecutiveFailures: 0,
        lastSyncRunId: run.id,
      });
      // Only what can matter is kept for re-reading: the lunch never mentions our host.
      expect(feed.relevantIcs).toContain('UID:standup@lobby.test');
      expect(feed.relevantIcs).not.toContain('UID:other@lobby.test');
      expect(context.eventsChanged).toEqual([room.id]);

      const [request] = context.server.requests(FEED_PATH);
      expect(request?.userAgent).toMatch(/^Lobby\/\S+ .*https:\/\/lobby\.example\.org/);
      expect(request?.accept).toContain('text/calendar');
      expect(request?.ifNoneMatch).toBeUndefined();
    });

    it('reads floating times in the room time zone and matches an http URL with a query', async () => {
      const feed = floatingFeed('Join at http://lobby.example.org/team/?pwd=1#now');
      context.server.serve(FEED_PATH, { kind: 'feed', body: feed });
      const room = await roomFollowing(context.prisma, 'team', context.server.url(FEED_PATH), {
        timezone: 'Asia/Tokyo',
      });

      expect(countersOf(await syncRoom(context.deps, room.id))).toMatchObject({
        status: 'SUCCEEDED',
        created: 1,
      });
      expect((await eventRows(context.prisma, room.id)).map(shapeOf)).toEqual([
        timed(
          'floating@lobby.test',
          '',
          'Floating',
          '2026-03-06T00:00:00.000Z',
          '2026-03-06T00:30:00.000Z',
        ),
      ]);
    });
    it('drops a stray NUL byte instead of failing the sync', async () => {
      const withNul = teamWeek.replace('SUMMARY:Planning', 'SUMMARY:Plan\u0000ning');
      expect(withNul).not.toBe(teamWeek);
      serveTeamWeek(withNul);
      const room = await followedTeamRoom();

      expect(countersOf(await syncRoom(context.deps, room.id))).toMatchObject({
        status: 'SUCCEEDED',
        created: 9,
      });
      expect((await eventRows(context.prisma, room.id)).map(shapeOf)).toEqual(teamWeekRows);
    });
  });

  describe('unchanged feeds', () => {
    it('answers a 304 with UNCHANGED and writes no event row', async () => {
      serveTeamWeek();
      const room = await followedTeamRoom();
      await syncRoom(context.deps, room.id);
      const before = await eventRows(context.prisma, room.id);
      context.clock.set(minutesAfter(t0, 15));

      const run = await syncRoom(context.deps, room.id);

      expect(countersOf(run)).toEqual({
        status: 'UNCHANGED',
        eventsInFeed: 11,
        eventsMatched: 9,
        created: 0,
        updated: 0,
        removed: 0,
        restored: 0,
        errorCode: null,
      });
      expect(
        context.server.requests(FEED_PATH).map(({ ifNoneMatch, status }) => ({
          ifNoneMatch,
          status,
        })),
      ).toEqual([
        { ifNoneMatch: undefined, status: 200 },
        { ifNoneMatch: V1_ETAG, status: 304 },
      ]);
      expect(await eventRows(context.prisma, room.id)).toEqual(before);
      expect(await feedOf(context.prisma, room.id)).toMatchObject({
        etag: V1_ETAG,
        nextSyncAt: minutesAfter(t0, 30),
        lastSyncRunId: run.id,
      });
      expect(context.eventsChanged).toEqual([room.id]);
    });

    it('sends If-Modified-Since when the server gives only Last-Modified', async () => {
      serveTeamWeek(teamWeek, { lastModified: 'Sun, 01 Mar 2026 08:00:00 GMT' });
      const room = await followedTeamRoom();
      await syncRoom(context.deps, room.id);

      expect((await syncRoom(context.deps, room.id)).status).toBe('UNCHANGED');
      expect(context.server.requests(FEED_PATH).at(-1)).toMatchObject({
        ifModifiedSince: 'Sun, 01 Mar 2026 08:00:00 GMT',
        status: 304,
      });
    });

    it('treats a 200 that only restamped DTSTAMP as UNCHANGED and writes no event row', async () => {
      serveTeamWeek();
      const room = await followedTeamRoom();
      await syncRoom(context.deps, room.id);
      const before = await eventRows(context.prisma, room.id);
      const feedBefore = await feedOf(context.prisma, room.id);
      const restamped = teamWeek.replaceAll('DTSTAMP:20260301T080000Z', 'DTSTAMP:20260305T115959Z');
      expect(restamped).not.toBe(teamWeek);
      serveTeamWeek(restamped, { etag: '"team-week-1-restamped"' });
      context.clock.set(minutesAfter(t0, 15));

      const run = await syncRoom(context.deps, room.id);

      expect(countersOf(run)).toEqual({
        status: 'UNCHANGED',
        eventsInFeed: 11,
        eventsMatched: 9,
        created: 0,
        updated: 0,
        removed: 0,
        restored: 0,
        errorCode: null,
      });
      expect(await eventRows(context.prisma, room.id)).toEqual(before);
      expect(await feedOf(context.prisma, room.id)).toMatchObject({
        etag: '"team-week-1-restamped"',
        contentHash: feedBefore.contentHash,
        relevantIcs: feedBefore.relevantIcs,
      });

      // The new validators are kept, so the restamped body is not downloaded again.
      expect((await syncRoom(context.deps, room.id)).status).toBe('UNCHANGED');
      expect(
        context.server.requests(FEED_PATH).map(({ ifNoneMatch, status }) => ({
          ifNoneMatch,
          status,
        })),
      ).toEqual([
        { ifNoneMatch: undefined, status: 200 },
        { ifNoneMatch: V1_ETAG, status: 200 },
        { ifNoneMatch: '"team-week-1-restamped"', status: 304 },
      ]);
      expect(await eventRows(context.prisma, room.id)).toEqual(before);
    });

    it('adds occurrences that enter the window while the feed stays the same', async () => {
      serveTeamWeek();
      const room = await followedTeamRoom();
      await syncRoom(context.deps, room.id);
      const before = await eventRows(context.prisma, room.id);
      context.clock.set(new Date(t0.getTime() + 5 * 24 * HOUR_MS));

      const run = await syncRoom(context.deps, room.id);

      // The window is now 10 March 11:00 to 17 March 12:00: the series' last three days arrive.
      expect(countersOf(run)).toEqual({
        status: 'UNCHANGED',
        eventsInFeed: 11,
        eventsMatched: 5,
        created: 3,
        updated: 0,
        removed: 0,
        restored: 0,
        errorCode: null,
      });
      expect(context.server.requests(FEED_PATH).at(-1)?.status).toBe(304);
      const after = await eventRows(context.prisma, room.id);
      expect(after.map(shapeOf)).toEqual([
        ...teamWeekRows,
        standup('12'),
        standup('13'),
        standup('14'),
      ]);
      // Rows that the window left behind are history: untouched.
      const previous = byKey(before);
      for (const row of after) {
        const old = previous.get(`${row.uid} ${row.recurrenceId}`);
        if (old !== undefined) {
          expect(row).toEqual(old);
        }
      }
      expect(context.eventsChanged).toEqual([room.id, room.id]);
    });
    it('skips reading unchanged bytes until an occurrence enters the window', async () => {
      serveTeamWeek();
      const room = await followedTeamRoom();
      await syncRoom(context.deps, room.id);
      // The window's end reaches the 12 March standup (13:30 UTC) seven days before it starts.
      const stableUntil = new Date('2026-03-05T13:30:00.000Z');
      expect((await feedOf(context.prisma, room.id)).readingStableUntil).toEqual(stableUntil);
      // Proof that nothing is read until then: a stored part that no longer parses goes unnoticed.
      const { relevantIcs } = await feedOf(context.prisma, room.id);
      await context.prisma.calendarFeed.update({
        where: { roomId: room.id },
        data: { relevantIcs: 'BEGIN:VCALENDAR' },
      });
      context.clock.set(new Date(stableUntil.getTime() - 1));

      expect(countersOf(await syncRoom(context.deps, room.id))).toMatchObject({
        status: 'UNCHANGED',
        eventsMatched: 9,
        created: 0,
      });

      await context.prisma.calendarFeed.update({
        where: { roomId: room.id },
        data: { relevantIcs },
      });
      context.clock.set(minutesAfter(stableUntil, 1));

      expect(countersOf(await syncRoom(context.deps, room.id))).toMatchObject({
        status: 'UNCHANGED',
        eventsMatched: 10,
        created: 1,
      });
      expect((await eventRows(context.prisma, room.id)).map(shapeOf)).toContainEqual(standup('12'));
      // Next: the 13 March standup. Occurrences that leave the window meanwhile change no row, and
      // the stored spans count what remains: on 6 March at noon the 5 March standup and the
      // planning meeting have left, and still nothing is read.
      expect((await feedOf(context.prisma, room.id)).readingStableUntil).toEqual(
        new Date('2026-03-06T13:30:00.000Z'),
      );
      await context.prisma.calendarFeed.update({
        where: { roomId: room.id },
        data: { relevantIcs: 'BEGIN:VCALENDAR' },
      });
      context.clock.set(new Date('2026-03-06T12:00:00.000Z'));

      expect(countersOf(await syncRoom(context.deps, room.id))).toMatchObject({
        status: 'UNCHANGED',
        eventsMatched: 8,
        created: 0,
        removed: 0,
      });
    });

    it('reads unchanged bytes again when the room changes its time zone', async () => {
      const feed = floatingFeed(ROOM_URL);
      context.server.serve(FEED_PATH, { kind: 'feed', body: feed, etag: '"floating"' });
      const room = await roomFollowing(context.prisma, 'team', context.server.url(FEED_PATH), {
        timezone: 'Asia/Tokyo',
      });
      await syncRoom(context.deps, room.id);
      await context.prisma.room.update({
        where: { id: room.id },
        data: { timezone: 'Europe/Paris' },
      });

      expect(countersOf(await syncRoom(context.deps, room.id))).toMatchObject({
        status: 'UNCHANGED',
        updated: 1,
      });
      expect(context.server.requests(FEED_PATH).at(-1)?.status).toBe(304);
      expect((await eventRows(context.prisma, room.id)).map(shapeOf)).toEqual([
        timed(
          'floating@lobby.test',
          '',
          'Floating',
          '2026-03-06T08:00:00.000Z',
          '2026-03-06T08:30:00.000Z',
        ),
      ]);
    });
  });

  describe('changed feeds', () => {
    it('updates, soft-deletes, creates and restores exactly what changed', async () => {
      serveTeamWeek();
      const room = await followedTeamRoom();
      await syncRoom(context.deps, room.id);
      const v1 = byKey(await eventRows(context.prisma, room.id));

      const changedAt = minutesAfter(t0, 15);
      context.clock.set(changedAt);
      serveTeamWeek(teamWeekChanged, { etag: '"team-week-2"' });
      const v2Run = await syncRoom(context.deps, room.id);

      expect(countersOf(v2Run)).toEqual({
        status: 'SUCCEEDED',
        eventsInFeed: 13,
        eventsMatched: 8,
        // Onboarding is new; Planning moved, the review was retitled, the 6 March standup moved;
        // the retro left the feed and the 11 March standup was cancelled.
        created: 1,
        updated: 3,
        removed: 2,
        restored: 0,
        errorCode: null,
      });
      const v2Rows = await eventRows(context.prisma, room.id);
      expect(v2Rows.map(shapeOf)).toEqual([
        standup('05'),
        { ...planning, startsAt: '2026-03-06T10:00:00.000Z', endsAt: '2026-03-06T11:00:00.000Z' },
        { ...designReview, title: 'Design review (agenda inside)' },
        standup('06', 'Standup (late)', '2026-03-06T15:00:00.000Z', '2026-03-06T15:15:00.000Z'),
        standup('08'),
        movedStandup,
        { ...retro, deleted: true },
        offsite,
        timed(
          'new@lobby.test',
          '',
          'Onboarding',
          '2026-03-10T10:00:00.000Z',
          '2026-03-10T11:00:00.000Z',
        ),
        { ...standup('11'), deleted: true },
      ]);
      const touched = new Set([
        'location@lobby.test ',
        'html@lobby.test ',
        'url@lobby.test ',
        'standup@lobby.test 2026-03-06T14:30:00.000Z',
        'standup@lobby.test 2026-03-11T13:30:00.000Z',
      ]);
      for (const row of v2Rows) {
        const key = `${row.uid} ${row.recurrenceId}`;
        const old = v1.get(key);
        if (old !== undefined && !touched.has(key)) {
          expect(row).toEqual(old);
        }
        if (row.deletedAt !== null) {
          expect(row.deletedAt).toEqual(changedAt);
        }
      }
      // Same rows, not new ones: the meeting of an occurrence keeps following it.
      expect(v2Rows.find((row) => row.uid === 'location@lobby.test')?.id).toBe(
        v1.get('location@lobby.test ')?.id,
      );

      context.clock.set(minutesAfter(t0, 30));
      serveTeamWeek(teamWeekRestored, { etag: '"team-week-3"' });
      const v3Run = await syncRoom(context.deps, room.id);

      expect(countersOf(v3Run)).toEqual({
        status: 'SUCCEEDED',
        eventsInFeed: 13,
        eventsMatched: 10,
        created: 0,
        updated: 0,
        removed: 0,
        restored: 2,
        errorCode: null,
      });
      const v3Rows = await eventRows(context.prisma, room.id);
      expect(v3Rows.filter((row) => row.deletedAt !== null)).toEqual([]);
      expect(v3Rows.find((row) => row.uid === 'url@lobby.test')?.id).toBe(
        v1.get('url@lobby.test ')?.id,
      );
      expect(context.eventsChanged).toEqual([room.id, room.id, room.id]);
    });

    it('removes only occurrences that have not ended when they leave the feed', async () => {
      serveTeamWeek();
      const room = await followedTeamRoom();
      await syncRoom(context.deps, room.id);
      // 6 March 14:50 UTC: the 14:30 standup ended five minutes ago, the review starts at 15:00.
      const now = new Date('2026-03-06T14:50:00.000Z');
      context.clock.set(now);
      serveTeamWeek(icsCalendar(), { etag: '"empty"' });

      const run = await syncRoom(context.deps, room.id);

      expect(countersOf(run)).toEqual({
        status: 'SUCCEEDED',
        eventsInFeed: 0,
        eventsMatched: 0,
        created: 0,
        updated: 0,
        removed: 6,
        restored: 0,
        errorCode: null,
      });
      const rows = await eventRows(context.prisma, room.id);
      expect(rows.filter((row) => row.deletedAt === null).map(shapeOf)).toEqual([
        standup('05'),
        planning,
        standup('06'),
      ]);
      expect(rows.filter((row) => row.deletedAt !== null).every((row) => row.endsAt > now)).toBe(
        true,
      );
    });
  });
});
