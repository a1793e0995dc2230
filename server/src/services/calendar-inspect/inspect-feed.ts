// "What does Lobby see in my calendar?": the sync's own fetcher, reader and matcher, applied to a
// feed without storing anything (DESIGN §3; the feed inspector of the CLI and of GraphQL).
import { SafeFetchError, type SafeFetchErrorCode } from '../../adapters/safe-fetch/index.js';
import { createRoomMatcher } from '../../domain/calendar/match-room.js';
import {
  decodeFeedBytes,
  FeedParseError,
  type Occurrence,
  type SkippedEvent,
  type TimeWindow,
} from '../../domain/calendar/read-feed.js';
import { lobbyVersion } from '../../version.js';
import type { ServiceDependencies } from '../dependencies.js';

type Deps = Pick<ServiceDependencies, 'feedReader' | 'fetcher'>;

/** What the inspector shows of an occurrence: the reader's own fields, and whether it matches. */
export type InspectedOccurrence = Pick<Occurrence, InspectedField> & {
  recurrenceId: string | null;
  /** null when no room URL was given. */
  matchesRoom: boolean | null;
};

type InspectedField =
  'uid' | 'title' | 'startsAt' | 'endsAt' | 'isAllDay' | 'startDate' | 'endDate' | 'status';

export type FeedInspection = {
  occurrences: InspectedOccurrence[];
  skipped: SkippedEvent[];
  warnings: string[];
};

/** The feed could not be fetched or read: the same codes a sync run records. */
export class FeedUnreadableError extends Error {
  override name = 'FeedUnreadableError';
  constructor(
    readonly code: SafeFetchErrorCode | 'PARSE_FAILED',
    message: string,
  ) {
    super(message);
  }
}

export type FeedSource = { kind: 'url'; url: string } | { kind: 'bytes'; bytes: Uint8Array };

export type InspectOptions = {
  window: TimeWindow;
  timezone: string;
  roomUrl: string | null;
  allowedHosts: string[];
  publicBaseUrl: string;
};

/** The feed's fetch and read failures as one typed error; any other error as it is. */
function asFeedUnreadable(error: unknown): unknown {
  if (error instanceof SafeFetchError) return new FeedUnreadableError(error.code, error.message);
  if (error instanceof FeedParseError)
    return new FeedUnreadableError('PARSE_FAILED', error.message);
  return error;
}

async function fetchAndRead(deps: Deps, source: FeedSource, options: InspectOptions) {
  let bytes: Uint8Array;
  if (source.kind === 'bytes') {
    bytes = source.bytes;
  } else {
    const fetched = await deps.fetcher(source.url, {
      userAgent: `Lobby/${lobbyVersion} (feed inspector; +${options.publicBaseUrl})`,
      allowedHosts: options.allowedHosts,
    });
    if (fetched.kind !== 'fetched') throw new Error('The server answered "not modified"');
    bytes = fetched.body;
  }
  return deps.feedReader.read(decodeFeedBytes(bytes), {
    window: options.window,
    defaultTimezone: options.timezone,
  });
}

/**
 * Fetches (through the safe fetcher) or takes the bytes, then reads and matches like a sync. A feed
 * that cannot be fetched or read fails with FeedUnreadableError.
 */
export async function inspectFeed(
  deps: Deps,
  source: FeedSource,
  options: InspectOptions,
): Promise<FeedInspection> {
  const reading = await fetchAndRead(deps, source, options).catch((error: unknown) => {
    throw asFeedUnreadable(error);
  });
  const matcher = options.roomUrl === null ? null : createRoomMatcher(options.roomUrl);
  const warnings = reading.warnings.map((warning) => warning.message);
  const occurrences = reading.occurrences
    .map((occurrence): InspectedOccurrence => {
      const matchesRoom = matcher === null ? null : matcher.matches(occurrence);
      if (matcher !== null && matchesRoom === false) {
        for (const miss of matcher.nearMisses(occurrence)) {
          warnings.push(
            `"${occurrence.title ?? occurrence.uid}" links to ${miss}, which is close to but not the room's URL ${options.roomUrl ?? ''}`,
          );
        }
      }
      const { uid, recurrenceId, title, startsAt, endsAt, isAllDay, startDate, endDate, status } =
        occurrence;
      const inspected = { uid, recurrenceId: recurrenceId === '' ? null : recurrenceId, title };
      return { ...inspected, startsAt, endsAt, isAllDay, startDate, endDate, status, matchesRoom };
    })
    .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || a.uid.localeCompare(b.uid));
  return { occurrences, skipped: reading.skipped, warnings: [...new Set(warnings)] };
}
