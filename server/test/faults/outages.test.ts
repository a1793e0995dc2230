// Faults: Redis down, and PostgreSQL restarted, under two APIs with a live lobby subscriber on the
// second. Requests answer promptly and honestly, /ready tells, and changes reach the subscriber.
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/engines/database/database.js';
import {
  pick,
  pickArray,
  waitUntil,
  type Emission,
  type GraphqlResponse,
  type RecordedSubscription,
} from '../support/api-client.js';
import { seedWatchedMeeting } from '../support/api-seed.js';
import { startRuntimeApi, type RuntimeApi } from '../support/api-server.js';
import {
  startPrivatePostgres,
  startPrivateRedis,
  type PrivateService,
} from '../support/private-services.js';

const lobbySubscription = `subscription ($roomName: String!) {
  roomMeetings(roomName: $roomName) { live { id participantCount } }
}`;

const joinMutation = `mutation ($meetingId: ID!, $displayName: String) {
  joinMeeting(meetingId: $meetingId, displayName: $displayName) {
    __typename ... on Error { message }
  }
}`;

const participantCountOf = (emission: Emission) =>
  pick(pickArray(emission.data, 'roomMeetings', 'live')[0], 'participantCount');

let redis: PrivateService;
let postgres: PrivateService;
let writer: RuntimeApi;
let reader: RuntimeApi;
let subscription: RecordedSubscription;
let participant: string;
let meetingId: string;

async function readiness(api: RuntimeApi): Promise<number> {
  const response = await fetch(`${api.url}/ready`);
  return response.status;
}

async function bothReady(status: number, what: string): Promise<void> {
  await waitUntil(what, async () => {
    const statuses = await Promise.all([readiness(writer), readiness(reader)]);
    return statuses.every((each) => each === status);
  });
}

/** Joins through the writer; the figure printed is how long the answer took. */
async function join(displayName: string): Promise<GraphqlResponse> {
  const startedAt = performance.now();
  const response = await writer.gql(
    joinMutation,
    { meetingId, displayName },
    { token: participant },
  );
  console.log(
    `joinMeeting (${displayName}) answered in ${Math.round(performance.now() - startedAt)} ms`,
  );
  return response;
}

async function openSessionCount(): Promise<number> {
  return writer.runtime.deps.prisma.participantSession.count({
    where: { meetingId: fromGlobalId(meetingId), leftAt: null },
  });
}

function fromGlobalId(globalId: string): string {
  const [, id] = Buffer.from(globalId, 'base64').toString('utf8').split(':');
  if (id === undefined) throw new Error(`Not a global id: ${globalId}`);
  return id;
}

/** The subscriber eventually shows `count` participants (from the emission `from` on). */
function subscriberShows(count: number, from = 0) {
  return subscription.waitFor(
    (emission) => isDeepStrictEqual(participantCountOf(emission), count),
    {
      from,
      timeoutMs: 20_000,
    },
  );
}

beforeAll(async () => {
  [redis, postgres] = await Promise.all([startPrivateRedis(), startPrivatePostgres()]);
  const database = await openDatabase({ kind: 'postgres', url: postgres.url });
  await database.migrate();
  await database.close();
  const environment = { DATABASE_URL: postgres.url, REDIS_URL: redis.url };
  writer = await startRuntimeApi(environment, { worker: true });
  reader = await startRuntimeApi(environment);
  const seeded = await seedWatchedMeeting(
    writer.gql,
    reader.webSocketUrl,
    'outages',
    lobbySubscription,
  );
  ({ participant, meetingId, lobby: subscription } = seeded);
  await subscriberShows(0);
}, 60_000);

afterAll(async () => {
  await subscription.close();
  await reader.close();
  await writer.close();
  await Promise.all([redis.dispose(), postgres.dispose()]);
});

describe('outages', () => {
  it('while Redis is down: /ready is 503, a change is refused or delivered, never both or neither', async () => {
    const before = await openSessionCount();
    await redis.kill();
    await bothReady(503, 'both APIs report 503 while Redis is down');

    const response = await join('During the Redis outage');
    const typename = pick(response.data, 'joinMeeting', '__typename');
    const committed = (await openSessionCount()) === before + 1;
    if (typename === 'JoinMeetingSuccess') {
      expect(committed).toBe(true);
    } else {
      // Refused: a typed, retryable error, and nothing changed.
      expect(response.errors?.[0]?.extensions).toMatchObject({
        code: 'SERVICE_UNAVAILABLE',
        retryable: true,
      });
      expect(committed).toBe(false);
    }

    await redis.start();
    await bothReady(200, 'both APIs are ready again once Redis is back');
    // Delivered: the subscriber on the other API sees what was committed.
    await subscriberShows(await openSessionCount());

    const from = subscription.emissions.length;
    expect(pick((await join('After the Redis outage')).data, 'joinMeeting', '__typename')).toBe(
      'JoinMeetingSuccess',
    );
    await subscriberShows(await openSessionCount(), from);
  }, 60_000);

  it('after PostgreSQL restarted: /ready recovers and a later change reaches the subscriber', async () => {
    await postgres.kill();
    await bothReady(503, 'both APIs report 503 while PostgreSQL is down');
    const response = await join('During the PostgreSQL outage');
    expect(response.errors?.[0]?.extensions).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      retryable: true,
    });

    await postgres.start();
    await bothReady(200, 'both APIs are ready again once PostgreSQL is back');
    const from = subscription.emissions.length;
    expect(
      pick((await join('After the PostgreSQL restart')).data, 'joinMeeting', '__typename'),
    ).toBe('JoinMeetingSuccess');
    await subscriberShows(await openSessionCount(), from);
  }, 60_000);
});
