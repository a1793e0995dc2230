// Locks with a time to live: Redis through REDIS_URL, or in-process.

export type Lock = {
  readonly key: string;
  /** Extends the TTL; false when the lock was lost (expired or taken by another owner). */
  extend(ttlMs: number): Promise<boolean>;
  /** Releases only if still owned; false when it was not. */
  release(): Promise<boolean>;
};

export type Locks = {
  /** The lock, or undefined when another owner holds it. */
  tryAcquire(key: string, ttlMs: number): Promise<Lock | undefined>;
  close(): Promise<void>;
};
