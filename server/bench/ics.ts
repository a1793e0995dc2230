// `npm run bench:ics`: reading a large organisation feed (DESIGN §3.8) beside plain node-ical parsing
// of the same bytes, and what a first and an unchanged sync into PGlite cost. Prints figures only.
// Each measurement runs in a fresh child process, so that its peak memory is its own.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import ical from 'node-ical';
import { z } from 'zod';
import { parseConfig } from '../src/config.js';
import { diffOccurrences } from '../src/domain/calendar/diff.js';
import { createRoomMatcher } from '../src/domain/calendar/match-room.js';
import { createFeedReader } from '../src/adapters/feed-reader/index.js';
import { readFeed } from '../src/domain/calendar/read-feed.js';
import { syncWindow } from '../src/domain/calendar/sync-schedule.js';
import { roomUrl } from '@lobby/shared/room-name';
import { openDatabase } from '../src/engines/database/database.js';
import { openEngines } from '../src/engines/open-engines.js';
import type { PrismaClient } from '../src/generated/prisma/client.js';
import { runCalendarSyncs } from '../src/services/calendar-sync/run-sync.js';
import { findOrCreateActiveRun } from '../src/services/calendar-sync/runs.js';
import { createServiceDependencies } from '../src/services/dependencies.js';
import { unobservedInstruments } from '../src/services/instruments.js';
import { startIcsServer } from '../test/support/ics-server.js';

const NOW = new Date('2026-03-05T12:00:00.000Z');
const PUBLIC_BASE_URL = 'https://lobby.example.org';
const ROOM_NAME = 'bench';
const LOOKAHEAD_DAYS = 7;
const REPEATS = 3;
const SERIES = 2_000;
const OVERRIDES_PER_SERIES = 3;
const SINGLE_EVENTS = 20_000 - SERIES * (1 + OVERRIDES_PER_SERIES);
/** One event in this many names the room; as many again name a room with a longer name. */
const ROOM_EVERY = 20;
const ZONES = [
  'Europe/Berlin',
  'America/New_York',
  'Asia/Tokyo',
  'Australia/Sydney',
  'W. Europe Standard Time',
  'UTC',
];
const MIB = 1024 * 1024;
const DAY_MS = 24 * 60 * 60 * 1000;

const VTIMEZONES = [
  'BEGIN:VTIMEZONE',
  'TZID:Europe/Berlin',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'DTSTART:19700329T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'DTSTART:19701025T030000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
  'BEGIN:VTIMEZONE',
  'TZID:America/New_York',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:-0500',
  'TZOFFSETTO:-0400',
  'DTSTART:19700308T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:-0400',
  'TZOFFSETTO:-0500',
  'DTSTART:19701101T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
];

const two = (value: number) => String(value).padStart(2, '0');

/** A local date-time `days` and `minutes` after 5 January 2026 00:00, as an ICS value. */
function localDateTime(days: number, minutes: number): string {
  const clock = new Date(Date.UTC(2026, 0, 5 + days, 0, minutes));
  return `${String(clock.getUTCFullYear())}${two(clock.getUTCMonth() + 1)}${two(clock.getUTCDate())}T${two(clock.getUTCHours())}${two(clock.getUTCMinutes())}00`;
}

function timeProperty(name: string, zone: string, days: number, minutes: number): string {
  const value = localDateTime(days, minutes);
  return zone === 'UTC' ? `${name}:${value}Z` : `${name};TZID=${zone}:${value}`;
}

function where(index: number): string {
  if (index % ROOM_EVERY === 0) return `LOCATION:${PUBLIC_BASE_URL}/${ROOM_NAME}`;
  if (index % ROOM_EVERY === ROOM_EVERY / 2)
    return `LOCATION:${PUBLIC_BASE_URL}/${ROOM_NAME}-sales`;
  return `LOCATION:Room ${String(index % 300)}`;
}

function organizer(index: number): string {
  const person = String(index % 500);
  return `ORGANIZER;CN=Person ${person}:mailto:person${person}@example.com`;
}

/**
 * 2,000 weekly series (each with an EXDATE, a moved, a retitled and a cancelled instance), the rest
 * single events, across several zones, a Windows zone name and UTC; about 4 MB.
 */
function generateFeed(): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Lobby bench//EN',
    'X-WR-CALNAME:Organisation',
    ...VTIMEZONES,
  ];
  const event = (properties: string[]) => {
    lines.push('BEGIN:VEVENT', ...properties, 'END:VEVENT');
  };
  for (let index = 0; index < SERIES; index += 1) {
    const zone = ZONES[index % ZONES.length] ?? 'UTC';
    const day = index % 7;
    const minutes = (8 + (index % 10)) * 60;
    const common = [`UID:series-${String(index)}@bench`, 'DTSTAMP:20260301T080000Z', where(index)];
    const instance = (week: number) => timeProperty('RECURRENCE-ID', zone, day + week * 7, minutes);
    event([
      ...common,
      organizer(index),
      `ATTENDEE;CN=Person ${String((index + 1) % 500)};PARTSTAT=ACCEPTED:mailto:person${String((index + 1) % 500)}@example.com`,
      `SUMMARY:Weekly ${String(index)}`,
      timeProperty('DTSTART', zone, day, minutes),
      timeProperty('DTEND', zone, day, minutes + 30),
      'RRULE:FREQ=WEEKLY;COUNT=30',
      timeProperty('EXDATE', zone, day + 6 * 7, minutes),
    ]);
    event([
      ...common,
      instance(7),
      `SUMMARY:Weekly ${String(index)} (moved)`,
      timeProperty('DTSTART', zone, day + 7 * 7, minutes + 90),
      timeProperty('DTEND', zone, day + 7 * 7, minutes + 120),
    ]);
    event([
      ...common,
      instance(8),
      `SUMMARY:Weekly ${String(index)}: quarterly review`,
      timeProperty('DTSTART', zone, day + 8 * 7, minutes),
      timeProperty('DTEND', zone, day + 8 * 7, minutes + 30),
    ]);
    event([
      ...common,
      instance(9),
      'STATUS:CANCELLED',
      `SUMMARY:Weekly ${String(index)}`,
      timeProperty('DTSTART', zone, day + 9 * 7, minutes),
      timeProperty('DTEND', zone, day + 9 * 7, minutes + 30),
    ]);
  }
  for (let index = 0; index < SINGLE_EVENTS; index += 1) {
    const zone = ZONES[index % ZONES.length] ?? 'UTC';
    const day = 30 + (index % 60);
    const minutes = (7 + (index % 11)) * 60 + (index % 4) * 15;
    event([
      `UID:single-${String(index)}@bench`,
      'DTSTAMP:20260301T080000Z',
      `SUMMARY:Meeting ${String(index)}`,
      where(index + 7),
      timeProperty('DTSTART', zone, day, minutes),
      timeProperty('DTEND', zone, day, minutes + 45),
    ]);
  }
  lines.push('END:VCALENDAR', '');
  return lines.join('\r\n');
}

const measurement = z.object({ medianMs: z.number(), peakMemoryBytes: z.number() });
type Measurement = z.infer<typeof measurement>;

const syncFigures = z.object({
  firstMs: z.number(),
  firstRowsWritten: z.number(),
  firstRun: z.string(),
  unchangedMs: z.number(),
  unchangedRowsWritten: z.number(),
  unchangedRun: z.string(),
  restampedMs: z.number(),
  restampedRowsWritten: z.number(),
  restampedRun: z.string(),
  dayLaterMs: z.number(),
  dayLaterRowsWritten: z.number(),
  dayLaterRun: z.string(),
});
type SyncFigures = z.infer<typeof syncFigures>;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Times `work` REPEATS times; peak memory is the process's highest RSS above where it started. */
function measure(work: () => void): Measurement {
  globalThis.gc?.();
  const baselineBytes = process.memoryUsage().rss;
  const times: number[] = [];
  for (let repeat = 0; repeat < REPEATS; repeat += 1) {
    const startedAt = performance.now();
    work();
    times.push(performance.now() - startedAt);
  }
  const peakBytes = process.resourceUsage().maxRSS * 1024;
  return { medianMs: median(times), peakMemoryBytes: Math.max(0, peakBytes - baselineBytes) };
}

function bareParse(feed: string): Measurement {
  return measure(() => {
    ical.sync.parseICS(feed);
  });
}

function readMatchDiff(feed: string): Measurement {
  const window = syncWindow(NOW, LOOKAHEAD_DAYS);
  const matcher = createRoomMatcher(roomUrl(PUBLIC_BASE_URL, ROOM_NAME));
  return measure(() => {
    const reading = readFeed(feed, {
      window,
      defaultTimezone: 'UTC',
      relevantHost: new URL(PUBLIC_BASE_URL).hostname,
    });
    const matched = reading.occurrences.filter((occurrence) => matcher.matches(occurrence));
    diffOccurrences([], matched, { window, now: NOW });
  });
}

/** Rows created or changed since `before` (id → updatedAt). */
async function rowsWrittenSince(
  prisma: PrismaClient,
  roomId: string,
  before: ReadonlyMap<string, number>,
): Promise<number> {
  const rows = await prisma.calendarEvent.findMany({
    where: { roomId },
    select: { id: true, updatedAt: true },
  });
  return rows.filter((row) => before.get(row.id) !== row.updatedAt.getTime()).length;
}

async function snapshot(prisma: PrismaClient, roomId: string): Promise<Map<string, number>> {
  const rows = await prisma.calendarEvent.findMany({
    where: { roomId },
    select: { id: true, updatedAt: true },
  });
  return new Map(rows.map((row) => [row.id, row.updatedAt.getTime()]));
}

type SyncOutcome = { elapsedMs: number; rowsWritten: number; run: string };

/** A first sync into a fresh PGlite over loopback HTTP, then an unchanged one: 304, and same bytes. */
async function syncs(feed: string): Promise<SyncFigures> {
  const database = await openDatabase({ kind: 'pglite' });
  await database.migrate();
  const server = await startIcsServer();
  const log = (message: string, error?: unknown) => {
    console.error(message, error);
  };
  const engines = openEngines({ log });
  const deps = createServiceDependencies({
    prisma: database.prisma,
    engines,
    // The bench measures large feeds, not the limit.
    feedReader: createFeedReader({ timeoutSeconds: 600 }),
    instruments: unobservedInstruments,
    now: () => clock,
    config: {
      ...parseConfig({}),
      PUBLIC_BASE_URL,
      CALENDAR_LOOKAHEAD_DAYS: LOOKAHEAD_DAYS,
      CALENDAR_FETCH_ALLOWED_HOSTS: [server.authority],
      MEETING_PRECREATE_MINUTES: 10,
      VIDEO_BASE_URL: 'https://video.example.org',
    },
    afterEventsChanged: () => Promise.resolve(),
    log,
  });
  let clock = NOW;
  const restampedFeed = feed.replaceAll('DTSTAMP:20260301T080000Z', 'DTSTAMP:20260305T115900Z');
  try {
    const timedSync = async (roomId: string) => {
      const before = await snapshot(database.prisma, roomId);
      const startedAt = performance.now();
      const { run } = await findOrCreateActiveRun(deps, roomId, 'SCHEDULE');
      await runCalendarSyncs(deps, [run.id]);
      const elapsedMs = performance.now() - startedAt;
      const finished = await database.prisma.calendarSyncRun.findUniqueOrThrow({
        where: { id: run.id },
      });
      return {
        elapsedMs,
        rowsWritten: await rowsWrittenSince(database.prisma, roomId, before),
        run: `${finished.status}${finished.errorCode === null ? '' : ` ${finished.errorCode}`}: ${String(finished.eventsMatched)} of ${String(finished.eventsInFeed)} matched, ${String(finished.created)} created`,
      };
    };
    // Each repeat starts from a room that has never synced: first, unchanged (304), restamped (200),
    // and unchanged a week later, when the moved window makes the sync read the stored part again.
    const repeats: {
      first: SyncOutcome;
      unchanged: SyncOutcome;
      restamped: SyncOutcome;
      dayLater: SyncOutcome;
    }[] = [];
    for (let repeat = 0; repeat < REPEATS; repeat += 1) {
      const owner = await database.prisma.user.create({ data: { subject: 'bench' } });
      const room = await database.prisma.room.create({
        data: {
          name: ROOM_NAME,
          ownerId: owner.id,
          calendarFeed: { create: { url: server.url('/org.ics') } },
        },
      });
      server.serve('/org.ics', { kind: 'feed', body: feed, etag: '"org-1"' });
      clock = NOW;
      const first = await timedSync(room.id);
      const unchanged = await timedSync(room.id);
      server.serve('/org.ics', { kind: 'feed', body: restampedFeed });
      const restamped = await timedSync(room.id);
      clock = new Date(NOW.getTime() + 7 * DAY_MS);
      const dayLater = await timedSync(room.id);
      repeats.push({ first, unchanged, restamped, dayLater });
      await database.prisma.user.delete({ where: { id: owner.id } });
    }
    const figures = (pick: (repeat: (typeof repeats)[number]) => SyncOutcome) => ({
      ms: median(repeats.map((repeat) => pick(repeat).elapsedMs)),
      rowsWritten: Math.max(...repeats.map((repeat) => pick(repeat).rowsWritten)),
      run: repeats.map((repeat) => pick(repeat).run).at(-1) ?? '',
    });
    const first = figures((repeat) => repeat.first);
    const unchanged = figures((repeat) => repeat.unchanged);
    const restamped = figures((repeat) => repeat.restamped);
    const dayLater = figures((repeat) => repeat.dayLater);
    return {
      firstMs: first.ms,
      firstRowsWritten: first.rowsWritten,
      firstRun: first.run,
      unchangedMs: unchanged.ms,
      unchangedRowsWritten: unchanged.rowsWritten,
      unchangedRun: unchanged.run,
      restampedMs: restamped.ms,
      restampedRowsWritten: restamped.rowsWritten,
      restampedRun: restamped.run,
      dayLaterMs: dayLater.ms,
      dayLaterRowsWritten: dayLater.rowsWritten,
      dayLaterRun: dayLater.run,
    };
  } finally {
    await engines.close();
    await deps.feedReader.close();
    await server.close();
    await database.close();
  }
}

/** Runs one task of this script in a child process and returns the JSON line it prints. */
function inChild(task: string, feedPath: string): unknown {
  const output = execFileSync(
    process.execPath,
    [...process.execArgv, '--expose-gc', fileURLToPath(import.meta.url), task, feedPath],
    { encoding: 'utf8', maxBuffer: 16 * MIB },
  );
  return JSON.parse(output.trim().split('\n').at(-1) ?? '');
}

const formatMs = (ms: number) => `${ms.toFixed(0).padStart(6)} ms`;
const formatMemory = (bytes: number) => `${(bytes / MIB).toFixed(0).padStart(5)} MiB`;
const ratio = (value: number, base: number) => `${(value / base).toFixed(2)}×`;

function report(feed: string, parse: Measurement, read: Measurement, sync: SyncFigures): void {
  const events = feed.split('BEGIN:VEVENT').length - 1;
  console.log(
    `Feed: ${events.toLocaleString('en')} VEVENTs (${SERIES.toLocaleString('en')} weekly series with ${String(OVERRIDES_PER_SERIES)} overrides each, ${SINGLE_EVENTS.toLocaleString('en')} single events), ${(Buffer.byteLength(feed) / MIB).toFixed(1)} MiB, zones ${ZONES.join(', ')}; 1 in ${String(ROOM_EVERY)} names the room.`,
  );
  console.log(
    `Window ${LOOKAHEAD_DAYS} days from ${NOW.toISOString()}; times are the median of ${String(REPEATS)} runs (syncs: ${String(REPEATS)} rooms synced from scratch); memory is peak RSS growth in a fresh process.\n`,
  );
  const rows: [string, string, string, string][] = [
    ['', 'time', 'peak memory', 'ratio'],
    [
      'node-ical parseICS (bare)',
      formatMs(parse.medianMs),
      formatMemory(parse.peakMemoryBytes),
      '',
    ],
    [
      'read + match + diff',
      formatMs(read.medianMs),
      formatMemory(read.peakMemoryBytes),
      `time ${ratio(read.medianMs, parse.medianMs)}, memory ${ratio(read.peakMemoryBytes, parse.peakMemoryBytes)} of bare parse (goal ≤ 1.5×)`,
    ],
    [
      'first sync into PGlite',
      formatMs(sync.firstMs),
      '',
      `${String(sync.firstRowsWritten)} rows written (${sync.firstRun})`,
    ],
    [
      'unchanged re-sync (304)',
      formatMs(sync.unchangedMs),
      '',
      `${ratio(sync.unchangedMs, sync.firstMs)} of first (goal ≤ 0.1×), ${String(sync.unchangedRowsWritten)} rows written (${sync.unchangedRun})`,
    ],
    [
      'unchanged re-sync (200, new DTSTAMPs)',
      formatMs(sync.restampedMs),
      '',
      `${ratio(sync.restampedMs, sync.firstMs)} of first (goal ≤ 0.1×), ${String(sync.restampedRowsWritten)} rows written (${sync.restampedRun})`,
    ],
    [
      'unchanged, a week later (reads again)',
      formatMs(sync.dayLaterMs),
      '',
      `${ratio(sync.dayLaterMs, sync.firstMs)} of first, ${String(sync.dayLaterRowsWritten)} rows written: what entered the window (${sync.dayLaterRun})`,
    ],
  ];
  const widths = [0, 1, 2].map((column) =>
    Math.max(...rows.map((row) => (row[column] ?? '').length)),
  );
  for (const row of rows) {
    console.log(
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    );
  }
}

async function main(): Promise<void> {
  const [task, feedPath] = process.argv.slice(2);
  if (task !== undefined && feedPath !== undefined) {
    const feed = readFileSync(feedPath, 'utf8');
    const result =
      task === 'parse'
        ? bareParse(feed)
        : task === 'read'
          ? readMatchDiff(feed)
          : await syncs(feed);
    console.log(JSON.stringify(result));
    return;
  }
  const feed = generateFeed();
  const directory = mkdtempSync(path.join(os.tmpdir(), 'lobby-bench-'));
  try {
    const file = path.join(directory, 'organisation.ics');
    writeFileSync(file, feed);
    const parse = measurement.parse(inChild('parse', file));
    const read = measurement.parse(inChild('read', file));
    const sync = syncFigures.parse(inChild('sync', file));
    report(feed, parse, read, sync);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

await main();
// PGlite and pools can keep the event loop alive for a while after closing.
process.exit(0);
