// One sync job's feed work, done once for all of its rooms (they share the URL): the download, the
// decoded text and its hash, the relevant part, and each reading that rooms would read alike.
import {
  SafeFetchError,
  type SafeFetchOptions,
  type SafeFetchResult,
} from '../../adapters/safe-fetch/index.js';
import {
  decodeFeedBytes,
  extractRelevantIcs,
  normalizedFeedHash,
  type FeedReading,
  type ReadFeedOptions,
  type TimeWindow,
} from '../../domain/calendar/read-feed.js';
import { lobbyVersion } from '../../version.js';
import type { ServiceDependencies } from '../dependencies.js';
import type { FeedState } from './stored-reading.js';
import { SyncFailure } from './sync-failure.js';

type Deps = Pick<ServiceDependencies, 'config' | 'feedReader' | 'fetcher' | 'instruments'>;

/**
 * How much further than the first room's reading window a shared reading reaches: the job's later
 * rooms, whose clocks read later, find their own window inside it (else they read again).
 */
const SHARED_READING_REACH_MS = 10 * 60_000;

/** The HTTP validators of the body we now hold; null after a 304 (the stored ones still hold). */
type Validators = { etag: string | null; lastModified: string | null } | null;

/** The feed text to read: freshly downloaded, or the stored relevant part when unchanged. */
export type FeedSource =
  | { kind: 'changed'; text: string; feedHash: string; validators: Validators }
  | { kind: 'unchanged'; validators: Validators };

export type JobFeed = {
  /** The room's feed as downloaded once per URL and validators; throws what the sync fails with. */
  source(feed: FeedState): Promise<FeedSource>;
  /** The part of downloaded text that mentions the public host (DESIGN §3.8). */
  relevantIcs(text: string): string;
  /** `FeedReader.read`, shared by rooms reading the same text in the same zone and host. */
  read(text: string, options: ReadFeedOptions): Promise<FeedReading>;
};

/** Downloads a feed and reports the answer's status and size (feed fetch metrics). */
async function fetchFeed(
  deps: Deps,
  url: string,
  options: SafeFetchOptions,
): Promise<SafeFetchResult> {
  try {
    const download = await deps.fetcher(url, options);
    if (download.kind === 'fetched') {
      deps.instruments.feedFetched(String(download.status), download.body.length);
    } else {
      deps.instruments.feedFetched('304', 0);
    }
    return download;
  } catch (error) {
    if (error instanceof SafeFetchError) {
      deps.instruments.feedFetched(String(error.httpStatus ?? error.code), 0);
    }
    throw error;
  }
}

function userAgent(publicBaseUrl: string): string {
  return `Lobby/${lobbyVersion} (calendar sync; +${publicBaseUrl})`;
}

export function publicHost(deps: Pick<Deps, 'config'>): string {
  return new URL(deps.config.PUBLIC_BASE_URL).hostname;
}

/** The downloaded text and its hash; a 304 has none. */
type Decoded = { text: string; feedHash: string; validators: Validators } | null;

function decode(download: SafeFetchResult): Decoded {
  if (download.kind === 'not-modified') return null;
  // PostgreSQL text cannot hold U+0000, and iCalendar never has it: a stray one must not fail a sync.
  const text = decodeFeedBytes(download.body).replaceAll('\u0000', '');
  // Kept also for a merely restamped body, so that the next request can be answered with a 304.
  const validators = { etag: download.etag, lastModified: download.lastModified };
  return { text, feedHash: normalizedFeedHash(text), validators };
}

function sourceOf(decoded: Decoded, feed: FeedState): FeedSource {
  if (decoded === null) {
    if (feed.contentHash === null) {
      throw new SyncFailure(
        'HTTP_STATUS',
        'The server answered "not modified" to a first download',
      );
    }
    return { kind: 'unchanged', validators: null };
  }
  const { text, feedHash, validators } = decoded;
  if (feedHash === feed.contentHash) {
    return { kind: 'unchanged', validators };
  }
  return { kind: 'changed', text, feedHash, validators };
}

/** Whether a reading through `shared` holds one through `wanted` (the floating zone's year too). */
function holds(shared: TimeWindow, wanted: TimeWindow): boolean {
  return (
    shared.from <= wanted.from &&
    wanted.to <= shared.to &&
    shared.from.getUTCFullYear() === wanted.from.getUTCFullYear()
  );
}

type SharedReading = { window: TimeWindow; reading: Promise<FeedReading> };

export function createJobFeed(deps: Deps): JobFeed {
  const decoded = new Map<string, Promise<Decoded>>();
  const relevant = new Map<string, string>();
  // By text, then by zone and host: rooms of one URL mostly read one text.
  const readings = new Map<string, Map<string, SharedReading>>();
  return {
    source(feed) {
      // The validators are part of the request: rooms that hold different ones ask differently.
      const key = JSON.stringify([feed.url, feed.etag, feed.lastModified]);
      let text = decoded.get(key);
      if (text === undefined) {
        text = fetchFeed(deps, feed.url, {
          userAgent: userAgent(deps.config.PUBLIC_BASE_URL),
          allowedHosts: deps.config.CALENDAR_FETCH_ALLOWED_HOSTS,
          etag: feed.etag,
          lastModified: feed.lastModified,
        }).then(decode);
        decoded.set(key, text);
      }
      return text.then((done) => sourceOf(done, feed));
    },
    relevantIcs(text) {
      let part = relevant.get(text);
      if (part === undefined) {
        part = extractRelevantIcs(text, publicHost(deps));
        relevant.set(text, part);
      }
      return part;
    },
    read(text, options) {
      const byOptions = readings.get(text) ?? new Map<string, SharedReading>();
      readings.set(text, byOptions);
      const key = JSON.stringify([options.defaultTimezone, options.relevantHost ?? null]);
      const shared = byOptions.get(key);
      if (shared !== undefined && holds(shared.window, options.window)) return shared.reading;
      const window = {
        from: options.window.from,
        to: new Date(options.window.to.getTime() + SHARED_READING_REACH_MS),
      };
      const reading = deps.feedReader.read(text, { ...options, window });
      byOptions.set(key, { window, reading });
      return reading;
    },
  };
}
