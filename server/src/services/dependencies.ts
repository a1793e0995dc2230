// What use cases may touch: the database, the engines, the outside world's adapters, the log, the
// clock and the settings they need. Each use case takes the members it uses (Pick<…>).
import type { FeedReader } from '../adapters/feed-reader/index.js';
import {
  safeFetch,
  type SafeFetchOptions,
  type SafeFetchResult,
} from '../adapters/safe-fetch/index.js';
import { videoPlatformFor, type VideoPlatform } from '../adapters/video/index.js';
import type { Config } from '../config.js';
import type { EventBus } from '../engines/events.js';
import type { JobQueue } from '../engines/jobs.js';
import type { Locks } from '../engines/locks.js';
import type { Engines } from '../engines/open-engines.js';
import type { RateLimits } from '../engines/rate-limits.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { Instruments } from './instruments.js';
import { reconcileRoomMeetings } from './meetings/reconcile.js';
import type { RateLimitSettings } from './rate-limits.js';

/** A line for operators, or an error with what went wrong. */
export type Log = (message: string, error?: unknown) => void;

/** Downloads a URL that a user supplied: the safe fetcher's signature. */
export type Fetcher = (url: string, options: SafeFetchOptions) => Promise<SafeFetchResult>;

/** What happens after a sync changed a room's events (meetings follow): wired by the process. */
export type AfterEventsChanged = (roomId: string) => Promise<void>;

export type ServiceDependencies = {
  prisma: PrismaClient;
  events: EventBus;
  jobs: JobQueue;
  locks: Locks;
  rateLimits: RateLimits;
  /** Reads feed text off the main thread, within a wall-clock limit. */
  feedReader: FeedReader;
  /** Counts and timings for operators (metrics); services never see the metrics library. */
  instruments: Instruments;
  /** The current time; tests of pure timing rules pass their own. */
  now: () => Date;
  log: Log;
  /** The safe fetcher (`safeFetch`), the only way a feed is downloaded. */
  fetcher: Fetcher;
  /** This deployment's video platform (VIDEO_PLATFORM). */
  videoPlatform: VideoPlatform;
  afterEventsChanged: AfterEventsChanged;
  config: Pick<
    Config,
    | 'PUBLIC_BASE_URL'
    | 'CALENDAR_LOOKAHEAD_DAYS'
    | 'CALENDAR_FETCH_ALLOWED_HOSTS'
    | 'MEETING_PRECREATE_MINUTES'
    | 'VIDEO_BASE_URL'
    | 'VIDEO_PLATFORM'
    | 'DAILY_WEBHOOK_SECRET'
    | 'DAILY_API_KEY'
    | 'DAILY_API_URL'
    | 'ROOMS_PER_USER_MAX'
  > &
    RateLimitSettings;
};

/** What a process (or a test) opened; the adapters and the meetings hook have defaults. */
export type ServiceParts = Pick<
  ServiceDependencies,
  'prisma' | 'feedReader' | 'instruments' | 'now' | 'config' | 'log'
> &
  Partial<Pick<ServiceDependencies, 'fetcher' | 'videoPlatform' | 'afterEventsChanged'>> & {
    engines: Omit<Engines, 'close'>;
  };

/** The one way to assemble the dependencies: the safe fetcher, VIDEO_PLATFORM's adapter, meetings following each sync. */
export function createServiceDependencies(parts: ServiceParts): ServiceDependencies {
  const { engines } = parts;
  const deps: ServiceDependencies = {
    prisma: parts.prisma,
    events: engines.events,
    jobs: engines.jobs,
    locks: engines.locks,
    rateLimits: engines.rateLimits,
    feedReader: parts.feedReader,
    instruments: parts.instruments,
    now: parts.now,
    config: parts.config,
    log: parts.log,
    fetcher: parts.fetcher ?? safeFetch,
    videoPlatform: parts.videoPlatform ?? videoPlatformFor(parts.config),
    // Meetings follow their occurrences as soon as a sync wrote them.
    afterEventsChanged:
      parts.afterEventsChanged ?? ((roomId: string) => reconcileRoomMeetings(deps, roomId)),
  };
  return deps;
}
