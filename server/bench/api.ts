// `npm run bench:api [-- --duration-seconds 5 --concurrency 32 --rounds 2]`: throughput of the
// lobby query against a Lobby API (PGlite, or PostgreSQL where DATABASE_URL is set) beside a
// hello-world graphql-yoga server, both in this process, measured in alternating rounds by the same
// load generator in its own process (so a busy machine weighs on both alike). Goal: the lobby
// query at half the hello-world rate or better.
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createSchema, createYoga } from 'graphql-yoga';
import { z } from 'zod';
import { startInProcessApi, type InProcessApi } from '../test/support/api-server.js';
import { numberOption, openBenchDatabase, runJsonChild } from './bench-support.js';
import { formatMs } from './statistics.js';
import { inProcessEngines } from '../test/support/engines.js';

const durationMs = numberOption('duration-seconds', 5) * 1000;
const concurrency = numberOption('concurrency', 32);
const rounds = numberOption('rounds', 2);
const warmUpMs = 1_000;
const roomName = 'bench-lobby';
const loadScript = fileURLToPath(new URL('./http-load.ts', import.meta.url));

const lobbyQueryText = `query Lobby($name: String!) {
  room(name: $name) { meetings { live { id title participantCount } upcoming { id } } }
}`;
const lobbyQuery = JSON.stringify({ query: lobbyQueryText, variables: { name: roomName } });
const helloQuery = JSON.stringify({ query: '{ hello }' });

const loadResult = z.object({
  requests: z.number(),
  failures: z.number(),
  requestsPerSecond: z.number(),
  p50Ms: z.number(),
  p99Ms: z.number(),
});
type LoadResult = z.infer<typeof loadResult>;

async function measure(url: string, body: string): Promise<LoadResult> {
  await runJsonChild(loadScript, { url, body, durationMs: warmUpMs, concurrency });
  return loadResult.parse(await runJsonChild(loadScript, { url, body, durationMs, concurrency }));
}

/** A lobby as people see it: two meetings under way with people in them, five coming up. */
async function seedLobby(api: InProcessApi): Promise<void> {
  const { prisma } = api.deps;
  const now = Date.now();
  const owner = await prisma.user.create({ data: { subject: 'bench:owner' } });
  const room = await prisma.room.create({
    data: { name: roomName, ownerId: owner.id, isShared: true },
  });
  for (let index = 0; index < 7; index += 1) {
    const live = index < 2;
    const startsAt = new Date(now + (live ? -15 : 60 * index) * 60_000);
    await prisma.meeting.create({
      data: {
        roomId: room.id,
        title: `Meeting ${index + 1}`,
        startsAt,
        endsAt: new Date(startsAt.getTime() + 60 * 60_000),
        videoRoomName: `${roomName}-${index}`,
        ...(live && {
          firstJoinedAt: startsAt,
          sessions: {
            create: Array.from({ length: 3 }, (_, person) => ({
              displayName: `Person ${person + 1}`,
              joinedAt: startsAt,
              lastSeenAt: new Date(now),
            })),
          },
        }),
      },
    });
  }
  const check = await api.gql(lobbyQueryText, { name: roomName });
  if (check.errors !== undefined)
    throw new Error(`The lobby query fails: ${JSON.stringify(check.body)}`);
}

async function startHelloWorld(): Promise<{ url: string; close(): Promise<void> }> {
  const yoga = createYoga({
    schema: createSchema({
      typeDefs: 'type Query { hello: String! }',
      resolvers: { Query: { hello: () => 'world' } },
    }),
    graphiql: false,
    logging: false,
  });
  const server = createServer((request, response) => {
    void yoga(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}

const bench = await openBenchDatabase(process.env.DATABASE_URL);
const engines = inProcessEngines((message, error) => {
  console.error(message, error);
});
const api = await startInProcessApi({
  database: bench.database,
  engines,
  environment: { NODE_ENV: 'production' },
});
const hello = await startHelloWorld();
try {
  await seedLobby(api);
  console.log(
    `bench:api: ${rounds} rounds of ${durationMs / 1000} s per server (after a ${warmUpMs / 1000} s ` +
      `warm-up each), ${concurrency} keep-alive clients; database ${bench.label}`,
  );
  const servers: { name: string; url: string; body: string; results: LoadResult[] }[] = [
    { name: 'hello-world yoga', url: hello.url, body: helloQuery, results: [] },
    { name: 'lobby query', url: api.graphqlUrl, body: lobbyQuery, results: [] },
  ];
  for (let round = 0; round < rounds; round += 1) {
    for (const server of servers) server.results.push(await measure(server.url, server.body));
  }
  const meanRate = (results: readonly LoadResult[]) =>
    results.reduce((sum, result) => sum + result.requestsPerSecond, 0) / results.length;
  for (const { name, results } of servers) {
    const p50s = results.map((result) => formatMs(result.p50Ms)).join(', ');
    const p99s = results.map((result) => formatMs(result.p99Ms)).join(', ');
    const failures = results.reduce((sum, result) => sum + result.failures, 0);
    console.log(
      `${name.padEnd(18)} ${meanRate(results).toFixed(0).padStart(7)} req/s ` +
        `(rounds: ${results.map((result) => result.requestsPerSecond.toFixed(0)).join(', ')})  ` +
        `p50 ${p50s}  p99 ${p99s}  failures ${failures}`,
    );
  }
  const [helloServer, lobbyServer] = servers;
  const ratio = meanRate(lobbyServer?.results ?? []) / meanRate(helloServer?.results ?? []);
  console.log(
    `ratio lobby / hello-world: ${ratio.toFixed(2)} (goal ≥ 0.50: ${ratio >= 0.5 ? 'met' : 'missed'})`,
  );
} finally {
  await hello.close();
  await api.close();
  await engines.close();
  await bench.drop();
}
// A pg pool or PGlite handle must not keep the finished benchmark alive.
process.exit(0);
