import { describe, expect, it } from 'vitest';
import { eachIsolated } from './each-isolated.js';

describe('eachIsolated', () => {
  it('gives every item its turn, once, although some fail, then reports every failure', async () => {
    const seen: number[] = [];
    const failure = eachIsolated(
      [1, 2, 3, 4, 5],
      async (item) => {
        await Promise.resolve();
        seen.push(item);
        if (item % 2 === 0) {
          throw new Error(`item ${item}`);
        }
      },
      { concurrency: 2 },
    );
    await expect(failure).rejects.toMatchObject({
      message: '2 of 5 items failed',
      errors: [new Error('item 2'), new Error('item 4')],
    });
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('runs at most `concurrency` items at a time, one at a time by default', async () => {
    for (const [concurrency, expected] of [
      [undefined, 1],
      [3, 3],
    ] as const) {
      let running = 0;
      let most = 0;
      await eachIsolated(
        Array.from({ length: 10 }, (_, index) => index),
        async () => {
          running += 1;
          most = Math.max(most, running);
          await new Promise((resolve) => setImmediate(resolve));
          running -= 1;
        },
        concurrency === undefined ? {} : { concurrency },
      );
      expect(most).toBe(expected);
    }
  });

  it('does nothing for no items', async () => {
    await expect(eachIsolated([], () => Promise.reject(new Error('never')))).resolves.toBe(
      undefined,
    );
  });
});
