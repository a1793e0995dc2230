// Counters of attempts per time window (rate limits): Redis through REDIS_URL, or in-process.
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

/** At most `limit` attempts per `windowSeconds`, counted per subject (a user, an address…). */
export type RateLimitRule = { readonly name: string; limit: number; windowSeconds: number };

export type RateLimitVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export type RateLimits = {
  /** Counts one attempt of `subject` under `rule`; refused ones count too, and change nothing else. */
  consume(rule: RateLimitRule, subject: string): Promise<RateLimitVerdict>;
  close(): Promise<void>;
};

/** One limiter per rule, made on first use by the engine's factory (rate-limiter-flexible). */
export function rateLimitsFrom(
  createLimiter: (rule: RateLimitRule) => RateLimiterAbstract,
  close: () => Promise<void>,
): RateLimits {
  const limiters = new Map<string, RateLimiterAbstract>();
  return {
    async consume(rule, subject) {
      const ruleKey = `${rule.name}:${rule.limit}:${rule.windowSeconds}`;
      let limiter = limiters.get(ruleKey);
      if (limiter === undefined) {
        limiter = createLimiter(rule);
        limiters.set(ruleKey, limiter);
      }
      try {
        await limiter.consume(subject);
        return { allowed: true };
      } catch (rejection) {
        // The library rejects with its result when over the limit, with an Error when the store fails.
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        return {
          allowed: false,
          retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)),
        };
      }
    },
    close: () => {
      limiters.clear();
      return close();
    },
  };
}
