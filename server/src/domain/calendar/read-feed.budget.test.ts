// Issue 12.3: reading a feed has a budget in rule-engine steps, so that a few kilobytes of
// pathological rules cannot cost seconds of CPU; a feed over it is not read at all.
import { describe, expect, it } from 'vitest';
import {
  icsCalendar,
  icsEvent,
  pathologicalRecurrenceFeed,
} from '../../../test/support/ics-builder.js';
import { RecurrenceBudget } from './events/recurrence-budget.js';
import { RuleStepLimitError } from './events/recurrence-rules.js';
import { FeedOverBudgetError, FeedParseError, readFeed } from './read-feed.js';

const options = {
  window: { from: new Date('2025-03-01T00:00:00Z'), to: new Date('2025-04-01T00:00:00Z') },
  defaultTimezone: 'UTC',
};

function readError(ics: string): unknown {
  try {
    readFeed(ics, options);
  } catch (error) {
    return error;
  }
  return null;
}

describe('readFeed: the recurrence budget', () => {
  it('fails a feed whose rule never finds an instance, as a parse failure that says why', () => {
    const error = readError(pathologicalRecurrenceFeed(20));
    expect(error).toBeInstanceOf(FeedOverBudgetError);
    expect(error).toBeInstanceOf(FeedParseError);
    expect(error).toHaveProperty(
      'message',
      'The feed is over its reading budget: the repetition rule of "Never 0" needs more than 2,000 recurrence steps around the window',
    );
  });

  it('fails the feed also when the costly rule comes after ordinary events', () => {
    const ics = icsCalendar(
      icsEvent('UID:weekly', 'DTSTART:20250103T090000Z', 'RRULE:FREQ=WEEKLY', 'SUMMARY:Weekly'),
      icsEvent(
        'UID:never',
        'DTSTART:20250101T100000Z',
        'RRULE:FREQ=MONTHLY;BYMONTHDAY=31;BYMONTH=4;BYSETPOS=1',
        'SUMMARY:April 31st',
      ),
    );
    expect(readError(ics)).toBeInstanceOf(FeedOverBudgetError);
  });

  it('reads ordinary rules, including one that needs more than the first allowance', () => {
    const reading = readFeed(
      icsCalendar(
        icsEvent('UID:daily', 'DTSTART:20250101T090000Z', 'RRULE:FREQ=DAILY', 'SUMMARY:Daily'),
        // About 200 instances around March: more than the first try allows, within the rule's limit.
        icsEvent('UID:hourly', 'DTSTART:20250301T000000Z', 'RRULE:FREQ=HOURLY;INTERVAL=4'),
      ),
      options,
    );
    expect(reading.occurrences.filter((o) => o.uid === 'daily')).toHaveLength(31);
    expect(reading.occurrences.filter((o) => o.uid === 'hourly')).toHaveLength(31 * 6);
  });
});

describe('RecurrenceBudget', () => {
  const limits = { firstTrySteps: 10, stepsPerRule: 100, stepsPerFeed: 250 };
  /** An enumeration that needs `needed` steps, as the engine would report it. */
  const needing = (needed: number) => (maxSteps: number) => {
    if (needed > maxSteps) throw new RuleStepLimitError(`needs ${String(needed)}`);
    return needed;
  };

  it('retries with the rule limit, charging each allowance, until the feed budget is spent', () => {
    const budget = new RecurrenceBudget(limits);
    expect(budget.enumerate('a', needing(50))).toBe(50); // charged 10 + 100
    expect(budget.enumerate('b', needing(5))).toBe(5); // charged 10
    expect(budget.enumerate('c', needing(80))).toBe(80); // charged 10 + 100: 230 in all
    expect(budget.enumerate('d', needing(5))).toBe(5); // charged 10: 240
    expect(() => budget.enumerate('e', needing(50))).toThrow(
      'its repeating events need more than 250 recurrence steps together',
    );
  });

  it('names the rule that needs more than its limit, and lets other errors through', () => {
    const budget = new RecurrenceBudget(limits);
    expect(() => budget.enumerate('costly', needing(101))).toThrow(
      'the repetition rule of "costly" needs more than 100 recurrence steps',
    );
    expect(() =>
      budget.enumerate('broken', () => {
        throw new Error('broken rule');
      }),
    ).toThrow('broken rule');
  });
});
