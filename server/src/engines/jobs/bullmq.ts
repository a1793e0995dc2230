// BullMQ jobs on Redis: one queue, `<prefix>:jobs`, whose jobs every working process shares.
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import type { JobQueue } from '../jobs.js';
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
  noHandlerMessage,
  scheduledRunAttempts,
} from './in-process.js';

const queueName = 'jobs';

/**
 * Finished jobs are deleted, so their id is free again: a job id de-duplicates only while the job
 * waits, is delayed (also between retries) or runs. Failures are logged when they happen.
 */
const removeWhenFinished = { removeOnComplete: true, removeOnFail: true } as const;

/** BullMQ refuses custom ids that look like integers or contain ':'; this maps any id, one to one. */
const bullmqId = (id: string) => `id-${encodeURIComponent(id)}`;

export function createBullmqJobQueue(options: RedisEngineOptions): JobQueue {
  // Queue and worker share it; the worker opens its own blocking connection beside it.
  const connection = openRedisConnection(options, 'bullmq');
  const prefix = redisPrefix(options);
  const queue = new Queue<unknown>(queueName, { connection, prefix });
  queue.on('error', (error) => {
    options.log('BullMQ queue error', error);
  });
  let worker: Worker<unknown, void> | undefined;
  let closing: Promise<void> | undefined;

  return {
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
      await queue.upsertJobScheduler(
        bullmqId(scheduleId),
        { every: everyMs },
        { name, data, opts: { attempts: scheduledRunAttempts, ...removeWhenFinished } },
      );
    },

    async work(handlers, { concurrency }) {
      if (closing !== undefined) {
        throw new Error('The job queue is closed');
      }
      if (worker !== undefined) {
        throw new Error('This job queue is already working');
      }
      worker = new Worker<unknown, void>(
        queueName,
        async (job) => {
          const handler = findHandler(handlers, job.name);
          if (handler === undefined) {
            // Retrying cannot help a job nobody handles.
            throw new UnrecoverableError(noHandlerMessage(job.name));
          }
          await handler(job.data, { attempt: job.attemptsMade + 1 });
        },
        { connection, prefix, concurrency },
      );
      worker.on('failed', (job, error) => {
        const attempt = job?.attemptsMade ?? 1;
        const willRetry =
          !(error instanceof UnrecoverableError) &&
          attempt < (job?.opts.attempts ?? jobDefaults.attempts);
        options.log(jobFailureMessage(job?.name ?? '(unknown)', attempt, willRetry), error);
      });
      worker.on('error', (error) => {
        options.log('BullMQ worker error', error);
      });
      await worker.waitUntilReady();
    },

    close() {
      closing ??= (async () => {
        await worker?.close();
        await queue.close();
        await closeRedisConnection(connection);
      })();
      return closing;
    },
  };
}
