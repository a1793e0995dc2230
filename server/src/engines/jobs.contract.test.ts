import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { engineCases, eventually } from '../../test/support/redis.js';
import type { JobHandler } from './jobs.js';
import { createBullmqJobQueue } from './jobs/bullmq.js';
import { createInProcessJobQueue } from './jobs/in-process.js';

const cases = engineCases({
  inProcess: (log) => createInProcessJobQueue({ log }),
  redis: createBullmqJobQueue,
});

/** A promise the test resolves when it chooses. */
function gate() {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/** Handlers that record, in order, the data of each job they ran. */
function recorder() {
  const runs: unknown[] = [];
  const record: JobHandler = (data) => {
    runs.push(data);
    return Promise.resolve();
  };
  return { runs, record };
}

describe.each(cases)('jobs on $engine', (engineCase) => {
  afterEach(() => engineCase.cleanup());

  it('runs jobs enqueued before work() starts, with their data as JSON and attempt 1', async () => {
    const queue = engineCase.space().open();
    const received: { data: unknown; attempt: number }[] = [];
    await queue.enqueue('greet', { to: 'room', at: new Date('2026-01-01T10:00:00Z') });
    await queue.enqueue('greet', undefined);

    await queue.work(
      {
        greet: (data, { attempt }) => {
          received.push({ data, attempt });
          return Promise.resolve();
        },
      },
      { concurrency: 1 },
    );
    await eventually(() => {
      expect(received).toEqual([
        { data: { to: 'room', at: '2026-01-01T10:00:00.000Z' }, attempt: 1 },
        { data: {}, attempt: 1 },
      ]);
    });
  });

  it('drops a job whose id is already waiting', async () => {
    const queue = engineCase.space().open();
    const { runs, record } = recorder();
    await queue.enqueue('record', 'first', { jobId: 'sync:room-1' });
    await queue.enqueue('record', 'duplicate', { jobId: 'sync:room-1' });
    await queue.enqueue('record', 'marker');

    await queue.work({ record }, { concurrency: 1 });
    await eventually(() => {
      expect(runs).toEqual(['first', 'marker']);
    });
  });

  it('drops a job whose id is delayed', async () => {
    const queue = engineCase.space().open();
    const { runs, record } = recorder();
    await queue.work({ record }, { concurrency: 1 });
    await queue.enqueue('record', 'delayed', { jobId: '42', delayMs: 200 });
    await queue.enqueue('record', 'duplicate', { jobId: '42' });

    // A duplicate accepted without delay would have run before the delayed job.
    await eventually(() => {
      expect(runs).toContain('delayed');
    });
    expect(runs).toEqual(['delayed']);
  });

  it('drops a job whose id is running, and runs the id again once it has finished', async () => {
    const queue = engineCase.space().open();
    const { runs, record } = recorder();
    const release = gate();
    await queue.work(
      {
        record,
        slow: async (data) => {
          runs.push(data);
          await release.opened;
        },
      },
      { concurrency: 1 },
    );
    await queue.enqueue('slow', 'first', { jobId: 'x' });
    await eventually(() => {
      expect(runs).toEqual(['first']);
    });
    await queue.enqueue('slow', 'duplicate', { jobId: 'x' });
    await queue.enqueue('record', 'marker');
    release.open();
    await eventually(() => {
      expect(runs).toEqual(['first', 'marker']);
    });

    await queue.enqueue('slow', 'again', { jobId: 'x' });
    await eventually(() => {
      expect(runs).toEqual(['first', 'marker', 'again']);
    });
  });

  it('runs a delayed job after the jobs enqueued without delay', async () => {
    const queue = engineCase.space().open();
    const { runs, record } = recorder();
    await queue.work({ record }, { concurrency: 1 });
    await queue.enqueue('record', 'delayed', { delayMs: 250 });
    await queue.enqueue('record', 'now');

    await eventually(() => {
      expect(runs).toEqual(['now', 'delayed']);
    });
  });

  it('retries a failing job with backoff until it succeeds, counting attempts', async () => {
    const space = engineCase.space();
    const queue = space.open();
    const attempts: number[] = [];
    await queue.work(
      {
        flaky: (_data, { attempt }) => {
          attempts.push(attempt);
          return attempt < 3 ? Promise.reject(new Error(`failure ${attempt}`)) : Promise.resolve();
        },
      },
      { concurrency: 1 },
    );
    await queue.enqueue('flaky', {}, { attempts: 3, backoffMs: 20 });

    await eventually(() => {
      expect(attempts).toEqual([1, 2, 3]);
    });
    expect(space.logged.map(({ message, error }) => [message, String(error)])).toEqual([
      ['Job flaky failed on attempt 1, will retry', 'Error: failure 1'],
      ['Job flaky failed on attempt 2, will retry', 'Error: failure 2'],
    ]);
  });

  it('gives up after the last attempt and frees the job id', async () => {
    const space = engineCase.space();
    const queue = space.open();
    const attempts: number[] = [];
    await queue.work(
      {
        broken: (_data, { attempt }) => {
          attempts.push(attempt);
          return Promise.reject(new Error('always'));
        },
      },
      { concurrency: 1 },
    );
    await queue.enqueue('broken', {}, { jobId: 'b', attempts: 2, backoffMs: 10 });
    await eventually(() => {
      expect(space.logged.map(({ message }) => message)).toEqual([
        'Job broken failed on attempt 1, will retry',
        'Job broken failed on attempt 2, given up',
      ]);
    });

    await queue.enqueue('broken', {}, { jobId: 'b', attempts: 1 });
    await eventually(() => {
      expect(attempts).toEqual([1, 2, 1]);
    });
  });

  it('fails a job nobody handles, without retrying it, and goes on with the others', async () => {
    const space = engineCase.space();
    const queue = space.open();
    const { runs, record } = recorder();
    await queue.work({ record }, { concurrency: 1 });
    await queue.enqueue('unheard-of', {}, { attempts: 3, backoffMs: 10 });
    await queue.enqueue('record', 'after');

    await eventually(() => {
      expect(runs).toEqual(['after']);
      expect(space.logged).toHaveLength(1);
    });
    const [failure] = space.logged;
    expect(failure?.message).toBe('Job unheard-of failed on attempt 1, given up');
    expect(String(failure?.error)).toContain('No handler for job "unheard-of"');
  });

  it('never runs more handlers at once than its concurrency', async () => {
    const queue = engineCase.space().open();
    let running = 0;
    let mostAtOnce = 0;
    let finished = 0;
    for (let index = 0; index < 12; index += 1) {
      await queue.enqueue('busy', { index });
    }
    await queue.work(
      {
        busy: async () => {
          running += 1;
          mostAtOnce = Math.max(mostAtOnce, running);
          await sleep(20);
          running -= 1;
          finished += 1;
        },
      },
      { concurrency: 3 },
    );

    await eventually(() => {
      expect(finished).toBe(12);
    });
    expect(mostAtOnce).toBe(3);
  });

  it('runs a schedule repeatedly, and replaces it when scheduled again under its id', async () => {
    const queue = engineCase.space().open();
    const { runs, record } = recorder();
    await queue.work({ record }, { concurrency: 1 });
    await queue.schedule('room-sync', 'record', 50, 'old');
    await eventually(() => {
      expect(runs).toContain('old');
    });

    await queue.schedule('room-sync', 'record', 50, 'new');
    await eventually(() => {
      expect(runs.filter((data) => data === 'new').length).toBeGreaterThanOrEqual(3);
    });
    // A second schedule would have gone on running the old data between the new runs.
    expect(runs.slice(runs.indexOf('new'))).not.toContain('old');
  });

  it('waits for running jobs on close, starts no other, and refuses new ones', async () => {
    const queue = engineCase.space().open();
    const started: unknown[] = [];
    const finished: unknown[] = [];
    const release = gate();
    await queue.work(
      {
        slow: async (data) => {
          started.push(data);
          await release.opened;
          finished.push(data);
        },
      },
      { concurrency: 1 },
    );
    await queue.enqueue('slow', 1);
    await queue.enqueue('slow', 2);
    await eventually(() => {
      expect(started).toEqual([1]);
    });

    const closing = queue.close();
    release.open();
    await closing;
    expect(finished).toEqual([1]);
    expect(started).toEqual([1]);
    await expect(queue.enqueue('slow', 3)).rejects.toThrow();
  });

  it('refuses a second work() on the same queue', async () => {
    const queue = engineCase.space().open();
    await queue.work({}, { concurrency: 1 });
    await expect(queue.work({}, { concurrency: 1 })).rejects.toThrow(/already working/);
  });

  if (engineCase.sharedAcrossInstances) {
    it('shares the jobs between two working processes: each job runs once', async () => {
      const space = engineCase.space();
      const producer = space.open();
      const runsByWorker = new Map<string, unknown[]>();
      for (const workerName of ['first', 'second']) {
        const runs: unknown[] = [];
        runsByWorker.set(workerName, runs);
        await space.open().work(
          {
            share: async (data) => {
              runs.push(data);
              await sleep(5);
            },
          },
          { concurrency: 2 },
        );
      }
      const jobCount = 30;
      for (let index = 0; index < jobCount; index += 1) {
        await producer.enqueue('share', index);
      }

      const allRuns = () => [...runsByWorker.values()].flat();
      await eventually(() => {
        expect(allRuns()).toHaveLength(jobCount);
      });
      expect(new Set(allRuns()).size).toBe(jobCount);
    });

    it('keeps one schedule per id across processes', async () => {
      const space = engineCase.space();
      const { runs, record } = recorder();
      const first = space.open();
      await first.work({ record }, { concurrency: 1 });
      await first.schedule('shared', 'record', 50, 'first');
      await space.open().schedule('shared', 'record', 50, 'second');

      await eventually(() => {
        expect(runs.filter((data) => data === 'second').length).toBeGreaterThanOrEqual(3);
      });
      expect(runs.slice(runs.indexOf('second'))).not.toContain('first');
    });
  }
});

/** Failed attempts as the queues report them to metrics: `queue/job/retry|final`. */
const reportedFailures: string[] = [];
const reportFailure = (queue: string, jobName: string, willRetry: boolean) => {
  reportedFailures.push(`${queue}/${jobName}/${willRetry ? 'retry' : 'final'}`);
};
const reportingCases = engineCases({
  inProcess: (log) => createInProcessJobQueue({ log, onJobFailed: reportFailure }),
  redis: (options) => createBullmqJobQueue({ ...options, onJobFailed: reportFailure }),
});

describe.each(reportingCases)('job metrics on $engine', (engineCase) => {
  afterEach(async () => {
    await engineCase.cleanup();
    reportedFailures.length = 0;
  });

  it('reports each failed attempt with its queue, its job and whether a retry follows', async () => {
    const queue = engineCase.space().open();
    await queue.work({ broken: () => Promise.reject(new Error('always')) }, { concurrency: 1 });
    await queue.enqueue('broken', {}, { attempts: 2, backoffMs: 10 });
    await eventually(() => {
      expect(reportedFailures).toEqual(['jobs/broken/retry', 'jobs/broken/final']);
    });
    await queue.enqueue('unheard-of', {}, { attempts: 3, backoffMs: 10 });
    await eventually(() => {
      expect(reportedFailures).toHaveLength(3);
    });
    expect(reportedFailures[2]).toBe('jobs/unheard-of/final');
  });

  it('counts its jobs by state: waiting, delayed and running', async () => {
    const queue = engineCase.space().open();
    expect(queue.name).toBe('jobs');
    await queue.enqueue('hold', 'first');
    await queue.enqueue('hold', 'second');
    await queue.enqueue('hold', 'later', { delayMs: 60_000 });
    expect(await queue.counts()).toEqual({ waiting: 2, delayed: 1, active: 0 });

    const release = gate();
    await queue.work({ hold: () => release.opened }, { concurrency: 1 });
    await vi.waitFor(async () => {
      expect(await queue.counts()).toEqual({ waiting: 1, delayed: 1, active: 1 });
    });
    release.open();
  });
});
