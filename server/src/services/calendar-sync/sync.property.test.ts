// Properties of a sync over real HTTP into a real database (issue: "re-syncing the same bytes writes
// nothing; any byte-level corruption of a feed leaves stored events untouched").
import fc from 'fast-check';
import { expect, it } from 'vitest';
import {
  countersOf,
  eventRows,
  feedOf,
  PUBLIC_BASE_URL,
  readSyncFixture,
  roomFollowing,
  syncRoom,
  describeCalendarSync,
} from '../../../test/support/calendar-sync-context.js';
import { icsCalendar, icsEvent } from '../../../test/support/ics-builder.js';

const NUM_RUNS = 25;
/** 25 runs of up to three syncs each take seconds, on a loaded machine tens of seconds. */
const PROPERTY_TIMEOUT_MS = 180_000;
const nothingWritten = { created: 0, updated: 0, removed: 0, restored: 0 };

type WallClock = { day: number; hour: number; minute: number };
type Zone = 'UTC' | 'Europe/Berlin' | 'America/New_York' | 'floating';
type Link = 'location' | 'html' | 'url' | 'other-room' | 'none';
type GeneratedEvent = {
  start: WallClock;
  durationMinutes: number;
  zone: Zone;
  link: Link;
  title: string;
  series: { count: number; exdate: number | null; moved: number | null } | null;
};

const wallClock = fc.record({
  day: fc.integer({ min: 2, max: 13 }),
  hour: fc.integer({ min: 0, max: 23 }),
  minute: fc.constantFrom(0, 15, 30, 45),
});
const generatedEvent: fc.Arbitrary<GeneratedEvent> = fc.record({
  start: wallClock,
  durationMinutes: fc.integer({ min: 15, max: 240 }),
  zone: fc.constantFrom<Zone>('UTC', 'Europe/Berlin', 'America/New_York', 'floating'),
  link: fc.constantFrom<Link>('location', 'html', 'url', 'other-room', 'none'),
  title: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 ]{0,29}$/),
  series: fc.option(
    fc.record({
      count: fc.integer({ min: 2, max: 10 }),
      exdate: fc.option(fc.integer({ min: 1, max: 9 })),
      moved: fc.option(fc.integer({ min: 1, max: 9 })),
    }),
  ),
});

const two = (value: number) => String(value).padStart(2, '0');

/** A wall-clock time `addMinutes` later, as an ICS DATE-TIME value (March 2026). */
function icsDateTime(clock: WallClock, addMinutes = 0): string {
  const instant = new Date(Date.UTC(2026, 2, clock.day, clock.hour, clock.minute + addMinutes));
  return `${String(instant.getUTCFullYear())}${two(instant.getUTCMonth() + 1)}${two(instant.getUTCDate())}T${two(instant.getUTCHours())}${two(instant.getUTCMinutes())}00`;
}

function timeProperty(name: string, zone: Zone, clock: WallClock, addMinutes = 0): string {
  const value = icsDateTime(clock, addMinutes);
  if (zone === 'UTC') return `${name}:${value}Z`;
  if (zone === 'floating') return `${name}:${value}`;
  return `${name};TZID=${zone}:${value}`;
}

function linkProperty(link: Link, roomUrl: string): string {
  switch (link) {
    case 'location':
      return `LOCATION:${roomUrl}`;
    case 'html':
      return `DESCRIPTION:<p>Join <a href="${roomUrl}/">here</a></p>`;
    case 'url':
      return `URL:${roomUrl}?from=calendar`;
    case 'other-room':
      return `LOCATION:${roomUrl}-sales`;
    case 'none':
      return 'LOCATION:Room 4';
  }
}

/** The VEVENT blocks of one generated event: its master, and a moved instance if any. */
function eventBlocks(event: GeneratedEvent, index: number, roomUrl: string): string[][] {
  const uid = `UID:event-${String(index)}@property.test`;
  const common = [uid, 'DTSTAMP:20260301T080000Z', linkProperty(event.link, roomUrl)];
  const { series, zone, start } = event;
  const master = [
    ...common,
    `SUMMARY:${event.title}`,
    timeProperty('DTSTART', zone, start),
    `DURATION:PT${String(event.durationMinutes)}M`,
  ];
  if (series === null) {
    return [icsEvent(...master)];
  }
  const dayMinutes = 24 * 60;
  master.push(`RRULE:FREQ=DAILY;COUNT=${String(series.count)}`);
  if (series.exdate !== null) {
    master.push(timeProperty('EXDATE', zone, start, series.exdate * dayMinutes));
  }
  const blocks = [icsEvent(...master)];
  if (series.moved !== null) {
    blocks.push(
      icsEvent(
        ...common,
        `SUMMARY:${event.title} (moved)`,
        timeProperty('RECURRENCE-ID', zone, start, series.moved * dayMinutes),
        timeProperty('DTSTART', zone, start, series.moved * dayMinutes + 90),
        `DURATION:PT${String(event.durationMinutes)}M`,
      ),
    );
  }
  return blocks;
}

type Corruption =
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; at: number; byte: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; length: number };

const corruption: fc.Arbitrary<Corruption> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('flip' as const),
    at: fc.nat(),
    byte: fc.integer({ min: 0, max: 255 }),
  }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
  }),
  fc.record({
    kind: fc.constant('delete' as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 64 }),
  }),
);

function corrupt(bytes: Uint8Array, change: Corruption): Uint8Array {
  const at = change.at % bytes.length;
  switch (change.kind) {
    case 'truncate':
      return bytes.slice(0, at);
    case 'flip': {
      const flipped = bytes.slice();
      flipped[at] = change.byte;
      return flipped;
    }
    case 'insert':
      return Buffer.concat([bytes.subarray(0, at), change.bytes, bytes.subarray(at)]);
    case 'delete':
      return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + change.length)]);
  }
}

describeCalendarSync('calendar sync properties', (context) => {
  let roomNumber = 0;

  /** A room of its own for one property run, following `/<name>.ics` on the test server. */
  async function freshRoom(prefix: string) {
    roomNumber += 1;
    const name = `${prefix}-${String(roomNumber)}`;
    const path = `/${name}.ics`;
    const room = await roomFollowing(context.prisma, name, context.server.url(path));
    return { room, path, roomUrl: `${PUBLIC_BASE_URL}/${name}` };
  }

  it(
    'writes nothing when the same feed is synced again, in the same or another order',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(generatedEvent, { minLength: 1, maxLength: 10 }),
          async (events) => {
            const { room, path, roomUrl } = await freshRoom('same');
            const blocks = events.flatMap((event, index) => eventBlocks(event, index, roomUrl));
            const feed = icsCalendar(...blocks);
            context.server.serve(path, { kind: 'feed', body: feed, etag: '"first"' });
            const first = await syncRoom(context.deps, room.id);
            expect(countersOf(first)).toMatchObject({ status: 'SUCCEEDED', errorCode: null });
            const stored = await eventRows(context.prisma, room.id);

            // Downloaded again (no validators this time): the same bytes.
            context.server.serve(path, { kind: 'feed', body: feed });
            const again = await syncRoom(context.deps, room.id);
            expect(countersOf(again)).toEqual({
              ...countersOf(first),
              status: 'UNCHANGED',
              ...nothingWritten,
            });
            expect(await eventRows(context.prisma, room.id)).toEqual(stored);

            // The same events in the opposite order: another body, read and diffed in full.
            const reversed = icsCalendar(...blocks.reverse());
            context.server.serve(path, { kind: 'feed', body: reversed });
            const reordered = await syncRoom(context.deps, room.id);
            expect(countersOf(reordered)).toEqual({
              ...countersOf(first),
              status: reversed === feed ? 'UNCHANGED' : 'SUCCEEDED',
              ...nothingWritten,
            });
            expect(await eventRows(context.prisma, room.id)).toEqual(stored);
          },
        ),
        { numRuns: NUM_RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'keeps stored events exactly as they were when a corrupted feed fails, and never touches other rooms',
    async () => {
      const teamWeek = readSyncFixture('team-week.ics');
      const feedFor = (roomUrl: string) =>
        Buffer.from(teamWeek.replace(/https:\/\/lobby\.example\.org\/team/gi, roomUrl), 'utf8');
      const neighbour = await freshRoom('neighbour');
      context.server.serve(neighbour.path, { kind: 'feed', body: feedFor(neighbour.roomUrl) });
      expect((await syncRoom(context.deps, neighbour.room.id)).status).toBe('SUCCEEDED');
      const neighbourRows = await eventRows(context.prisma, neighbour.room.id);
      expect(neighbourRows).toHaveLength(9);

      await fc.assert(
        fc.asyncProperty(corruption, async (change) => {
          const { room, path, roomUrl } = await freshRoom('corrupt');
          const good = feedFor(roomUrl);
          context.server.serve(path, { kind: 'feed', body: good, etag: '"good"' });
          expect((await syncRoom(context.deps, room.id)).status).toBe('SUCCEEDED');
          const storedRows = await eventRows(context.prisma, room.id);
          const storedFeed = await feedOf(context.prisma, room.id);

          context.server.serve(path, { kind: 'feed', body: corrupt(good, change) });
          const run = await syncRoom(context.deps, room.id);

          expect(['SUCCEEDED', 'UNCHANGED', 'FAILED']).toContain(run.status);
          // Whatever the bytes, the failure is the feed's, never ours.
          expect(run.errorCode === null || run.errorCode === 'PARSE_FAILED').toBe(true);
          const calendarEnd = good.indexOf('END:VCALENDAR') + 'END:VCALENDAR'.length;
          if (change.kind === 'truncate' && change.at % good.length < calendarEnd) {
            expect(run.errorCode).toBe('PARSE_FAILED');
          }
          if (run.status === 'FAILED') {
            expect(await eventRows(context.prisma, room.id)).toEqual(storedRows);
            expect(await feedOf(context.prisma, room.id)).toMatchObject({
              etag: storedFeed.etag,
              contentHash: storedFeed.contentHash,
              relevantIcs: storedFeed.relevantIcs,
            });
          }
          expect(await eventRows(context.prisma, neighbour.room.id)).toEqual(neighbourRows);
        }),
        { numRuns: NUM_RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
