// The hooks of a meeting service test suite: a database per suite, fresh engines and clock per test.
import { afterAll, afterEach, beforeAll, beforeEach, describe } from 'vitest';
import type { PrismaClient } from '../../src/generated/prisma/client.js';
import type { ServiceDependencies } from '../../src/services/dependencies.js';
import { databaseEngines, type DatabaseEngineName, type TestDatabase } from './database.js';
import {
  meetingDependencies,
  minutesAfter,
  type TestClock,
  testClock,
} from './meetings-fixtures.js';
import { type Engines, inProcessEngines } from './engines.js';

/** When the meeting suites start. */
export const MEETINGS_START = new Date('2026-03-10T12:00:00.000Z');

/** `minutes` after MEETINGS_START (before it when negative). */
export const at = (minutes: number) => minutesAfter(MEETINGS_START, minutes);

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

/** The suite once per database engine, each with its meeting services from MEETINGS_START. */
export function describeMeetingServices(
  title: string,
  suite: (context: MeetingTestContext, engine: DatabaseEngineName) => void,
): void {
  describe.each(databaseEngines())(`${title} on $engine`, ({ engine, open }) => {
    suite(useMeetingServices(open, MEETINGS_START), engine);
  });
}
