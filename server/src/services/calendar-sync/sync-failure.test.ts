// A sync that fails, over real HTTP into a real database (DESIGN §3): each failure is typed, changes
// nothing stored but the failure bookkeeping, and backs the feed off.
import { describe, expect, it } from 'vitest';
import { createFeedReader } from '../../adapters/feed-reader/index.js';
import { HOST_NOT_ALLOWED_MESSAGE } from '../../adapters/safe-fetch/index.js';
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
import { largeFeed, pathologicalRecurrenceFeed } from '../../../test/support/ics-builder.js';
import { startIcsServer, type FeedResponse } from '../../../test/support/ics-server.js';
import { minutesAfter } from '../../../test/support/meetings-fixtures.js';

const teamWeek = readSyncFixture('team-week.ics');
const teamWeekChanged = readSyncFixture('team-week-changed.ics');
const V1_ETAG = '"team-week-1"';

describeCalendarSync('calendar sync failures', (context) => {
  function serveTeamWeek() {
    context.server.serve(FEED_PATH, { kind: 'feed', body: teamWeek, etag: V1_ETAG });
  }

  async function followedTeamRoom(syncIntervalMinutes = 15) {
    return roomFollowing(context.prisma, 'team', context.server.url(FEED_PATH), {
      syncIntervalMinutes,
    });
  }

  describe('failures', () => {
    const ONE_DAY_S = 86_400;
    const htmlLogin =
      '<!DOCTYPE html><html><head><title>Sign in</title></head><body></body></html>';
    const failures: {
      name: string;
      response: (redirectTarget: string) => FeedResponse;
      errorCode: string;
      message: RegExp;
      nextSyncAfterMs?: number;
    }[] = [
      {
        name: 'a 500',
        response: () => ({ kind: 'status', status: 500 }),
        errorCode: 'HTTP_STATUS',
        message: /500 Internal Server Error/,
      },
      {
        name: 'a 404',
        response: () => ({ kind: 'status', status: 404 }),
        errorCode: 'HTTP_STATUS',
        message: /404 Not Found/,
      },
      {
        name: 'a 429 with Retry-After',
        response: () => ({ kind: 'status', status: 429, retryAfter: String(ONE_DAY_S) }),
        errorCode: 'HTTP_STATUS',
        message: /429 Too Many Requests and asked to retry in 86400 seconds/,
        nextSyncAfterMs: ONE_DAY_S * 1000,
      },
      {
        // 400 digits read as Infinity seconds: capped at a day, not an invalid date.
        name: 'a 503 with a Retry-After too large for a date',
        response: () => ({ kind: 'status', status: 503, retryAfter: '9'.repeat(400) }),
        errorCode: 'HTTP_STATUS',
        message: /503 Service Unavailable/,
        nextSyncAfterMs: ONE_DAY_S * 1000,
      },
      {
        name: 'a body cut short before END:VCALENDAR',
        response: () => ({ kind: 'truncated', body: teamWeek, bytes: teamWeek.length - 40 }),
        errorCode: 'PARSE_FAILED',
        message: /could not be read/,
      },
      {
        name: 'a connection broken mid-body',
        response: () => ({ kind: 'cut', body: teamWeek, bytes: 1000 }),
        errorCode: 'FETCH_FAILED',
        message: /broke before the feed was complete/,
      },
      {
        name: 'an HTML sign-in page',
        response: () => ({
          kind: 'feed',
          body: htmlLogin,
          contentType: 'text/html; charset=utf-8',
        }),
        errorCode: 'PARSE_FAILED',
        message: /could not be read/,
      },
      {
        name: 'a 6 MiB body streamed',
        response: () => ({ kind: 'huge', bytes: 6 * 1024 * 1024 }),
        errorCode: 'TOO_LARGE',
        message: /larger than 5 MiB/,
      },
      {
        name: 'a 6 MiB body announced',
        response: () => ({ kind: 'huge', bytes: 6 * 1024 * 1024, announced: true }),
        errorCode: 'TOO_LARGE',
        message: /larger than 5 MiB/,
      },
      {
        name: 'a redirect to a loopback host that is not allowed',
        response: (redirectTarget) => ({ kind: 'redirect', location: redirectTarget }),
        errorCode: 'FETCH_BLOCKED',
        message: /could not be found or is not on the public internet/,
      },
      {
        name: 'a redirect loop',
        response: () => ({ kind: 'redirect', location: FEED_PATH }),
        errorCode: 'FETCH_FAILED',
        message: /redirected more than 5 times/,
      },
    ];

    it.each(failures)(
      '$name fails the run as $errorCode and changes nothing stored',
      async ({ response, errorCode, message, nextSyncAfterMs }) => {
        const forbidden = await startIcsServer({ host: '127.0.0.2' });
        try {
          forbidden.serve('/feed.ics', { kind: 'feed', body: teamWeekChanged });
          serveTeamWeek();
          const room = await followedTeamRoom();
          await syncRoom(context.deps, room.id);
          const rowsBefore = await eventRows(context.prisma, room.id);
          const feedBefore = await feedOf(context.prisma, room.id);
          const failedAt = minutesAfter(t0, 15);
          context.clock.set(failedAt);
          context.server.serve(FEED_PATH, response(forbidden.url('/feed.ics')));

          const run = await syncRoom(context.deps, room.id);

          expect(countersOf(run)).toEqual({
            status: 'FAILED',
            eventsInFeed: 0,
            eventsMatched: 0,
            created: 0,
            updated: 0,
            removed: 0,
            restored: 0,
            errorCode,
          });
          expect(run.errorMessage).toMatch(message);
          // A manager reads this: no address of ours, nothing from a stack.
          expect(run.errorMessage).not.toMatch(/127\.0\.0|\n/);
          expect(await eventRows(context.prisma, room.id)).toEqual(rowsBefore);
          // Everything but the failure bookkeeping is as it was: validators, hash, relevant part.
          const feedAfter = await feedOf(context.prisma, room.id);
          expect({ ...feedAfter, updatedAt: feedBefore.updatedAt }).toEqual({
            ...feedBefore,
            consecutiveFailures: 1,
            lastSyncRunId: run.id,
            nextSyncAt: new Date(failedAt.getTime() + (nextSyncAfterMs ?? 15 * 60_000)),
          });
          expect(forbidden.connections()).toBe(0);
          expect(context.eventsChanged).toEqual([room.id]);
          expect(context.logged).toEqual([]);
        } finally {
          await forbidden.close();
        }
      },
    );

    it('never connects to a feed host that is not allowed', async () => {
      const forbidden = await startIcsServer({ host: '127.0.0.2' });
      try {
        forbidden.serve('/x', { kind: 'feed', body: teamWeek });
        const room = await roomFollowing(context.prisma, 'team', forbidden.url('/x'));

        const run = await syncRoom(context.deps, room.id);

        expect(countersOf(run)).toMatchObject({ status: 'FAILED', errorCode: 'FETCH_BLOCKED' });
        expect(run.errorMessage).toBe(HOST_NOT_ALLOWED_MESSAGE);
        expect(forbidden.connections()).toBe(0);
        expect(await eventRows(context.prisma, room.id)).toEqual([]);
        expect((await feedOf(context.prisma, room.id)).consecutiveFailures).toBe(1);
      } finally {
        await forbidden.close();
      }
    });

    // Issue 12.3: reading runs in a thread with a step budget and a wall-clock limit.
    it.each([
      {
        name: 'a feed of pathological rules',
        body: () => pathologicalRecurrenceFeed(20, 'https://lobby.example.org/team'),
        readTimeoutSeconds: 60,
        message: /over its reading budget: the repetition rule of "Never 0"/,
      },
      {
        name: 'a feed slower to read than the limit',
        body: () => largeFeed(2_000, 'lobby.example.org', 10),
        readTimeoutSeconds: 0.001,
        message: /The feed could not be read: The feed took too long to read/,
      },
    ])(
      '$name fails the run as PARSE_FAILED and changes nothing stored',
      async ({ body, readTimeoutSeconds, message }) => {
        serveTeamWeek();
        const room = await followedTeamRoom();
        await syncRoom(context.deps, room.id);
        const rowsBefore = await eventRows(context.prisma, room.id);
        context.clock.set(minutesAfter(t0, 15));
        context.server.serve(FEED_PATH, { kind: 'feed', body: body() });
        const feedReader = createFeedReader({ timeoutSeconds: readTimeoutSeconds });
        try {
          const run = await syncRoom({ ...context.deps, feedReader }, room.id);

          expect(countersOf(run)).toMatchObject({ status: 'FAILED', errorCode: 'PARSE_FAILED' });
          expect(run.errorMessage).toMatch(message);
          expect(await eventRows(context.prisma, room.id)).toEqual(rowsBefore);
          expect((await feedOf(context.prisma, room.id)).consecutiveFailures).toBe(1);
        } finally {
          await feedReader.close();
        }
      },
    );

    it('backs off exponentially up to 24 intervals and resets after a success', async () => {
      serveTeamWeek();
      const room = await followedTeamRoom(10);
      await syncRoom(context.deps, room.id);
      context.server.serve(FEED_PATH, { kind: 'status', status: 503 });

      const delaysInIntervals: number[] = [];
      for (let failure = 1; failure <= 7; failure += 1) {
        const now = minutesAfter(t0, failure);
        context.clock.set(now);
        expect((await syncRoom(context.deps, room.id)).status).toBe('FAILED');
        const feed = await feedOf(context.prisma, room.id);
        expect(feed.consecutiveFailures).toBe(failure);
        delaysInIntervals.push((feed.nextSyncAt.getTime() - now.getTime()) / (10 * 60_000));
      }
      expect(delaysInIntervals).toEqual([1, 2, 4, 8, 16, 24, 24]);

      serveTeamWeek();
      const recoveredAt = minutesAfter(t0, 8);
      context.clock.set(recoveredAt);
      const run = await syncRoom(context.deps, room.id);

      // The server still has the version we stored: a 304 is a success too.
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
      expect(await feedOf(context.prisma, room.id)).toMatchObject({
        consecutiveFailures: 0,
        nextSyncAt: minutesAfter(recoveredAt, 10),
      });
    });

    it('fails a first download that the server answers with 304', async () => {
      context.server.serve(FEED_PATH, { kind: 'feed', body: teamWeek, etag: V1_ETAG });
      const room = await followedTeamRoom();
      await context.prisma.calendarFeed.update({
        where: { roomId: room.id },
        data: { etag: V1_ETAG },
      });

      const run = await syncRoom(context.deps, room.id);

      expect(countersOf(run)).toMatchObject({ status: 'FAILED', errorCode: 'HTTP_STATUS' });
      expect(await eventRows(context.prisma, room.id)).toEqual([]);
    });
  });
});
