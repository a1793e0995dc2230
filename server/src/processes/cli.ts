// `npm run lobby -- <command>`: operator commands.
//   feed inspect <file-or-url> [--from ISO] [--to ISO] [--timezone IANA] [--room-url URL] [--json]
//   apikey create --name NAME --scopes READ,WRITE[,ADMIN] [--owner SUBJECT] [--admin]
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createFeedReader } from '../adapters/feed-reader/index.js';
import { safeFetch } from '../adapters/safe-fetch/index.js';
import { loadConfig } from '../config.js';
import { syncWindow } from '../domain/calendar/sync-schedule.js';
import { isKnownTimeZone } from '@lobby/shared/room-settings';
import { apiKeyScopes, isApiKeyScope } from '../domain/access.js';
import { createApiKey } from '../services/auth/api-keys.js';
import {
  FeedUnreadableError,
  inspectFeed,
  type FeedInspection,
} from '../services/calendar-inspect/inspect-feed.js';
import { openDatabaseFromConfig } from './runtime.js';

class UsageError extends Error {}

function parseInstant(value: string | undefined, name: string): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new UsageError(`--${name} is not an ISO-8601 instant`);
  return date;
}

function printTable(inspection: FeedInspection, timezone: string, hasRoom: boolean): void {
  const dateFormat = new Intl.DateTimeFormat('en-CA', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  const timeFormat = new Intl.DateTimeFormat('en-GB', {
    timeZone: timezone,
    hour: '2-digit',
    minute: '2-digit',
  });
  const rows = inspection.occurrences.map((occurrence) => [
    occurrence.isAllDay ? (occurrence.startDate ?? '') : dateFormat.format(occurrence.startsAt),
    occurrence.isAllDay
      ? 'all day'
      : `${timeFormat.format(occurrence.startsAt)}–${timeFormat.format(occurrence.endsAt)}`,
    occurrence.title ?? '(no title)',
    hasRoom ? (occurrence.matchesRoom === true ? 'matches room' : 'no room URL') : '',
  ]);
  const header = ['date', `time (${timezone})`, 'title', hasRoom ? 'room' : ''];
  const widths = header.map((cell, column) =>
    Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  for (const row of [header, ...rows]) {
    console.log(
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    );
  }
  console.log(`\n${inspection.occurrences.length} occurrence(s) in the window.`);
  for (const skipped of inspection.skipped) {
    const when = skipped.startsAt === null ? '' : ` at ${skipped.startsAt.toISOString()}`;
    console.log(`Left out (${skipped.reason}): ${skipped.title ?? skipped.uid}${when}`);
  }
  for (const warning of inspection.warnings) console.log(`Warning: ${warning}`);
}

async function feedInspect(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      timezone: { type: 'string' },
      'room-url': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const [target] = positionals;
  if (target === undefined) throw new UsageError('feed inspect needs a file or a URL');
  const config = loadConfig();
  const timezone = values.timezone ?? 'UTC';
  if (!isKnownTimeZone(timezone)) throw new UsageError(`Unknown time zone "${timezone}"`);
  const defaults = syncWindow(new Date(), config.CALENDAR_LOOKAHEAD_DAYS);
  const window = {
    from: parseInstant(values.from, 'from') ?? defaults.from,
    to: parseInstant(values.to, 'to') ?? defaults.to,
  };
  const isUrl = /^(https?|webcals?):\/\//i.test(target);
  const source = isUrl
    ? { kind: 'url' as const, url: target.replace(/^webcal/i, 'https') }
    : { kind: 'bytes' as const, bytes: await readFile(target) };
  const roomUrl = values['room-url'] ?? null;
  const reader = createFeedReader({ timeoutSeconds: config.CALENDAR_READ_TIMEOUT_SECONDS });
  const inspection = await inspectFeed({ feedReader: reader, fetcher: safeFetch }, source, {
    window,
    timezone,
    roomUrl,
    allowedHosts: config.CALENDAR_FETCH_ALLOWED_HOSTS,
    publicBaseUrl: config.PUBLIC_BASE_URL,
  }).finally(() => reader.close());
  if (values.json) {
    console.log(
      JSON.stringify(
        { occurrences: inspection.occurrences, warnings: inspection.warnings },
        null,
        2,
      ),
    );
  } else {
    printTable(inspection, timezone, roomUrl !== null);
  }
}

async function apiKeyCreate(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      name: { type: 'string' },
      scopes: { type: 'string', default: 'READ,WRITE' },
      owner: { type: 'string', default: 'cli:admin' },
      admin: { type: 'boolean', default: false },
    },
  });
  if (values.name === undefined) throw new UsageError('apikey create needs --name');
  const scopes = values.scopes.split(',').map((scope) => scope.trim().toUpperCase());
  const valid = scopes.filter(isApiKeyScope);
  if (valid.length !== scopes.length)
    throw new UsageError(`--scopes takes ${apiKeyScopes.join(', ')}`);
  const database = await openDatabaseFromConfig(loadConfig());
  try {
    if (database.kind === 'pglite') await database.migrate();
    const isAdmin = values.admin || valid.includes('ADMIN');
    const owner = await database.prisma.user.upsert({
      where: { subject: values.owner },
      create: { subject: values.owner, displayName: values.owner, isAdmin },
      update: isAdmin ? { isAdmin } : {},
    });
    const { apiKey, secret } = await createApiKey(
      { prisma: database.prisma },
      {
        kind: 'user',
        userId: owner.id,
        isAdmin: owner.isAdmin,
        scopes: new Set(apiKeyScopes),
        credential: 'bootstrap-token',
      },
      { name: values.name, scopes: valid },
    );
    console.log(
      `Created API key "${apiKey.name}" (${apiKey.scopes.join(', ')}) for ${owner.subject}.`,
    );
    console.log(`Secret (shown once): ${secret}`);
  } finally {
    await database.close();
  }
}

const usage = `Usage:
  npm run lobby -- feed inspect <file-or-url> [--from ISO] [--to ISO] [--timezone IANA] [--room-url URL] [--json]
  npm run lobby -- apikey create --name NAME [--scopes READ,WRITE,ADMIN] [--owner SUBJECT] [--admin]`;

const [group, command, ...rest] = process.argv.slice(2);
try {
  if (group === 'feed' && command === 'inspect') await feedInspect(rest);
  else if (group === 'apikey' && command === 'create') await apiKeyCreate(rest);
  else throw new UsageError(usage);
  process.exit(0);
} catch (error) {
  if (error instanceof UsageError) console.error(error.message);
  else if (error instanceof FeedUnreadableError) {
    const problem =
      error.code === 'PARSE_FAILED' ? 'The feed does not parse' : 'Could not fetch the feed';
    console.error(`${problem}: ${error.message}`);
  } else if (error instanceof Error && 'code' in error && error.code === 'ENOENT') {
    console.error(`No such file: ${error.message}`);
  } else console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
