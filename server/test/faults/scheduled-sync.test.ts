// Fault: Redis restarted empty under a running worker. The repeating sync pass must be re-created,
// so the next due feed is synced on schedule without restarting the worker.
import { afterAll, beforeAll, it } from 'vitest';
import {
  uniqueRoomName,
  createRoomAs,
  serveCalendarFeeds,
  setFeedAndSync,
  signTestJwt,
} from '../support/api-seed.js';
import type { CalendarFeeds } from '../support/api-seed.js';
import { waitUntil } from '../support/api-client.js';
import { startInProcessApi, type InProcessApi } from '../support/api-server.js';
import { databaseEngines, type TestDatabase } from '../support/database.js';
import { startPrivateRedis, type PrivateService } from '../support/private-services.js';
import { type Engines, redisEngines } from '../support/engines.js';

let redis: PrivateService;
let database: TestDatabase;
let feeds: CalendarFeeds;
let engines: Engines;
let api: InProcessApi;

beforeAll(async () => {
  redis = await startPrivateRedis();
  const [firstEngine] = databaseEngines();
  if (firstEngine === undefined) throw new Error('No database engine');
  database = await firstEngine.open();
  feeds = await serveCalendarFeeds();
  engines = redisEngines({ url: redis.url, log: () => undefined });
  api = await startInProcessApi({
    database,
    engines,
    worker: true,
    environment: { CALENDAR_FETCH_ALLOWED_HOSTS: feeds.host },
  });
});

afterAll(async () => {
  await api.close();
  await engines.close();
  await feeds.close();
  await database.drop();
  await redis.dispose();
});

it('runs the next scheduled sync after Redis restarted empty', async () => {
  const owner = await signTestJwt({ subject: 'owner-scheduled-sync' });
  const room = await createRoomAs(api.gql, owner, { name: uniqueRoomName('scheduled') });
  await setFeedAndSync(api.gql, owner, room, feeds.urlFor(room.name));

  const { id: roomId } = await api.deps.prisma.room.findUniqueOrThrow({
    where: { name: room.name },
  });

  await redis.kill();
  // Due before Redis is back, so the first pass of the re-created schedule already finds it.
  await api.deps.prisma.calendarFeed.update({
    where: { roomId },
    data: { nextSyncAt: new Date() },
  });
  await redis.start();

  await waitUntil('a scheduled sync ran after Redis came back empty', async () => {
    const scheduled = await api.deps.prisma.calendarSyncRun.findFirst({
      where: { roomId, trigger: 'SCHEDULE', status: { in: ['SUCCEEDED', 'UNCHANGED'] } },
    });
    return scheduled !== null;
  });
}, 60_000);
