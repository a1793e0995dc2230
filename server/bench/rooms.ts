// `DATABASE_URL=… REDIS_URL=… npm run bench:rooms [-- --rooms 10000 --subscribers 10000
// --changes 200 --baseline-changes 20 --shared-subscribers 1000]`: many rooms, one graphql-ws
// subscriber each, over two API processes that share PostgreSQL and Redis with a worker. A meeting
// is started in one room after another, spread over the rooms. Prints change-to-subscriber latency
// against a baseline measured in this run (the same changes while only their own rooms are
// watched), API memory per watched room and per extra subscriber (RSS and heap after a GC), the
// Redis channels held, and what is left once every subscriber is gone. Goals: every change within
// 1 s, and per-room read models bounded (released, with their channels, when nobody watches).
import { Redis } from 'ioredis';
import { dataOf } from '../test/support/api-client.js';
import {
  claimRedisDatabase,
  startApiProcess,
  startWorkerProcess,
  testSecrets,
  type ApiProcess,
  type LobbyProcess,
} from '../test/support/api-server.js';
import { numberOption, openBenchDatabase } from './bench-support.js';
import {
  apiScript,
  awaitReady,
  closeSubscribers,
  epochMs,
  grownBytes,
  measureChange,
  startSubscribers,
  statsOf,
  subscribersPerProcess,
  type ApiStats,
  type Subscribers,
} from './live-harness.js';
import { lobbyKey } from './live-protocol.js';
import { formatMs, percentile } from './statistics.js';

const databaseUrl = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL;
if (databaseUrl === undefined || redisUrl === undefined) {
  console.error(
    'bench:rooms runs two API processes and a worker, which share PostgreSQL and Redis: set both, e.g.\n' +
      '  DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379 npm run bench:rooms',
  );
  process.exit(1);
}

const roomCount = numberOption('rooms', 10_000);
/** Subscriber i watches room i: one each while there are no more subscribers than rooms. */
const subscriberCount = numberOption('subscribers', roomCount);
const watchedRoomCount = Math.min(roomCount, subscriberCount);
const changeCount = Math.min(numberOption('changes', 200), watchedRoomCount);
const baselineChangeCount = numberOption('baseline-changes', 20);
const sharedSubscriberCount = numberOption('shared-subscribers', 1_000);
const readyTimeoutMs = 600_000;
const changeTimeoutMs = 30_000;
/** A room nobody watches is released this long after its last read (live-updates.ts), plus a sweep. */
const releaseTimeoutMs = 150_000;
const goalLatencyMs = 1_000;
const adminToken = testSecrets.bootstrapAdminToken;
const redisPrefix = `bench-rooms-${String(process.pid)}`;
const roomName = (index: number) => `rooms-${String(index).padStart(5, '0')}`;
const baselineRoomName = (index: number) => `baseline-${String(index).padStart(3, '0')}`;
/** A room's lobby once a meeting was started in it: one live meeting, nobody in it yet. */
const startedLobby = lobbyKey([{ participantCount: 0 }], 0);

type Latencies = { latenciesMs: number[]; slowestPerChangeMs: number[]; missed: number };

/** Starts a meeting in each room in turn and measures when its subscribers saw it. */
async function startMeetings(
  writer: ApiProcess,
  subscribers: readonly Subscribers[],
  roomNames: readonly string[],
  firstChange: number,
): Promise<Latencies> {
  const result: Latencies = { latenciesMs: [], slowestPerChangeMs: [], missed: 0 };
  for (const [offset, name] of roomNames.entries()) {
    const { receivedAtMs, missing, sentAtMs } = await measureChange(
      subscribers,
      { index: firstChange + offset, expectedLobby: startedLobby, roomName: name },
      async () => {
        dataOf(
          await writer.gql(
            'mutation ($name: String!) { startMeeting(roomName: $name) { __typename } }',
            { name },
            { token: adminToken },
          ),
        );
      },
      changeTimeoutMs,
    );
    const changeLatenciesMs = receivedAtMs.map((receivedAt) => receivedAt - sentAtMs);
    result.latenciesMs.push(...changeLatenciesMs);
    result.slowestPerChangeMs.push(Math.max(0, ...changeLatenciesMs));
    result.missed += missing;
  }
  result.latenciesMs.sort((a, b) => a - b);
  return result;
}

function describe(latencies: Latencies): string {
  const { latenciesMs, slowestPerChangeMs, missed } = latencies;
  const within = slowestPerChangeMs.filter((slowestMs) => slowestMs <= goalLatencyMs).length;
  return (
    `p50 ${formatMs(percentile(latenciesMs, 0.5))}, p99 ${formatMs(percentile(latenciesMs, 0.99))}, ` +
    `max ${formatMs(latenciesMs.at(-1) ?? Number.NaN)}; ${within} of ${slowestPerChangeMs.length} ` +
    `changes within 1 s; missed ${missed}`
  );
}

/** Our event channels in Redis (pub/sub is server-wide: the prefix keeps others' out) and their subscribers. */
async function channelFigures(redis: Redis): Promise<{ channels: number; subscribers: number }> {
  const channels = await redis.pubsub('CHANNELS', `${redisPrefix}:events:*`);
  if (!Array.isArray(channels) || channels.length === 0) return { channels: 0, subscribers: 0 };
  const names = channels.filter((channel): channel is string => typeof channel === 'string');
  const counts = await redis.pubsub('NUMSUB', ...names);
  const subscribers = Array.isArray(counts)
    ? counts
        .filter((_, index) => index % 2 === 1)
        .reduce<number>((sum, count) => sum + Number(count), 0)
    : 0;
  return { channels: names.length, subscribers };
}

const bench = await openBenchDatabase(databaseUrl);
const redis = await claimRedisDatabase(redisUrl);
const redisClient = new Redis(redisUrl);
const engines = { databaseUrl: bench.url ?? databaseUrl, redisUrl: redis.url };
// One client starts every meeting from one address: the per-address limit would refuse it.
const environment = {
  NODE_ENV: 'production',
  REDIS_KEY_PREFIX: redisPrefix,
  MEETING_STARTS_PER_IP_PER_MINUTE: '10000',
};
const apiOptions = { script: apiScript, nodeArguments: ['--expose-gc'], ipc: true };
const processes: LobbyProcess[] = [];
const subscriberProcesses: Subscribers[] = [];

try {
  // Rows written directly: creating ten thousand rooms through the API would measure the API.
  const { prisma } = bench.database;
  const owner = await prisma.user.create({ data: { subject: 'bench:rooms-owner' } });
  const names = [
    ...Array.from({ length: roomCount }, (_, index) => roomName(index)),
    ...Array.from({ length: baselineChangeCount }, (_, index) => baselineRoomName(index)),
  ];
  await prisma.room.createMany({
    data: names.map((name) => ({ name, ownerId: owner.id, isShared: true })),
  });

  const [writer, reader] = await Promise.all([
    startApiProcess(engines, environment, apiOptions),
    startApiProcess(engines, environment, apiOptions),
  ]);
  const apis = [writer, reader];
  processes.push(...apis, await startWorkerProcess(engines, environment));
  const webSocketUrls = apis.map((api) => api.webSocketUrl);
  console.log(
    `bench:rooms: ${roomCount} rooms, ${subscriberCount} subscribers over ${apis.length} API ` +
      `processes and a worker, ${changeCount} changes (baseline ${baselineChangeCount}); ` +
      `database ${bench.label}`,
  );
  // A process's first GraphQL request sets up megabytes it keeps: not a room's cost.
  await Promise.all(
    apis.map(async (api) =>
      dataOf(
        await api.gql('query ($name: String!) { room(name: $name) { meetings { generatedAt } } }', {
          name: baselineRoomName(0),
        }),
      ),
    ),
  );

  // Channels no room holds (process-wide topics): what "every room released" comes back to.
  const unwatchedChannels = await channelFigures(redisClient);

  // Baseline: the same kind of change, while only the changed rooms are watched.
  const baselineNames = Array.from({ length: baselineChangeCount }, (_, index) =>
    baselineRoomName(index),
  );
  const baselineSubscribers = startSubscribers(
    webSocketUrls,
    baselineChangeCount,
    0,
    baselineNames,
  );
  subscriberProcesses.push(baselineSubscribers);
  await awaitReady([baselineSubscribers], readyTimeoutMs);
  const baseline = await startMeetings(writer, [baselineSubscribers], baselineNames, 0);
  const idle: ApiStats[] = await Promise.all(apis.map(statsOf));
  const idleChannels = await channelFigures(redisClient);

  const subscribeStartedAt = epochMs();
  const roomSubscribers: Subscribers[] = [];
  for (let first = 0; first < subscriberCount; first += subscribersPerProcess) {
    const count = Math.min(subscribersPerProcess, subscriberCount - first);
    const roomNames = Array.from({ length: count }, (_, offset) =>
      roomName((first + offset) % roomCount),
    );
    roomSubscribers.push(startSubscribers(webSocketUrls, count, first, roomNames));
  }
  subscriberProcesses.push(...roomSubscribers);
  const failedToSubscribe = await awaitReady(roomSubscribers, readyTimeoutMs);
  console.log(
    `subscribed: ${subscriberCount - failedToSubscribe} of ${subscriberCount} got their first ` +
      `lobby in ${formatMs(epochMs() - subscribeStartedAt)}`,
  );
  const watched = await Promise.all(apis.map(statsOf));
  const watchedChannels = await channelFigures(redisClient);

  // Spread: change k goes to room ⌊k · watched / changes⌋, so they are far apart.
  const changedNames = Array.from({ length: changeCount }, (_, change) =>
    roomName(Math.floor((change * watchedRoomCount) / changeCount)),
  );
  const spread = await startMeetings(writer, roomSubscribers, changedNames, baselineChangeCount);

  // Extra subscribers of one room already loaded: what a subscriber costs without its room.
  const beforeShared = await Promise.all(apis.map(statsOf));
  const sharedSubscribers = startSubscribers(webSocketUrls, sharedSubscriberCount, 0, [
    roomName(0),
  ]);
  subscriberProcesses.push(sharedSubscribers);
  await awaitReady([sharedSubscribers], readyTimeoutMs);
  const afterShared = await Promise.all(apis.map(statsOf));

  // Bounded: once nobody watches, every room's read model and channel must go.
  await closeSubscribers(subscriberProcesses);
  const releaseStartedAt = epochMs();
  let released = await channelFigures(redisClient);
  while (
    released.channels > unwatchedChannels.channels &&
    epochMs() - releaseStartedAt < releaseTimeoutMs
  ) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    released = await channelFigures(redisClient);
  }
  const releasedAfterMs = epochMs() - releaseStartedAt;
  const afterRelease = await Promise.all(apis.map(statsOf));

  const kilobytes = (bytes: number, count: number) => `${(bytes / count / 1024).toFixed(1)} KB`;
  const perCount = (before: ApiStats[], after: ApiStats[], count: number) =>
    `RSS ${kilobytes(grownBytes(before, after, 'rssBytes'), count)}, ` +
    `heap ${kilobytes(grownBytes(before, after, 'heapUsedBytes'), count)}`;
  const ratio = (fraction: number) =>
    (percentile(spread.latenciesMs, fraction) / percentile(baseline.latenciesMs, fraction)).toFixed(
      2,
    );
  const spreadMaxMs = spread.latenciesMs.at(-1) ?? Number.NaN;

  console.log(
    `baseline (${baselineChangeCount} rooms watched, one subscriber each): ${describe(baseline)}`,
  );
  console.log(`spread (${watchedRoomCount} rooms watched): ${describe(spread)}`);
  console.log(
    `ratio spread / baseline: p50 ${ratio(0.5)}, p99 ${ratio(0.99)}; goal every change within 1 s: ` +
      (spreadMaxMs <= goalLatencyMs && spread.missed === 0 ? 'met' : 'missed'),
  );
  console.log(
    `memory per watched room with its subscriber (API processes, after GC): ` +
      perCount(idle, watched, watchedRoomCount),
  );
  console.log(
    `memory per extra subscriber of a watched room: ` +
      perCount(beforeShared, afterShared, sharedSubscriberCount),
  );
  console.log(
    `Redis event channels: ${unwatchedChannels.channels} with no room watched, ` +
      `${idleChannels.channels} with the baseline's, ${watchedChannels.channels} with ` +
      `${watchedRoomCount} rooms watched (${watchedChannels.subscribers} subscriptions, ` +
      `goal one per watched room per process holding it)`,
  );
  console.log(
    `after every subscriber left: ${released.channels} channels after ${formatMs(releasedAfterMs)}; ` +
      `memory left per room watched ${perCount(idle, afterRelease, watchedRoomCount)} ` +
      `(goal bounded, back to ${unwatchedChannels.channels}: ${released.channels <= unwatchedChannels.channels ? 'met' : 'missed'})`,
  );
} finally {
  await closeSubscribers(subscriberProcesses);
  await Promise.all(processes.map((child) => child.stop()));
  await redisClient.quit();
  await redis.release();
  await bench.drop();
}
process.exit(0);
