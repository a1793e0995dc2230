// What reading a feed produces besides occurrences: what was left out and why, in words.
import type { Occurrence, TimeWindow } from './events/occurrence.js';

export type FeedWarning = {
  /** Stable identifier of the kind of surprise, e.g. 'timezone-unknown'. */
  code: string;
  /** One sentence a room manager can act on. */
  message: string;
  uid?: string;
};

export type SkipReason = 'cancelled' | 'outside-window' | 'invalid';

export type SkippedEvent = {
  uid: string;
  recurrenceId: string;
  title: string | null;
  startsAt: Date | null;
  reason: SkipReason;
};

export type FeedReading = {
  occurrences: Occurrence[];
  skipped: SkippedEvent[];
  warnings: FeedWarning[];
  /** VEVENTs in the whole feed, also when only those mentioning a host were read. */
  eventsInFeed: number;
};

export type ReadFeedOptions = {
  window: TimeWindow;
  /** IANA zone for times without one when the feed names none (the room's time zone). */
  defaultTimezone: string;
  /** Read only the events that mention this host (and their series): DESIGN §3.8. */
  relevantHost?: string;
};
