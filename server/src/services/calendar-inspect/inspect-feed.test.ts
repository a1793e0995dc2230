// The inspector is the sync's own code path: over every corpus file with expected occurrences it
// reports exactly what the reader reads (whose fidelity read-feed.expected.test.ts proves), and
// the CLI prints it as the documented JSON, with clear failures.
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { testFeedReader } from '../../../test/support/calendar-sync-context.js';
import { largeFeed, pathologicalRecurrenceFeed } from '../../../test/support/ics-builder.js';
import {
  loadExpectedOccurrences,
  readIcsFixture,
  readIcsFixtureBytes,
} from '../../../test/support/ics-fixtures.js';
import { readFeed } from '../../domain/calendar/read-feed.js';
import { createFeedReader, type FeedReader } from '../../adapters/feed-reader/index.js';
import { safeFetch } from '../../adapters/safe-fetch/index.js';
import { FeedUnreadableError, inspectFeed } from './inspect-feed.js';

const run = promisify(execFile);
const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const fixturesDirectory = path.join(repositoryRoot, 'server/test/fixtures/ics');
const expected = Object.entries(loadExpectedOccurrences());

function windowOf(entry: { window: [string, string] }) {
  return { from: new Date(entry.window[0]), to: new Date(entry.window[1]) };
}

describe('feed inspector', () => {
  const reader = testFeedReader();
  afterAll(() => reader.close());

  it.each(expected)('reports what the reader reads: %s', async (file, entry) => {
    const window = windowOf(entry);
    const inspection = await inspectFeed(
      { feedReader: reader, fetcher: safeFetch },
      { kind: 'bytes', bytes: readIcsFixtureBytes(file) },
      {
        window,
        timezone: 'UTC',
        roomUrl: null,
        allowedHosts: [],
        publicBaseUrl: 'http://lobby.test',
      },
    );
    const reading = readFeed(readIcsFixture(file), { window, defaultTimezone: 'UTC' });
    const key = (o: { uid: string; startsAt: Date; endsAt: Date }) =>
      `${o.uid} ${o.startsAt.toISOString()} ${o.endsAt.toISOString()}`;
    expect(inspection.occurrences.map(key).sort()).toEqual(reading.occurrences.map(key).sort());
    const starts = inspection.occurrences.map((o) => o.startsAt.getTime());
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    expect(inspection.occurrences.every((o) => o.matchesRoom === null)).toBe(true);
  });

  it('says which events match the room and which only come close', async () => {
    const ics = [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//test//EN',
      'BEGIN:VEVENT',
      'UID:a',
      'DTSTAMP:20260101T000000Z',
      'DTSTART:20261201T100000Z',
      'DTEND:20261201T110000Z',
      'SUMMARY:Ours',
      'LOCATION:https://lobby.test/team',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:b',
      'DTSTAMP:20260101T000000Z',
      'DTSTART:20261201T120000Z',
      'DTEND:20261201T130000Z',
      'SUMMARY:Sales',
      'LOCATION:https://lobby.test/team-sales',
      'END:VEVENT',
      'END:VCALENDAR',
    ].join('\r\n');
    const inspection = await inspectFeed(
      { feedReader: reader, fetcher: safeFetch },
      { kind: 'bytes', bytes: new TextEncoder().encode(ics) },
      {
        window: { from: new Date('2026-12-01T00:00:00Z'), to: new Date('2026-12-02T00:00:00Z') },
        timezone: 'UTC',
        roomUrl: 'https://lobby.test/team',
        allowedHosts: [],
        publicBaseUrl: 'http://lobby.test',
      },
    );
    expect(inspection.occurrences.map((o) => [o.title, o.matchesRoom])).toEqual([
      ['Ours', true],
      ['Sales', false],
    ]);
    expect(inspection.warnings.join('\n')).toContain('https://lobby.test/team-sales');
  });

  const inspectBytes = (feedReader: FeedReader, ics: string) =>
    inspectFeed(
      { feedReader, fetcher: safeFetch },
      { kind: 'bytes', bytes: new TextEncoder().encode(ics) },
      {
        window: { from: new Date('2025-03-01T00:00:00Z'), to: new Date('2025-04-01T00:00:00Z') },
        timezone: 'UTC',
        roomUrl: null,
        allowedHosts: [],
        publicBaseUrl: 'http://lobby.test',
      },
    );

  it('fails a feed of pathological rules as a parse failure that says why (issue 12.3)', async () => {
    const failure = inspectBytes(reader, pathologicalRecurrenceFeed(20));
    await expect(failure).rejects.toMatchObject({ code: 'PARSE_FAILED' });
    await expect(failure).rejects.toBeInstanceOf(FeedUnreadableError);
    await expect(failure).rejects.toThrow('over its reading budget');
  });

  it('fails a feed that takes longer than the read limit, as a parse failure that says so', async () => {
    const impatient = createFeedReader({ timeoutSeconds: 0.001 });
    try {
      const failure = inspectBytes(impatient, largeFeed(2_000, 'lobby.test', 10));
      await expect(failure).rejects.toMatchObject({ code: 'PARSE_FAILED' });
      await expect(failure).rejects.toBeInstanceOf(FeedUnreadableError);
      await expect(failure).rejects.toThrow('The feed took too long to read');
    } finally {
      await impatient.close();
    }
  });
});

describe('feed inspect command', () => {
  let server: Server;
  let port = 0;
  let requests = 0;
  beforeAll(async () => {
    server = createServer((_request, response) => {
      requests += 1;
      response.end('BEGIN:VCALENDAR');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    port = typeof address === 'object' && address !== null ? address.port : 0;
  });
  afterAll(() => {
    server.close();
  });

  const lobby = (args: string[], environment: Record<string, string> = {}) =>
    run(
      process.execPath,
      ['--import', 'tsx', 'server/src/processes/cli.ts', 'feed', 'inspect', ...args],
      {
        cwd: repositoryRoot,
        env: { ...process.env, ...environment },
      },
    );

  /** The exit code and error output of a run that must fail. */
  async function failure(args: string[], environment: Record<string, string> = {}) {
    const outcome: unknown = await lobby(args, environment).then(
      () => null,
      (error: unknown) => error,
    );
    return z.object({ code: z.number(), stderr: z.string() }).parse(outcome);
  }

  it('prints the documented JSON', async () => {
    const { stdout } = await lobby([
      path.join(fixturesDirectory, 'python-recurring-ical-events/one_event.ics'),
      '--from',
      '2019-03-01T00:00:00Z',
      '--to',
      '2019-03-10T00:00:00Z',
      '--room-url',
      'https://lobby.test/team',
      '--json',
    ]);
    const occurrence = z
      .object({
        uid: z.string(),
        recurrenceId: z.string().nullable(),
        title: z.string().nullable(),
        startsAt: z.string(),
        endsAt: z.string(),
        isAllDay: z.boolean(),
        startDate: z.string().nullable(),
        endDate: z.string().nullable(),
        status: z.string().nullable(),
        matchesRoom: z.boolean().nullable(),
      })
      .strict();
    const output = z
      .object({ occurrences: z.array(occurrence), warnings: z.array(z.string()) })
      .strict()
      .parse(JSON.parse(stdout));
    expect(output.occurrences).toHaveLength(1);
    expect(output.occurrences[0]).toMatchObject({
      recurrenceId: null,
      startsAt: '2019-03-04T07:00:00.000Z',
      endsAt: '2019-03-04T07:30:00.000Z',
      isAllDay: false,
      startDate: null,
      endDate: null,
      matchesRoom: false,
    });
  }, 60_000);

  it('fails clearly on a missing file, a blocked URL and a feed that does not parse', async () => {
    const missing = await failure(['/no/such/file.ics']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No such file');
    const blocked = await failure([`http://127.0.0.1:${port}/feed.ics`]);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain('Could not fetch the feed');
    expect(requests).toBe(0);
    const broken = await failure([`http://127.0.0.1:${port}/feed.ics`], {
      CALENDAR_FETCH_ALLOWED_HOSTS: `127.0.0.1:${port}`,
    });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('does not parse');
    expect(requests).toBe(1);
    // Three processes start here: bound the wait generously for a loaded machine.
  }, 180_000);
});
