// BullMQ jobs on Redis: one queue, `<prefix>:jobs`, whose jobs every working process shares.
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { BullMQOtel } from 'bullmq-otel';
import type { JobFailureListener, JobQueue } from '../jobs.js';
import {
  closeRedisConnection,
  openRedisConnection,
  redisPrefix,
  type RedisEngineOptions,
} from '../redis-connection.js';
import {
  findHandler,
  jobDefaults,
  jobFailureMessage,
  jobQueueName,
  noHandlerMessage,
  scheduledRunAttempts,
} from './in-process.js';

/**
 * Finished jobs are deleted, so their id is free again: a job id de-duplicates only while the job
 * waits, is delayed (also between retries) or runs. Failures are logged when they happen.
 */
const removeWhenFinished = { removeOnComplete: true, removeOnFail: true } as const;

/** BullMQ refuses custom ids that look like integers or contain ':'; this maps any id, one to one. */
const bullmqId = (id: string) => `id-${encodeURIComponent(id)}`;

/** How often schedules are upserted again, in case Redis lost them without this process noticing. */
const defaultReassertSchedulesEveryMs = 60_000;
const reassertRetryDelayMs = 1_000;

/** Job spans, linked to the span that enqueued them; without a tracer provider they cost nothing. */
const telemetry = new BullMQOtel({ tracerName: 'lobby/jobs' });

export type BullmqJobQueueOptions = RedisEngineOptions & {
  reassertSchedulesEveryMs?: number;
  onJobFailed?: JobFailureListener;
};

export function createBullmqJobQueue(options: BullmqJobQueueOptions): JobQueue {
  // The queue fails fast (requests enqueue); the worker's connection waits for Redis to come back.
  const queueConnection = openRedisConnection(options, 'queue');
  const workerConnection = openRedisConnection(options, 'bullmq');
  const prefix = redisPrefix(options);
  const queue = new Queue<unknown>(jobQueueName, {
    connection: queueConnection,
    prefix,
    telemetry,
  });
  queue.on('error', (error) => {
    options.log('BullMQ queue error', error);
  });
  let worker: Worker<unknown, void> | undefined;
  let closing: Promise<void> | undefined;
  /** Every schedule this process asked for, by id: Redis may lose them (restarted empty). */
  const schedules = new Map<string, () => Promise<unknown>>();

  let retryTimer: NodeJS.Timeout | undefined;
  // Upserts are idempotent: an existing schedule keeps its rhythm, a lost one is created again.
  const reassertSchedules = async () => {
    let failed = false;
    for (const [scheduleId, upsert] of schedules) {
      if (closing !== undefined) return;
      try {
        await upsert();
      } catch (error) {
        failed = true;
        options.log(`Could not re-assert the job schedule ${scheduleId}`, error);
      }
    }
    // A Redis that just came back may still time out: try again soon, not a whole period later.
    if (failed && retryTimer === undefined) {
      retryTimer = setTimeout(() => {
        retryTimer = undefined;
        void reassertSchedules();
      }, reassertRetryDelayMs);
      retryTimer.unref();
    }
  };
  let connectedBefore = false;
  queueConnection.on('ready', () => {
    if (connectedBefore) void reassertSchedules();
    connectedBefore = true;
  });
  const reassertTimer = setInterval(() => {
    void reassertSchedules();
  }, options.reassertSchedulesEveryMs ?? defaultReassertSchedulesEveryMs);
  reassertTimer.unref();

  return {
    name: jobQueueName,

    async counts() {
      // Prioritized jobs wait too; BullMQ keeps them in a list of their own.
      const counts = await queue.getJobCounts('waiting', 'prioritized', 'delayed', 'active');
      return {
        waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
        delayed: counts.delayed ?? 0,
        active: counts.active ?? 0,
      };
    },

    async enqueue(name, data, jobOptions = {}) {
      await queue.add(name, data, {
        ...(jobOptions.jobId === undefined ? {} : { jobId: bullmqId(jobOptions.jobId) }),
        delay: jobOptions.delayMs ?? 0,
        attempts: jobOptions.attempts ?? jobDefaults.attempts,
        backoff: { type: 'exponential', delay: jobOptions.backoffMs ?? jobDefaults.backoffMs },
        ...removeWhenFinished,
      });
    },

    async schedule(scheduleId, name, everyMs, data) {
      if (closing !== undefined) {
        throw new Error('The job queue is closed');
      }
      const upsert = () =>
        queue.upsertJobScheduler(
          bullmqId(scheduleId),
          { every: everyMs },
          { name, data, opts: { attempts: scheduledRunAttempts, ...removeWhenFinished } },
        );
      schedules.set(scheduleId, upsert);
      await upsert();
    },

    async work(handlers, { concurrency }) {
      if (closing !== undefined) {
        throw new Error('The job queue is closed');
      }
      if (worker !== undefined) {
        throw new Error('This job queue is already working');
      }
      worker = new Worker<unknown, void>(
        jobQueueName,
        async (job) => {
          const handler = findHandler(handlers, job.name);
          if (handler === undefined) {
            // Retrying cannot help a job nobody handles.
            throw new UnrecoverableError(noHandlerMessage(job.name));
          }
          await handler(job.data, { attempt: job.attemptsMade + 1 });
        },
        { connection: workerConnection, prefix, concurrency, telemetry },
      );
      worker.on('failed', (job, error) => {
        const attempt = job?.attemptsMade ?? 1;
        const willRetry =
          !(error instanceof UnrecoverableError) &&
          attempt < (job?.opts.attempts ?? jobDefaults.attempts);
        const jobName = job?.name ?? '(unknown)';
        options.log(jobFailureMessage(jobName, attempt, willRetry), error);
        options.onJobFailed?.(jobQueueName, jobName, willRetry);
      });
      worker.on('error', (error) => {
        options.log('BullMQ worker error', error);
      });
      await worker.waitUntilReady();
    },

    close() {
      closing ??= (async () => {
        clearInterval(reassertTimer);
        clearTimeout(retryTimer);
        await worker?.close();
        await queue.close();
        await closeRedisConnection(queueConnection);
        await closeRedisConnection(workerConnection);
      })();
      return closing;
    },
  };
}
