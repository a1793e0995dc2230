// `npm run bench:live [-- --subscribers 10000 --changes 50]`: N graphql-ws subscribers of one
// room's roomMeetings, spread over two API processes that share PostgreSQL and Redis with a worker;
// changes made through the first API (start, joins, leaves) one after the other. Prints
// change-to-receipt latency, lobby loads per change per API process, and memory per idle
// subscriber. Goals: everyone served within 1 s, one load per change per process, ≤ 20 KB each.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { dataOf, pickString } from '../test/support/api-client.js';
import {
  claimRedisDatabase,
  startApiProcess,
  startWorkerProcess,
  testSecrets,
  type ApiProcess,
  type LobbyProcess,
} from '../test/support/api-server.js';
import { numberOption, openBenchDatabase } from './bench-support.js';
import { childMessage, lobbyKey, type ChildMessage } from './live-protocol.js';
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
const subscribersPerProcess = 2_500;
const readyTimeoutMs = 300_000;
const changeTimeoutMs = 30_000;
const roomName = 'live-bench';
const adminToken = testSecrets.bootstrapAdminToken;
const apiScript = fileURLToPath(new URL('./api-process.ts', import.meta.url));
const subscriberScript = fileURLToPath(new URL('./live-subscribers.ts', import.meta.url));
const epochMs = () => performance.timeOrigin + performance.now();

const apiStats = z.object({
  loadCount: z.number(),
  rssBytes: z.number(),
  heapUsedBytes: z.number(),
});
type ApiStats = z.infer<typeof apiStats>;

async function statsOf(api: ApiProcess): Promise<ApiStats> {
  const reply = once(api.child, 'message');
  api.child.send('stats');
  const messages: unknown[] = await reply;
  return apiStats.parse(messages[0]);
}

type Subscribers = { child: ChildProcess; messages: ChildMessage[]; waiters: (() => void)[] };

function startSubscribers(webSocketUrls: string[], count: number, firstIndex: number): Subscribers {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      subscriberScript,
      JSON.stringify({ webSocketUrls, count, firstIndex, roomName }),
    ],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  const subscribers: Subscribers = { child, messages: [], waiters: [] };
  child.on('message', (raw) => {
    subscribers.messages.push(childMessage.parse(raw));
    for (const waiter of subscribers.waiters.splice(0)) waiter();
  });
  return subscribers;
}

/** The first message of `type` (for `change`) from these subscribers, or undefined at the deadline. */
async function nextMessage<Type extends ChildMessage['type']>(
  subscribers: Subscribers,
  type: Type,
  change: number | undefined,
  timeoutMs: number,
): Promise<Extract<ChildMessage, { type: Type }> | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = subscribers.messages.find(
      (message): message is Extract<ChildMessage, { type: Type }> =>
        message.type === type &&
        (change === undefined || !('change' in message) || message.change === change),
    );
    if (found !== undefined) {
      subscribers.messages.splice(subscribers.messages.indexOf(found), 1);
      return found;
    }
    const remainingMs = deadline - Date.now();
    if (remainingMs <= 0) return undefined;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, remainingMs);
      subscribers.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

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
    subscriberProcesses.push(startSubscribers(webSocketUrls, count, first));
  }
  const ready = await Promise.all(
    subscriberProcesses.map((subscribers) =>
      nextMessage(subscribers, 'ready', undefined, readyTimeoutMs),
    ),
  );
  const failedToSubscribe = ready.reduce((sum, message) => sum + (message?.failed ?? 0), 0);
  if (ready.some((message) => message === undefined))
    throw new Error('Subscribers were not ready in time');
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
    for (const subscribers of subscriberProcesses) {
      subscribers.child.send({ type: 'arm', change, expectedLobby });
    }
    await Promise.all(
      subscriberProcesses.map((subscribers) =>
        nextMessage(subscribers, 'armed', change, changeTimeoutMs),
      ),
    );
    // Heartbeats publish nothing: they keep the sessions from going stale during a long run.
    await Promise.all(
      sessionIds.map((sessionId) =>
        gql('mutation ($id: ID!) { meetingHeartbeat(sessionId: $id) { __typename } }', {
          id: sessionId,
        }),
      ),
    );
    const sentAtMs = epochMs();
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
    let slowestMs = 0;
    for (const subscribers of subscriberProcesses) {
      let received = await nextMessage(subscribers, 'received', change, changeTimeoutMs);
      if (received === undefined) {
        subscribers.child.send({ type: 'collect', change });
        received = await nextMessage(subscribers, 'received', change, changeTimeoutMs);
      }
      missed += received?.missing ?? 0;
      for (const receivedAtMs of received?.receivedAtMs ?? []) {
        latenciesMs.push(receivedAtMs - sentAtMs);
        slowestMs = Math.max(slowestMs, receivedAtMs - sentAtMs);
      }
    }
    slowestPerChangeMs.push(slowestMs);
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
  const grownBytes = (key: 'rssBytes' | 'heapUsedBytes') =>
    apis.reduce(
      (sum, _, index) => sum + (idleAfter[index]?.[key] ?? 0) - (idleBefore[index]?.[key] ?? 0),
      0,
    );
  const kilobytesEach = (bytes: number) => `${(bytes / subscriberCount / 1024).toFixed(1)} KB`;
  console.log(
    `memory per idle subscriber (API processes, after GC): RSS ${kilobytesEach(grownBytes('rssBytes'))}, ` +
      `heap ${kilobytesEach(grownBytes('heapUsedBytes'))}`,
  );
} finally {
  for (const subscribers of subscriberProcesses) {
    if (subscribers.child.connected) subscribers.child.send({ type: 'close' });
  }
  await Promise.all(processes.map((child) => child.stop()));
  await redis.release();
  await bench.drop();
}
process.exit(0);
