// Background jobs: BullMQ through REDIS_URL, or in-process.

export type JobOptions = {
  /**
   * Jobs with the same id are de-duplicated while one is waiting, delayed (also between retries)
   * or active; once it has completed or finally failed, the id may run again.
   */
  jobId?: string;
  delayMs?: number;
  /** Total attempts including the first (default 3). */
  attempts?: number;
  /** Base of the exponential backoff between attempts (default 1000 ms). */
  backoffMs?: number;
};

/** Jobs in the queue by state, across every process that shares it (the queue's depth). */
export type JobCounts = { waiting: number; delayed: number; active: number };

/** Told of every failed attempt (metrics): its queue, the job's name and whether it will be retried. */
export type JobFailureListener = (queue: string, jobName: string, willRetry: boolean) => void;

export type JobHandler = (data: unknown, context: { attempt: number }) => Promise<void>;

export type JobQueue = {
  /** `data` travels as JSON (a Date arrives as its ISO string; undefined as {}). */
  enqueue(name: string, data: unknown, options?: JobOptions): Promise<void>;
  /**
   * Creates or replaces a repeating schedule, identified by its id, every `everyMs`. A new schedule
   * runs at once; a failed run is not retried (the next run is its retry). The queue keeps the
   * schedule until it closes: should its store lose it (Redis restarted empty), it is created again
   * (BullMQ: when the connection comes back, and every minute).
   */
  schedule(scheduleId: string, name: string, everyMs: number, data?: unknown): Promise<void>;
  /**
   * Starts processing jobs in this process with at most `concurrency` running at once; once per
   * queue. A job whose name has no handler fails at once, logged, without retries.
   */
  work(handlers: Record<string, JobHandler>, options: { concurrency: number }): Promise<void>;
  /** The queue's name, as metrics label it. */
  readonly name: string;
  counts(): Promise<JobCounts>;
  /** Stops taking jobs, waits for running ones, releases connections. */
  close(): Promise<void>;
};
