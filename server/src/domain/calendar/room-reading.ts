// What one feed reading says about one room (DESIGN §3): the occurrences that point at the room,
// those of them in the sync window, and how long the same bytes would read the same.
import { createRoomMatcher } from './match-room.js';
import { overlapsWindow, type FeedReading, type Occurrence, type TimeWindow } from './read-feed.js';
import { readingStableUntil, readingWindow } from './reading-stability.js';

export type RoomReading = {
  /** The room's occurrences through the reading window (the sync window and the stability horizon). */
  roomOccurrences: Occurrence[];
  /** Those of them in the sync window: what the room's rows must become. */
  inWindow: Occurrence[];
  /** Until then no room occurrence enters the window: the same bytes would write nothing. */
  stableUntil: Date;
};

/**
 * Match → window → stability, for a feed read through `readingWindow(window)` around `now` or a
 * window that holds it (a reading shared by rooms whose clocks read later): what lies outside the
 * reading window is dropped, so both read alike.
 */
export function readRoom(
  reading: FeedReading,
  options: { roomUrl: string; window: TimeWindow; now: Date },
): RoomReading {
  const { window, now } = options;
  const matcher = createRoomMatcher(options.roomUrl);
  const read = readingWindow(window);
  const roomOccurrences = reading.occurrences.filter(
    (occurrence) => overlapsWindow(occurrence, read) && matcher.matches(occurrence),
  );
  return {
    roomOccurrences,
    inWindow: roomOccurrences.filter((occurrence) => overlapsWindow(occurrence, window)),
    stableUntil: readingStableUntil(roomOccurrences, window, now),
  };
}
