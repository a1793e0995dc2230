// What the feed reader and its thread say to each other (structured-cloned: Dates survive).
import type { FeedReading, ReadFeedOptions } from '../../domain/calendar/read-feed.js';

export type ReadRequest = { text: string; options: ReadFeedOptions };

export type ReadReply =
  { kind: 'read'; reading: FeedReading } | { kind: 'parse-failed'; message: string };
