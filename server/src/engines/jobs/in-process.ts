// In-process jobs on timers, for the single-process mode, with the rules the BullMQ queue shares.
// Jobs live in memory: those not started when the queue closes are dropped.
import type { JobFailureListener, JobHandler, JobOptions, JobQueue } from '../jobs.js';

type ErrorLog = (message: string, error: unknown) => void;

export const jobDefaults = { attempts: 3, backoffMs: 1000 } satisfies Required<
  Pick<JobOptions, 'attempts' | 'backoffMs'>
>;

/** A failed scheduled run is not retried: the schedule's next run is its retry. */
export const scheduledRunAttempts = 1;

/** Every process has one queue of jobs, in Redis or in memory. */
export const jobQueueName = 'jobs';

export type JobQueueOptions = { log: ErrorLog; onJobFailed?: JobFailureListener };

export const noHandlerMessage = (name: string) => `No handler for job "${name}"`;

/** Own properties only, so a job named like "toString" finds no handler. */
export const findHandler = (handlers: Record<string, JobHandler>, name: string) =>
  Object.hasOwn(handlers, name) ? handlers[name] : undefined;

export const jobFailureMessage = (name: string, attempt: number, willRetry: boolean) =>
  `Job ${name} failed on attempt ${attempt}${willRetry ? ', will retry' : ', given up'}`;

/** BullMQ's exponential backoff: the base delay, then twice as long after each further failure. */
const retryDelayMs = (backoffMs: number, failedAttempt: number) =>
  backoffMs * 2 ** (failedAttempt - 1);

type PendingJob = {
  name: string;
  /** Stored as JSON, as in Redis: each attempt gets its own copy, and Dates arrive as strings. */
  json: string;
  /** Holds back duplicates while this job waits, is delayed or runs. */
  reservation: string | undefined;
  attempt: number;
  attempts: number;
  backoffMs: number;
};

type Schedule = {
  name: string;
  data: unknown;
  everyMs: number;
  lastRunAt: number;
  timer: NodeJS.Timeout;
};

export function createInProcessJobQueue(options: JobQueueOptions): JobQueue {
  const waiting: PendingJob[] = [];
  const reservations = new Set<string>();
  const delayTimers = new Set<NodeJS.Timeout>();
  const schedules = new Map<string, Schedule>();
  let handlers: Record<string, JobHandler> | undefined;
  let concurrency = 0;
  let running = 0;
  let closing: Promise<void> | undefined;
  let onIdle: (() => void) | undefined;

  const closedError = () => Promise.reject(new Error('The job queue is closed'));

  const startWaitingJobs = () => {
    while (handlers !== undefined && closing === undefined && running < concurrency) {
      const job = waiting.shift();
      if (job === undefined) {
        return;
      }
      void run(handlers, job);
    }
  };

  const add = (job: PendingJob, delayMs: number) => {
    if (delayMs <= 0) {
      waiting.push(job);
      startWaitingJobs();
      return;
    }
    const timer = setTimeout(() => {
      delayTimers.delete(timer);
      waiting.push(job);
      startWaitingJobs();
    }, delayMs);
    delayTimers.add(timer);
  };

  const finish = (job: PendingJob) => {
    if (job.reservation !== undefined) {
      reservations.delete(job.reservation);
    }
  };

  /** Never rejects: a failure is logged, then retried or dropped. */
  const run = async (jobHandlers: Record<string, JobHandler>, job: PendingJob) => {
    running += 1;
    try {
      const handler = findHandler(jobHandlers, job.name);
      if (handler === undefined) {
        // Retrying cannot help a job nobody handles.
        options.log(
          jobFailureMessage(job.name, job.attempt, false),
          new Error(noHandlerMessage(job.name)),
        );
        options.onJobFailed?.(jobQueueName, job.name, false);
        finish(job);
        return;
      }
      const data: unknown = JSON.parse(job.json);
      await handler(data, { attempt: job.attempt });
      finish(job);
    } catch (error) {
      const willRetry = job.attempt < job.attempts;
      options.log(jobFailureMessage(job.name, job.attempt, willRetry), error);
      options.onJobFailed?.(jobQueueName, job.name, willRetry);
      if (willRetry) {
        add({ ...job, attempt: job.attempt + 1 }, retryDelayMs(job.backoffMs, job.attempt));
      } else {
        finish(job);
      }
    } finally {
      running -= 1;
      startWaitingJobs();
      if (running === 0) {
        onIdle?.();
      }
    }
  };

  const enqueue = (
    name: string,
    data: unknown,
    reservation: string | undefined,
    jobOptions: Omit<JobOptions, 'jobId'>,
  ) => {
    if (reservation !== undefined) {
      if (reservations.has(reservation)) {
        return;
      }
      reservations.add(reservation);
    }
    const job: PendingJob = {
      name,
      // BullMQ stores undefined data as an empty object.
      json: JSON.stringify(data === undefined ? {} : data),
      reservation,
      attempt: 1,
      attempts: jobOptions.attempts ?? jobDefaults.attempts,
      backoffMs: jobOptions.backoffMs ?? jobDefaults.backoffMs,
    };
    add(job, jobOptions.delayMs ?? 0);
  };

  const runSchedule = (scheduleId: string, schedule: Schedule) => {
    schedule.lastRunAt = Date.now();
    enqueue(schedule.name, schedule.data, `schedule:${scheduleId}`, {
      attempts: scheduledRunAttempts,
    });
    schedule.timer = setTimeout(() => {
      runSchedule(scheduleId, schedule);
    }, schedule.everyMs);
  };

  return {
    name: jobQueueName,

    counts() {
      return Promise.resolve({
        waiting: waiting.length,
        delayed: delayTimers.size,
        active: running,
      });
    },

    enqueue(name, data, jobOptions = {}) {
      if (closing !== undefined) {
        return closedError();
      }
      enqueue(
        name,
        data,
        jobOptions.jobId === undefined ? undefined : `job:${jobOptions.jobId}`,
        jobOptions,
      );
      return Promise.resolve();
    },

    schedule(scheduleId, name, everyMs, data) {
      if (closing !== undefined) {
        return closedError();
      }
      const previous = schedules.get(scheduleId);
      clearTimeout(previous?.timer);
      // Like BullMQ: a new schedule runs at once; a replaced one keeps its rhythm from its last run.
      const lastRunAt = previous?.lastRunAt ?? Number.NEGATIVE_INFINITY;
      const firstDelayMs = Math.max(0, lastRunAt + everyMs - Date.now());
      const schedule: Schedule = {
        name,
        data,
        everyMs,
        lastRunAt,
        timer: setTimeout(() => {
          runSchedule(scheduleId, schedule);
        }, firstDelayMs),
      };
      schedules.set(scheduleId, schedule);
      return Promise.resolve();
    },

    work(jobHandlers, workOptions) {
      if (closing !== undefined) {
        return closedError();
      }
      if (handlers !== undefined) {
        return Promise.reject(new Error('This job queue is already working'));
      }
      handlers = { ...jobHandlers };
      concurrency = workOptions.concurrency;
      startWaitingJobs();
      return Promise.resolve();
    },

    close() {
      closing ??= (async () => {
        for (const timer of [
          ...delayTimers,
          ...[...schedules.values()].map(({ timer }) => timer),
        ]) {
          clearTimeout(timer);
        }
        delayTimers.clear();
        schedules.clear();
        waiting.length = 0;
        if (running > 0) {
          await new Promise<void>((resolve) => {
            onIdle = resolve;
          });
        }
      })();
      return closing;
    },
  };
}
