// The hooks of a meeting service test suite: a database per suite, fresh engines and clock per test.
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { PrismaClient } from '../../src/generated/prisma/client.js';
import type { ServiceDependencies } from '../../src/services/dependencies.js';
import type { TestDatabase } from './database.js';
import { meetingDependencies, type TestClock, testClock } from './meetings-fixtures.js';
import { type Engines, inProcessEngines } from './engines.js';

export type MeetingTestContext = {
  /** For PostgreSQL, `database.url` lets other clients and processes share it. */
  readonly database: TestDatabase;
  readonly prisma: PrismaClient;
  readonly engines: Engines;
  readonly clock: TestClock;
  readonly deps: ServiceDependencies;
};

/**
 * Registers hooks for a suite of meeting service tests: one database for the suite; per test,
 * fresh in-process engines and a clock set to `start`.
 */
export function useMeetingServices(
  open: () => Promise<TestDatabase>,
  start: Date,
): MeetingTestContext {
  let database: TestDatabase | undefined;
  let current: { engines: Engines; clock: TestClock; deps: ServiceDependencies } | undefined;
  beforeAll(async () => {
    database = await open();
  });
  afterAll(async () => {
    await database?.drop();
  });
  beforeEach(() => {
    if (database === undefined) {
      throw new Error('The database did not open');
    }
    const engines = inProcessEngines(() => undefined);
    const clock = testClock(start);
    current = { engines, clock, deps: meetingDependencies(database.prisma, engines, clock.now) };
  });
  afterEach(async () => {
    await current?.engines.close();
    current = undefined;
  });
  const test = () => {
    if (current === undefined) {
      throw new Error('Only inside a test');
    }
    return current;
  };
  return {
    get database() {
      if (database === undefined) {
        throw new Error('The database did not open');
      }
      return database;
    },
    get prisma() {
      return test().deps.prisma;
    },
    get engines() {
      return test().engines;
    },
    get clock() {
      return test().clock;
    },
    get deps() {
      return test().deps;
    },
  };
}
