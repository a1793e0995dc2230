// What use cases may touch: the database, the engines, the clock and the settings they need.
import type { FeedReader } from '../adapters/feed-reader/index.js';
import type { Config } from '../config.js';
import type { EventBus } from '../engines/events.js';
import type { JobQueue } from '../engines/jobs.js';
import type { Locks } from '../engines/locks.js';
import type { RateLimits } from '../engines/rate-limits.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { Instruments } from './instruments.js';
import type { RateLimitSettings } from './rate-limits.js';

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
