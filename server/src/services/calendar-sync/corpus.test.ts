// The ICS corpus (real exports from Google, Outlook/Exchange, Apple and friends) synced over real
// HTTP into a real database: what is stored is exactly what the reader reads from the whole file,
// also when an unchanged feed is re-read from its stored relevant part as the window moves.
import { expect, it } from 'vitest';
import { createRoomMatcher } from '../../domain/calendar/match-room.js';
import {
  decodeFeedBytes,
  FeedParseError,
  readFeed,
  type Occurrence,
} from '../../domain/calendar/read-feed.js';
import { syncWindow } from '../../domain/calendar/sync-schedule.js';
import type { CalendarEvent } from '../../generated/prisma/client.js';
import {
  countersOf,
  eventRows,
  PUBLIC_BASE_URL,
  roomFollowing,
  syncRoom,
  describeCalendarSync,
} from '../../../test/support/calendar-sync-context.js';
import {
  listIcsFixtures,
  loadExpectedOccurrences,
  readIcsFixtureBytes,
} from '../../../test/support/ics-fixtures.js';

const ROOM_URL = `${PUBLIC_BASE_URL}/corpus`;
const LOOKAHEAD_DAYS = 7;
const DAY_MS = 24 * 3_600_000;
const expected = loadExpectedOccurrences();

/** Every VEVENT gains a link to the room, so every occurrence the reader finds must be stored. */
function pointedAtRoom(text: string): string {
  return text.replace(
    /^(BEGIN:VEVENT)(\r\n|\n|\r)/gim,
    (_line, begin: string, ending: string) =>
      `${begin}${ending}X-LOBBY-TEST-URL:${ROOM_URL}${ending}`,
  );
}

/** The start of the source's own window where expected.json has one, else the first DTSTART. */
function syncTimeFor(name: string, text: string): Date {
  const window = expected[name]?.window[0];
  if (window !== undefined) return new Date(new Date(window).getTime() + 3_600_000);
  const firstDate = /^DTSTART[^:\r\n]*:(\d{4})(\d{2})(\d{2})/im.exec(text);
  return firstDate === null
    ? new Date('2026-03-05T12:00:00.000Z')
    : new Date(`${firstDate[1] ?? ''}-${firstDate[2] ?? ''}-${firstDate[3] ?? ''}T00:00:00.000Z`);
}

/** What a stored row says, beside what an occurrence says, for exact comparison. */
function rowShape(row: CalendarEvent) {
  return {
    uid: row.uid,
    recurrenceId: row.recurrenceId,
    title: row.title,
    description: row.description,
    location: row.location,
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt.toISOString(),
    isAllDay: row.isAllDay,
    startDate: row.startDate,
    endDate: row.endDate,
    status: row.status,
    organizer: row.organizer,
    attendees: row.attendees,
    contentHash: row.contentHash,
  };
}

function occurrenceShape(occurrence: Occurrence) {
  return {
    uid: occurrence.uid,
    recurrenceId: occurrence.recurrenceId,
    title: occurrence.title,
    description: occurrence.description,
    location: occurrence.location,
    startsAt: occurrence.startsAt.toISOString(),
    endsAt: occurrence.endsAt.toISOString(),
    isAllDay: occurrence.isAllDay,
    startDate: occurrence.startDate,
    endDate: occurrence.endDate,
    status: occurrence.status,
    organizer: occurrence.organizer,
    attendees: occurrence.attendees,
    contentHash: occurrence.contentHash,
  };
}

type Shape = ReturnType<typeof rowShape>;

function sorted(shapes: Shape[]): Shape[] {
  const key = (shape: Shape) => `${shape.startsAt} ${shape.uid} ${shape.recurrenceId}`;
  return [...shapes].sort((left, right) => (key(left) < key(right) ? -1 : 1));
}

/** The reader's view of the whole file: the room's occurrences, once per key, as a sync keeps them. */
function readWhole(text: string, now: Date, timezone: string): Shape[] | 'parse-failed' {
  try {
    const reading = readFeed(text, {
      window: syncWindow(now, LOOKAHEAD_DAYS),
      defaultTimezone: timezone,
    });
    const matcher = createRoomMatcher(ROOM_URL);
    const byKey = new Map<string, Shape>();
    for (const occurrence of reading.occurrences.filter((item) => matcher.matches(item))) {
      const key = `${occurrence.uid} ${occurrence.recurrenceId}`;
      if (!byKey.has(key)) byKey.set(key, occurrenceShape(occurrence));
    }
    return sorted([...byKey.values()]);
  } catch (error) {
    if (error instanceof FeedParseError) return 'parse-failed';
    throw error;
  }
}

describeCalendarSync('corpus feeds synced over HTTP', (context) => {
  it.each(listIcsFixtures())('%s', async (name) => {
    const text = pointedAtRoom(decodeFeedBytes(readIcsFixtureBytes(name)));
    const now = syncTimeFor(name, text);
    context.clock.set(now);
    context.server.serve('/corpus.ics', { kind: 'feed', body: text, etag: '"corpus"' });
    const room = await roomFollowing(context.prisma, 'corpus', context.server.url('/corpus.ics'), {
      timezone: 'Europe/Paris',
    });
    const whole = readWhole(text, now, 'Europe/Paris');

    const first = await syncRoom(context.deps, room.id);

    if (whole === 'parse-failed') {
      expect(countersOf(first)).toMatchObject({ status: 'FAILED', errorCode: 'PARSE_FAILED' });
      expect(await eventRows(context.prisma, room.id)).toEqual([]);
      return;
    }
    expect(countersOf(first)).toMatchObject({
      status: 'SUCCEEDED',
      errorCode: null,
      eventsMatched: whole.length,
      created: whole.length,
    });
    expect(sorted((await eventRows(context.prisma, room.id)).map(rowShape))).toEqual(whole);

    // Three days later the server answers 304: the stored relevant part is read in the new window.
    const later = new Date(now.getTime() + 3 * DAY_MS);
    context.clock.set(later);
    const unchanged = await syncRoom(context.deps, room.id);

    expect(countersOf(unchanged)).toMatchObject({ status: 'UNCHANGED', errorCode: null });
    expect(context.server.requests('/corpus.ics').at(-1)?.status).toBe(304);
    const window = syncWindow(later, LOOKAHEAD_DAYS);
    const inWindow = (await eventRows(context.prisma, room.id)).filter(
      (row) => row.deletedAt === null && row.startsAt < window.to && row.endsAt > window.from,
    );
    expect(sorted(inWindow.map(rowShape))).toEqual(readWhole(text, later, 'Europe/Paris'));
  });
});
