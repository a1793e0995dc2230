// How much recurrence enumeration one feed may cost, counted in the rule engine's steps and never in
// time, so that a reading stays deterministic (a wall-clock limit around the reader backs it up).
import { FeedParseError } from '../ics/feed-structure.js';
import { RuleStepLimitError } from './recurrence-rules.js';

export type RecurrenceLimits = {
  /** Steps a rule is first allowed: plenty for an ordinary rule around the window. */
  firstTrySteps: number;
  /** Steps one rule may take; a rule that needs more puts the whole feed over its budget. */
  stepsPerRule: number;
  /** Steps allowed to all enumerations of a feed together (an upper bound of those taken). */
  stepsPerFeed: number;
};

export const RECURRENCE_LIMITS: RecurrenceLimits = {
  firstTrySteps: 64,
  stepsPerRule: 2_000,
  stepsPerFeed: 200_000,
};

/** A feed whose repeating events would cost more than its budget to read: nothing of it is used. */
export class FeedOverBudgetError extends FeedParseError {
  override name = 'FeedOverBudgetError';
}

/** One feed's budget; the engine does not report the steps it took, so each attempt is charged its allowance. */
export class RecurrenceBudget {
  private allowedSteps = 0;

  constructor(private readonly limits: RecurrenceLimits = RECURRENCE_LIMITS) {}

  /** Runs `enumerate` with a small allowance, then once with the rule's whole one. */
  enumerate<T>(seriesTitle: string, enumerate: (maxSteps: number) => T): T {
    for (const steps of [this.limits.firstTrySteps, this.limits.stepsPerRule]) {
      const remaining = this.limits.stepsPerFeed - this.allowedSteps;
      if (steps > remaining) {
        throw new FeedOverBudgetError(
          `The feed is over its reading budget: its repeating events need more than ${this.limits.stepsPerFeed.toLocaleString('en')} recurrence steps together`,
        );
      }
      this.allowedSteps += steps;
      try {
        return enumerate(steps);
      } catch (error) {
        if (!(error instanceof RuleStepLimitError)) throw error;
      }
    }
    throw new FeedOverBudgetError(
      `The feed is over its reading budget: the repetition rule of "${seriesTitle}" needs more than ${this.limits.stepsPerRule.toLocaleString('en')} recurrence steps around the window`,
    );
  }
}
