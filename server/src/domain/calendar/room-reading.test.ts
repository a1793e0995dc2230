import { describe, expect, it } from 'vitest';
import { icsCalendar, icsEvent } from '../../../test/support/ics-builder.js';
import { readFeed } from './read-feed.js';
import { readingWindow, STABILITY_HORIZON_MS } from './reading-stability.js';
import { readRoom } from './room-reading.js';
import { syncWindow } from './sync-schedule.js';

const now = new Date('2026-03-05T12:00:00.000Z');
const window = syncWindow(now, 7);
const roomUrl = 'https://lobby.example.org/team';

function event(uid: string, location: string, start: string, end: string) {
  return icsEvent(
    `UID:${uid}`,
    'DTSTAMP:20260301T000000Z',
    `DTSTART:${start}`,
    `DTEND:${end}`,
    `LOCATION:${location}`,
  );
}

const feed = icsCalendar(
  event('inside', roomUrl, '20260306T090000Z', '20260306T100000Z'),
  // Past the sync window (7 days) but inside the stability horizon: read, not written.
  event('entering', roomUrl, '20260314T090000Z', '20260314T100000Z'),
  event('elsewhere', 'https://lobby.example.org/other', '20260306T090000Z', '20260306T100000Z'),
);

describe('reading a feed for one room', () => {
  const reading = readFeed(feed, { window: readingWindow(window), defaultTimezone: 'UTC' });
  const room = readRoom(reading, { roomUrl, window, now });

  it("keeps the room's occurrences through the reading window, and those in the sync window", () => {
    expect(room.roomOccurrences.map((occurrence) => occurrence.uid)).toEqual([
      'inside',
      'entering',
    ]);
    expect(room.inWindow.map((occurrence) => occurrence.uid)).toEqual(['inside']);
  });

  it('holds until the next room occurrence enters the window', () => {
    const lookAheadMs = window.to.getTime() - now.getTime();
    expect(room.stableUntil).toEqual(new Date(Date.parse('2026-03-14T09:00:00Z') - lookAheadMs));
    expect(room.stableUntil.getTime()).toBeLessThan(now.getTime() + STABILITY_HORIZON_MS);
  });
});

describe('a reading shared by rooms whose clocks read later', () => {
  const later = new Date(now.getTime() + 5 * 60_000);
  const laterWindow = syncWindow(later, 7);
  const edgeFeed = icsCalendar(
    // Ended before the later window began: in the shared reading only.
    event('leaving', roomUrl, '20260305T100000Z', '20260305T110200Z'),
    event('inside', roomUrl, '20260306T090000Z', '20260306T100000Z'),
    // Starts in the later reading window's last minute, past the first one's.
    event('edge', roomUrl, '20260319T120400Z', '20260319T123000Z'),
    // Past the later reading window, inside the shared one.
    event('beyond', roomUrl, '20260319T120700Z', '20260319T123000Z'),
  );
  // The first room's reading window, reaching 10 minutes further: what a job's rooms share.
  const first = readingWindow(window);
  const shared = { from: first.from, to: new Date(first.to.getTime() + 10 * 60_000) };

  it('reads for the later room exactly what its own reading would', () => {
    const options = { roomUrl, window: laterWindow, now: later };
    const fromShared = readRoom(
      readFeed(edgeFeed, { window: shared, defaultTimezone: 'UTC' }),
      options,
    );
    const own = readFeed(edgeFeed, { window: readingWindow(laterWindow), defaultTimezone: 'UTC' });
    expect(fromShared).toEqual(readRoom(own, options));
    expect(fromShared.roomOccurrences.map((occurrence) => occurrence.uid)).toEqual([
      'inside',
      'edge',
    ]);
  });
});
