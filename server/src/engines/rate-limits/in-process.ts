// In-process rate limits, for the single-process mode.
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { rateLimitsFrom, type RateLimits } from '../rate-limits.js';

export function createInProcessRateLimits(): RateLimits {
  return rateLimitsFrom(
    (rule) =>
      new RateLimiterMemory({
        keyPrefix: rule.name,
        points: rule.limit,
        duration: rule.windowSeconds,
      }),
    () => Promise.resolve(),
  );
}
