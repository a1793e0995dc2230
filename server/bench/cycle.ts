// `DATABASE_URL=… REDIS_URL=… npm run bench:cycle [-- --rooms 1000 --feeds 100 --workers 2]`: one
// full scheduled sync cycle of many rooms that share few feed URLs, run by worker processes
// (`processes/worker.ts`) on PostgreSQL and Redis against a real HTTP feed server on loopback.
// Every room is due when the workers start; the cycle ends when every room's run has an outcome.
// Prints fetches (goal: one per distinct URL), the cycle's wall time (goal: under 30 s) and runs
// by status.
import { performance } from 'node:perf_hooks';
import { icsCalendar, icsEvent } from '../test/support/ics-builder.js';
import { startIcsServer } from '../test/support/ics-server.js';
import {
  claimRedisDatabase,
  startWorkerProcess,
  testPublicBaseUrl,
  type LobbyProcess,
} from '../test/support/api-server.js';
import { numberOption, openBenchDatabase } from './bench-support.js';
import { formatMs, percentile } from './statistics.js';

const databaseUrl = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL;
if (databaseUrl === undefined || redisUrl === undefined) {
  console.error(
    'bench:cycle runs worker processes, which share PostgreSQL and Redis: set both, e.g.\n' +
      '  DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379 npm run bench:cycle',
  );
  process.exit(1);
}

const roomCount = numberOption('rooms', 1_000);
const feedCount = Math.min(numberOption('feeds', 100), roomCount);
const workerCount = numberOption('workers', 2);
/** Events of other rooms and other places in each feed: an organisation's calendar, not a room's. */
const otherEventsPerFeed = numberOption('other-events', 200);
const timeoutMs = numberOption('timeout-seconds', 300) * 1000;
const goalCycleMs = 30_000;
const pollEveryMs = 250;
const publicHost = new URL(testPublicBaseUrl).host;
const roomName = (index: number) => `cycle-${String(index).padStart(5, '0')}`;
const feedPath = (feed: number) => `/calendars/${String(feed)}.ics`;

/** ICS date-time in UTC, `hoursFromNow` hours from now on the hour. */
function icsTime(hoursFromNow: number): string {
  const at = new Date(Date.now() + hoursFromNow * 3_600_000);
  at.setUTCMinutes(0, 0, 0);
  return at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** One organisation feed: a daily stand-up and a one-off per room it serves, plus other events. */
function feedBody(feed: number, roomIndexes: readonly number[]): string {
  const roomEvents = roomIndexes.flatMap((room) => [
    icsEvent(
      `UID:standup-${String(room)}@bench.example.com`,
      'DTSTAMP:20260101T000000Z',
      `DTSTART:${icsTime(2 + (room % 6))}`,
      `DTEND:${icsTime(3 + (room % 6))}`,
      'RRULE:FREQ=DAILY;COUNT=30',
      `SUMMARY:Stand-up ${roomName(room)}`,
      `LOCATION:https://${publicHost}/${roomName(room)}`,
    ),
    icsEvent(
      `UID:review-${String(room)}@bench.example.com`,
      'DTSTAMP:20260101T000000Z',
      `DTSTART:${icsTime(26 + (room % 24))}`,
      `DTEND:${icsTime(27 + (room % 24))}`,
      `SUMMARY:Review ${roomName(room)}`,
      `DESCRIPTION:Join at https://${publicHost}/${roomName(room)}/`,
    ),
  ]);
  const otherEvents = Array.from({ length: otherEventsPerFeed }, (_, index) =>
    icsEvent(
      `UID:other-${String(feed)}-${String(index)}@bench.example.com`,
      'DTSTAMP:20260101T000000Z',
      `DTSTART:${icsTime(1 + (index % 160))}`,
      `DTEND:${icsTime(2 + (index % 160))}`,
      `SUMMARY:Elsewhere ${String(index)}`,
      `LOCATION:Building ${String(index % 12)}`,
    ),
  );
  return icsCalendar(...roomEvents, ...otherEvents);
}

const bench = await openBenchDatabase(databaseUrl);
const redis = await claimRedisDatabase(redisUrl);
const feedServer = await startIcsServer();
const workers: LobbyProcess[] = [];
try {
  const roomsOfFeed = (feed: number) =>
    Array.from({ length: roomCount }, (_, room) => room).filter(
      (room) => room % feedCount === feed,
    );
  let feedBytes = 0;
  for (let feed = 0; feed < feedCount; feed += 1) {
    const body = feedBody(feed, roomsOfFeed(feed));
    feedBytes += Buffer.byteLength(body);
    feedServer.serve(feedPath(feed), { kind: 'feed', body, etag: `"feed-${String(feed)}"` });
  }

  // Rows written directly: creating a thousand rooms through the API would measure the API.
  const { prisma } = bench.database;
  const owner = await prisma.user.create({ data: { subject: 'bench:cycle-owner' } });
  const rooms = await prisma.room.createManyAndReturn({
    data: Array.from({ length: roomCount }, (_, room) => ({
      name: roomName(room),
      ownerId: owner.id,
      isShared: true,
    })),
    select: { id: true, name: true },
  });
  const dueAt = new Date();
  await prisma.calendarFeed.createMany({
    data: rooms.map((room) => ({
      roomId: room.id,
      url: feedServer.url(feedPath(Number(room.name.slice('cycle-'.length)) % feedCount)),
      nextSyncAt: dueAt,
    })),
  });

  console.log(
    `bench:cycle: ${roomCount} rooms on ${feedCount} feed URLs (${(feedBytes / feedCount / 1024).toFixed(0)} KB each), ` +
      `${workerCount} worker processes; database ${bench.label}`,
  );
  const startedAt = performance.now();
  const environment = {
    NODE_ENV: 'production',
    CALENDAR_FETCH_ALLOWED_HOSTS: feedServer.authority,
  };
  const engines = { databaseUrl: bench.url ?? databaseUrl, redisUrl: redis.url };
  workers.push(
    ...(await Promise.all(
      Array.from({ length: workerCount }, () => startWorkerProcess(engines, environment)),
    )),
  );
  const workersReadyMs = performance.now() - startedAt;

  // Rooms whose run has an outcome: a slow cycle outlasts the sync interval and begins the next.
  const finished = () =>
    prisma.room.count({
      where: { syncRuns: { some: { status: { notIn: ['QUEUED', 'RUNNING'] } } } },
    });
  while ((await finished()) < roomCount) {
    if (performance.now() - startedAt > timeoutMs) {
      console.log(`timed out after ${formatMs(timeoutMs)}: not every room's run finished`);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, pollEveryMs));
  }
  const doneMs = performance.now() - startedAt;

  // Taken at once: what follows the cycle (the next one's first fetches) must not count.
  const requests = [...feedServer.requests()];
  const span = await prisma.calendarSyncRun.aggregate({
    _min: { queuedAt: true },
    _max: { finishedAt: true },
  });
  const firstQueuedAt = span._min.queuedAt?.getTime() ?? Number.NaN;
  const cycleMs = (span._max.finishedAt?.getTime() ?? Number.NaN) - firstQueuedAt;
  const byStatus = await prisma.calendarSyncRun.groupBy({ by: ['status'], _count: true });
  const runTimes = await prisma.calendarSyncRun.findMany({
    select: { queuedAt: true, startedAt: true, finishedAt: true },
  });
  const sortedMs = (values: number[]) => values.filter(Number.isFinite).sort((a, b) => a - b);
  const runMs = sortedMs(
    runTimes.map((run) => (run.finishedAt?.getTime() ?? NaN) - (run.startedAt?.getTime() ?? NaN)),
  );
  const firstStartMs = sortedMs(runTimes.map((run) => run.startedAt?.getTime() ?? NaN))[0];
  const events = await prisma.calendarEvent.count();
  const failures = await prisma.calendarSyncRun.groupBy({
    by: ['errorCode'],
    where: { status: 'FAILED' },
    _count: true,
  });
  const fetchesPerUrl = new Map<string, number>();
  for (const request of requests) {
    fetchesPerUrl.set(request.path, (fetchesPerUrl.get(request.path) ?? 0) + 1);
  }

  console.log(
    `workers ready in ${formatMs(workersReadyMs)}; every run finished ${formatMs(doneMs)} after ` +
      'the workers were spawned',
  );
  console.log(
    `fetches: ${requests.length} over ${fetchesPerUrl.size} distinct URLs, at most ` +
      `${Math.max(0, ...fetchesPerUrl.values())} per URL (goal: ${feedCount}, one per URL: ` +
      `${requests.length === feedCount ? 'met' : 'missed'})`,
  );
  console.log(
    `cycle wall time, first run queued to last run finished: ${formatMs(cycleMs)} ` +
      `(goal < ${formatMs(goalCycleMs)}: ${cycleMs < goalCycleMs ? 'met' : 'missed'})`,
  );
  console.log(
    `first run started ${formatMs((firstStartMs ?? Number.NaN) - firstQueuedAt)} after the first was queued; ` +
      `one room's run (started to finished): p50 ${formatMs(percentile(runMs, 0.5))}, ` +
      `p99 ${formatMs(percentile(runMs, 0.99))}`,
  );
  console.log(
    `runs by status: ${byStatus.map((group) => `${group.status} ${String(group._count)}`).join(', ')}; ` +
      `${events} occurrences stored`,
  );
  if (failures.length > 0) {
    console.log(
      `failed runs by error: ${failures.map((group) => `${String(group.errorCode)} ${String(group._count)}`).join(', ')}`,
    );
  }
} finally {
  await Promise.all(workers.map((worker) => worker.stop()));
  await feedServer.close();
  await redis.release();
  await bench.drop();
}
process.exit(0);
