// The ICS corpus under test/fixtures/ics (see its README) and the occurrences its sources expect.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { decodeFeedBytes } from '../../src/domain/calendar/read-feed.js';

const fixturesDirectory = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../fixtures/ics',
);

/** The bytes of a corpus file, e.g. 'ical.net/Bug2912657.ics'. */
export function readIcsFixtureBytes(name: string): Uint8Array {
  return readFileSync(path.join(fixturesDirectory, name));
}

/** A corpus file decoded as a feed download would be. */
export function readIcsFixture(name: string): string {
  return decodeFeedBytes(readIcsFixtureBytes(name));
}

/** Every corpus file, as '<source>/<file>'. */
export function listIcsFixtures(): string[] {
  return readdirSync(fixturesDirectory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((directory) =>
      readdirSync(path.join(fixturesDirectory, directory.name))
        .filter((file) => /\.(ics|txt)$/.test(file))
        .map((file) => `${directory.name}/${file}`),
    )
    .sort();
}

const expectedOccurrence = z.object({
  /** YYYY-MM-DD (all-day), an instant with offset, or a floating local time without one. */
  start: z.string(),
  end: z.string().optional(),
  summary: z.string(),
  status: z.string().optional(),
  uid: z.string().optional(),
});

const expectedEntry = z.object({
  window: z.tuple([z.iso.datetime(), z.iso.datetime()]),
  uid: z.string().optional(),
  occurrences: z.array(expectedOccurrence),
  source_test: z.string(),
  note: z.string().optional(),
});

export type ExpectedOccurrence = z.infer<typeof expectedOccurrence>;
export type ExpectedEntry = z.infer<typeof expectedEntry>;

/** expected.json: for each listed file, every occurrence its source project expects in a window. */
export function loadExpectedOccurrences(): Record<string, ExpectedEntry> {
  const json: unknown = JSON.parse(
    readFileSync(path.join(fixturesDirectory, 'expected.json'), 'utf8'),
  );
  return z.record(z.string(), expectedEntry).parse(json);
}
