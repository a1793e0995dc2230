// `npm run bench:live [-- --subscribers 10000 --changes 50]`: N graphql-ws subscribers of one
// room's roomMeetings, spread over two API processes that share PostgreSQL and Redis with a worker;
// changes made through the first API (start, joins, leaves) one after the other. Prints
// change-to-receipt latency, lobby loads per change per API process, and memory per idle
// subscriber. Goals: everyone served within 1 s, one load per change per process, ≤ 20 KB each.
import { dataOf, pickString } from '../test/support/api-client.js';
import {
  claimRedisDatabase,
  startApiProcess,
  startWorkerProcess,
  testSecrets,
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
  type Subscribers,
} from './live-harness.js';
import { lobbyKey } from './live-protocol.js';
import { formatMs, percentile } from './statistics.js';

const databaseUrl = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL;
if (databaseUrl === undefined || redisUrl === undefined) {
  console.error(
    'bench:live runs two API processes and a worker, which share PostgreSQL and Redis: set both, e.g.\n' +
      '  DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379 npm run bench:live',
  );
  process.exit(1);
}

const subscriberCount = numberOption('subscribers', 1_000);
const changeCount = numberOption('changes', 50);
const readyTimeoutMs = 300_000;
const changeTimeoutMs = 30_000;
const roomName = 'live-bench';
const adminToken = testSecrets.bootstrapAdminToken;

const bench = await openBenchDatabase(databaseUrl);
const redis = await claimRedisDatabase(redisUrl);
const engines = { databaseUrl: bench.url ?? databaseUrl, redisUrl: redis.url };
// One client makes every change from one address: the per-address and per-meeting limits would
// refuse it long before the subscribers are measured.
const environment = {
  NODE_ENV: 'production',
  MEETING_JOINS_PER_IP_PER_MINUTE: '10000',
  MEETING_JOINS_PER_MEETING_PER_MINUTE: '10000',
};
const apiOptions = { script: apiScript, nodeArguments: ['--expose-gc'], ipc: true };
const processes: LobbyProcess[] = [];
const subscriberProcesses: Subscribers[] = [];

try {
  const [writer, reader] = await Promise.all([
    startApiProcess(engines, environment, apiOptions),
    startApiProcess(engines, environment, apiOptions),
  ]);
  const apis = [writer, reader];
  processes.push(...apis, await startWorkerProcess(engines, environment));
  const gql = (query: string, variables: Record<string, unknown> = {}) =>
    writer.gql(query, variables, { token: adminToken }).then(dataOf);
  await gql('mutation ($input: CreateRoomInput!) { createRoom(input: $input) { __typename } }', {
    input: { name: roomName, isShared: true },
  });

  console.log(
    `bench:live: ${subscriberCount} subscribers over ${apis.length} API processes and a worker, ` +
      `${changeCount} changes; database ${bench.label}`,
  );
  // A process's first GraphQL request sets up megabytes it keeps: not a subscriber's cost.
  await Promise.all(
    apis.map((api) =>
      api
        .gql('query ($name: String!) { room(name: $name) { meetings { generatedAt } } }', {
          name: roomName,
        })
        .then(dataOf),
    ),
  );
  const idleBefore = await Promise.all(apis.map(statsOf));
  const subscribeStartedAt = epochMs();
  const webSocketUrls = apis.map((api) => api.webSocketUrl);
  for (let first = 0; first < subscriberCount; first += subscribersPerProcess) {
    const count = Math.min(subscribersPerProcess, subscriberCount - first);
    subscriberProcesses.push(startSubscribers(webSocketUrls, count, first, [roomName]));
  }
  const failedToSubscribe = await awaitReady(subscriberProcesses, readyTimeoutMs);
  console.log(
    `subscribed: ${subscriberCount - failedToSubscribe} of ${subscriberCount} got their first lobby ` +
      `in ${formatMs(epochMs() - subscribeStartedAt)}`,
  );
  const idleAfter = await Promise.all(apis.map(statsOf));

  const latenciesMs: number[] = [];
  const slowestPerChangeMs: number[] = [];
  let missed = 0;
  let meetingId = '';
  const sessionIds: string[] = [];
  const loadsBefore = await Promise.all(apis.map(statsOf));
  for (let change = 0; change < changeCount; change += 1) {
    // Start, then join, join, leave, …: every lobby differs from the one before it.
    const action = change === 0 ? 'start' : change % 3 === 0 ? 'leave' : 'join';
    const participants = sessionIds.length + (action === 'join' ? 1 : action === 'leave' ? -1 : 0);
    const expectedLobby = lobbyKey([{ participantCount: participants }], 0);
    // Heartbeats publish nothing: they keep the sessions from going stale during a long run.
    await Promise.all(
      sessionIds.map((sessionId) =>
        gql('mutation ($id: ID!) { meetingHeartbeat(sessionId: $id) { __typename } }', {
          id: sessionId,
        }),
      ),
    );
    const makeChange = async () => {
      if (action === 'start') {
        const started = await gql(
          'mutation ($name: String!) { startMeeting(roomName: $name) { ... on StartMeetingSuccess { meeting { id } } } }',
          { name: roomName },
        );
        meetingId = pickString(started, 'startMeeting', 'meeting', 'id');
      } else if (action === 'join') {
        const joined = await gql(
          'mutation ($id: ID!) { joinMeeting(meetingId: $id) { ... on JoinMeetingSuccess { session { id } } } }',
          { id: meetingId },
        );
        sessionIds.push(pickString(joined, 'joinMeeting', 'session', 'id'));
      } else {
        await gql('mutation ($id: ID!) { leaveMeeting(sessionId: $id) { __typename } }', {
          id: sessionIds.pop(),
        });
      }
    };
    const { receivedAtMs, missing, sentAtMs } = await measureChange(
      subscriberProcesses,
      { index: change, expectedLobby },
      makeChange,
      changeTimeoutMs,
    );
    missed += missing;
    const changeLatenciesMs = receivedAtMs.map((receivedAt) => receivedAt - sentAtMs);
    latenciesMs.push(...changeLatenciesMs);
    slowestPerChangeMs.push(Math.max(0, ...changeLatenciesMs));
  }
  const loadsAfter = await Promise.all(apis.map(statsOf));

  latenciesMs.sort((a, b) => a - b);
  const withinOneSecond = slowestPerChangeMs.filter((slowestMs) => slowestMs <= 1_000).length;
  console.log(
    `change-to-receipt latency over ${latenciesMs.length} receipts: p50 ${formatMs(percentile(latenciesMs, 0.5))}, ` +
      `p99 ${formatMs(percentile(latenciesMs, 0.99))}, max ${formatMs(latenciesMs.at(-1) ?? Number.NaN)}; ` +
      `missed ${missed}`,
  );
  console.log(
    `changes delivered to every subscriber within 1 s: ${withinOneSecond} of ${changeCount} ` +
      `(slowest change fully delivered in ${formatMs(Math.max(...slowestPerChangeMs))})`,
  );
  console.log(
    `lobby loads per change: ${apis
      .map((_, index) => {
        const loads = (loadsAfter[index]?.loadCount ?? 0) - (loadsBefore[index]?.loadCount ?? 0);
        return `API ${index + 1} ${(loads / changeCount).toFixed(2)}`;
      })
      .join(', ')}`,
  );
  const kilobytesEach = (bytes: number) => `${(bytes / subscriberCount / 1024).toFixed(1)} KB`;
  console.log(
    `memory per idle subscriber (API processes, after GC): RSS ${kilobytesEach(grownBytes(idleBefore, idleAfter, 'rssBytes'))}, ` +
      `heap ${kilobytesEach(grownBytes(idleBefore, idleAfter, 'heapUsedBytes'))}`,
  );
} finally {
  await closeSubscribers(subscriberProcesses);
  await Promise.all(processes.map((child) => child.stop()));
  await redis.release();
  await bench.drop();
}
process.exit(0);
