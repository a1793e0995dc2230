// Fault: Redis loses every key (restarted empty, or failed over to a replica without them). The
// job schedules this process asked for must come back, on reconnect and on the periodic re-assert.
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobQueue } from '../../src/engines/jobs.js';
import { createBullmqJobQueue } from '../../src/engines/jobs/bullmq.js';
import { startPrivateRedis, type PrivateService } from '../support/private-services.js';
import { eventually } from '../support/redis.js';

/** Long enough that no second run comes from the schedule's own rhythm during a test. */
const hourMs = 3_600_000;

describe('job schedules when Redis loses its data', () => {
  let redis: PrivateService;
  let queue: JobQueue | undefined;

  beforeEach(async () => {
    redis = await startPrivateRedis();
  });
  afterEach(async () => {
    await queue?.close();
    await redis.dispose();
  });

  async function workingQueue(reassertSchedulesEveryMs?: number) {
    const runs: unknown[] = [];
    queue = createBullmqJobQueue({
      url: redis.url,
      log: () => undefined,
      ...(reassertSchedulesEveryMs === undefined ? {} : { reassertSchedulesEveryMs }),
    });
    await queue.work(
      {
        tick: (data) => {
          runs.push(data);
          return Promise.resolve();
        },
      },
      { concurrency: 1 },
    );
    await queue.schedule('hourly', 'tick', hourMs, 'hourly');
    // A new schedule runs at once.
    await eventually(() => {
      expect(runs).toEqual(['hourly']);
    });
    return runs;
  }

  it('re-creates its schedules when the connection comes back to an empty Redis', async () => {
    const runs = await workingQueue();

    await redis.kill();
    await redis.start();

    // Re-created, the schedule is new again: it runs at once rather than in an hour.
    await eventually(() => {
      expect(runs).toEqual(['hourly', 'hourly']);
    });
  }, 30_000);

  it('re-creates its schedules periodically when Redis lost them without a disconnect', async () => {
    const runs = await workingQueue(200);
    const admin = new Redis(redis.url);
    try {
      await admin.flushall();
    } finally {
      await admin.quit();
    }

    await eventually(() => {
      expect(runs).toEqual(['hourly', 'hourly']);
    });
  }, 30_000);

  it('keeps the rhythm of a schedule Redis still has: re-asserting does not run it again', async () => {
    const runs = await workingQueue(100);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(runs).toEqual(['hourly']);
  }, 30_000);
});
