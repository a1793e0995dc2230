// Fault: an API process commits a change while Redis is down and is SIGKILLed before Redis returns,
// so the change's events never left it. The outbox rows it wrote with the change are sent by a relay
// (another process's), and the lobby subscriber on the other API gets the change: delivered, once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/engines/database/database.js';
import {
  pick,
  pickArray,
  recordSubscription,
  waitUntil,
  type Emission,
  type RecordedSubscription,
} from '../support/api-client.js';
import { seedWatchedMeeting } from '../support/api-seed.js';
import {
  startApiProcess,
  startRuntimeApi,
  type ApiProcess,
  type RuntimeApi,
} from '../support/api-server.js';
import {
  startPrivatePostgres,
  startPrivateRedis,
  type PrivateService,
} from '../support/private-services.js';

const lobbySubscription = `subscription ($roomName: String!) {
  roomMeetings(roomName: $roomName) { live { id } }
}`;

// A meeting page reloads only on its events, never on a reconnect: it shows what the relay sent.
const meetingSubscription = `subscription ($id: ID!) { meeting(id: $id) { status } }`;

// Ending needs no Redis (no rate limit, no timer), so it commits while Redis is down.
const endMutation = `mutation ($meetingId: ID!) {
  endMeeting(meetingId: $meetingId) { __typename ... on Error { message } }
}`;

const liveCountOf = (emission: Emission) => pickArray(emission.data, 'roomMeetings', 'live').length;

let redis: PrivateService;
let postgres: PrivateService;
let database: Database;
let writer: ApiProcess;
let reader: RuntimeApi;
let subscription: RecordedSubscription;
let meetingPage: RecordedSubscription;
let owner: string;
let meetingId: string;

/** The subscriber eventually shows `count` live meetings. */
function subscriberShows(count: number) {
  return subscription.waitFor((emission) => liveCountOf(emission) === count, {
    timeoutMs: 15_000,
  });
}

beforeAll(async () => {
  [redis, postgres] = await Promise.all([startPrivateRedis(), startPrivatePostgres()]);
  database = await openDatabase({ kind: 'postgres', url: postgres.url });
  await database.migrate();
  const engines = { databaseUrl: postgres.url, redisUrl: redis.url };
  writer = await startApiProcess(engines);
  reader = await startRuntimeApi({ DATABASE_URL: postgres.url, REDIS_URL: redis.url });
  const seeded = await seedWatchedMeeting(
    writer.gql,
    reader.webSocketUrl,
    'outbox',
    lobbySubscription,
  );
  ({ owner, meetingId, lobby: subscription } = seeded);
  meetingPage = recordSubscription(
    reader.webSocketUrl,
    { query: meetingSubscription, variables: { id: meetingId } },
    owner,
  );
  await subscriberShows(1);
  await meetingPage.waitFor((emission) => pick(emission.data, 'meeting', 'status') === 'OPEN');
}, 90_000);

afterAll(async () => {
  await subscription.close();
  await meetingPage.close();
  await reader.close();
  await writer.stop();
  await database.close();
  await Promise.all([redis.dispose(), postgres.dispose()]);
});

describe('the outbox', () => {
  it('delivers a change whose process died while Redis was down, through a relay', async () => {
    await redis.kill();
    await waitUntil('the writer reports 503 while Redis is down', async () => {
      const response = await fetch(`${writer.url}/ready`);
      return response.status === 503;
    });

    const response = await writer.gql(endMutation, { meetingId }, { token: owner });
    expect(pick(response.data, 'endMeeting', '__typename')).toBe('EndMeetingSuccess');
    // Committed, and its events (the room's topic and the meeting's) wait in the outbox.
    expect(await database.prisma.meeting.count({ where: { status: 'OPEN' } })).toBe(0);
    expect(await database.prisma.outboxEvent.count()).toBe(2);

    writer.child.kill('SIGKILL');
    await redis.start();

    await subscriberShows(0);
    await meetingPage.waitFor((emission) => pick(emission.data, 'meeting', 'status') === 'ENDED', {
      timeoutMs: 15_000,
    });
    await waitUntil('a relay has sent and deleted the rows', async () => {
      return (await database.prisma.outboxEvent.count()) === 0;
    });
  }, 60_000);
});
