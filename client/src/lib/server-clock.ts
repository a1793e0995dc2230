// The server's clock as seen from this browser, so "starts in N min" does not trust a wrong local clock.

/** How many recent samples the estimate looks at: old ones would hide a clock that was corrected. */
export const CLOCK_SAMPLE_LIMIT = 8;

export type ServerClock = {
  /** Records a server timestamp (ISO-8601) that arrived when the local clock read `receivedAtMs`. */
  observe(serverTime: string, receivedAtMs: number): void;
  /** Milliseconds to add to the local clock to read the server's. */
  offsetMs(): number;
};

/**
 * A message is stamped before it travels, so each sample undershoots the true offset by its
 * latency: the largest recent sample is the closest to the truth.
 */
export function estimateOffsetMs(samplesMs: readonly number[]): number {
  return samplesMs.length === 0 ? 0 : Math.max(...samplesMs);
}

export function createServerClock(sampleLimit = CLOCK_SAMPLE_LIMIT): ServerClock {
  let samplesMs: number[] = [];
  return {
    observe(serverTime, receivedAtMs) {
      const serverTimeMs = Date.parse(serverTime);
      if (Number.isNaN(serverTimeMs)) return;
      samplesMs = [...samplesMs, serverTimeMs - receivedAtMs].slice(-sampleLimit);
    },
    offsetMs: () => estimateOffsetMs(samplesMs),
  };
}
