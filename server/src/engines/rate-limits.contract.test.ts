import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { engineCases } from '../../test/support/redis.js';
import type { RateLimitRule } from './rate-limits.js';
import { createInProcessRateLimits } from './rate-limits/in-process.js';
import { createRedisRateLimits } from './rate-limits/redis.js';

const cases = engineCases({
  inProcess: () => createInProcessRateLimits(),
  redis: createRedisRateLimits,
});

const threePerMinute: RateLimitRule = { name: 'test-three', limit: 3, windowSeconds: 60 };

describe.each(cases)('rate limits on $engine', (engineCase) => {
  afterEach(() => engineCase.cleanup());

  it('allows the limit within a window, then refuses with the time left in it', async () => {
    const limits = engineCase.space().open();
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect(await limits.consume(threePerMinute, 'user-1')).toEqual({ allowed: true });
    }
    const refused = await limits.consume(threePerMinute, 'user-1');
    if (refused.allowed) throw new Error('The fourth attempt in a window must be refused');
    expect(refused.retryAfterSeconds).toBeGreaterThan(0);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
  });

  it('counts each subject and each rule apart', async () => {
    const limits = engineCase.space().open();
    const otherRule: RateLimitRule = { name: 'test-other', limit: 1, windowSeconds: 60 };
    for (let attempt = 0; attempt < 3; attempt += 1) await limits.consume(threePerMinute, 'user-1');
    expect(await limits.consume(threePerMinute, 'user-1')).toMatchObject({ allowed: false });
    expect(await limits.consume(threePerMinute, 'user-2')).toEqual({ allowed: true });
    expect(await limits.consume(otherRule, 'user-1')).toEqual({ allowed: true });
    expect(await limits.consume(otherRule, 'user-1')).toMatchObject({ allowed: false });
  });

  it('opens a new window once the previous one ends', async () => {
    const limits = engineCase.space().open();
    const onePerSecond: RateLimitRule = { name: 'test-second', limit: 1, windowSeconds: 1 };
    expect(await limits.consume(onePerSecond, 'user-1')).toEqual({ allowed: true });
    expect(await limits.consume(onePerSecond, 'user-1')).toEqual({
      allowed: false,
      retryAfterSeconds: 1,
    });
    await sleep(1100);
    expect(await limits.consume(onePerSecond, 'user-1')).toEqual({ allowed: true });
  });

  it('shares the counters between instances exactly when the engine is shared', async () => {
    const space = engineCase.space();
    const [first, second] = [space.open(), space.open()];
    for (let attempt = 0; attempt < 3; attempt += 1) await first.consume(threePerMinute, 'user-1');
    expect(await second.consume(threePerMinute, 'user-1')).toMatchObject({
      allowed: !engineCase.sharedAcrossInstances,
    });
  });
});
