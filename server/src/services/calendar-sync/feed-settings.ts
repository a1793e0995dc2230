// Saving a room's calendar feed settings; a saved, enabled feed is synced at once, and a feed
// turned off lets go of the meetings it made that nobody has joined.
import { parseFeedUrl } from '@lobby/shared/feed-url';
import { SYNC_INTERVAL_MINUTES_MAX, SYNC_INTERVAL_MINUTES_MIN } from '@lobby/shared/sync-interval';
import type { CalendarFeed } from '../../generated/prisma/client.js';
import type { ServiceDependencies } from '../dependencies.js';
import { endMeetingsOfCalendarTurnedOff } from '../meetings/index.js';
import { ValidationError } from '../errors.js';
import { requestCalendarSync } from './request-sync.js';

export type FeedSettingsInput = {
  /** Omitted: keep the saved URL (the client never has the secret to send back). */
  url?: string | null;
  enabled: boolean;
  syncIntervalMinutes?: number | null;
};

function checkInterval(minutes: number | null | undefined): void {
  if (
    minutes != null &&
    (!Number.isInteger(minutes) ||
      minutes < SYNC_INTERVAL_MINUTES_MIN ||
      minutes > SYNC_INTERVAL_MINUTES_MAX)
  ) {
    throw new ValidationError(
      `The interval is a whole number of minutes from ${SYNC_INTERVAL_MINUTES_MIN} to ${SYNC_INTERVAL_MINUTES_MAX}`,
      'syncIntervalMinutes',
    );
  }
}

export async function setRoomCalendar(
  deps: Pick<ServiceDependencies, 'prisma' | 'events' | 'jobs' | 'locks' | 'now' | 'instruments'>,
  roomId: string,
  input: FeedSettingsInput,
): Promise<CalendarFeed> {
  checkInterval(input.syncIntervalMinutes);
  let url: string | undefined;
  if (input.url != null) {
    const parsed = parseFeedUrl(input.url);
    if (!parsed.ok) throw new ValidationError(parsed.message, 'url');
    url = parsed.url.toString();
  }
  const existing = await deps.prisma.calendarFeed.findUnique({ where: { roomId } });
  if (existing === null && url === undefined) {
    throw new ValidationError('Enter the calendar feed URL', 'url');
  }
  const urlChanged = url !== undefined && url !== existing?.url;
  const interval = input.syncIntervalMinutes ?? undefined;
  const feed = await deps.prisma.calendarFeed.upsert({
    where: { roomId },
    create: {
      roomId,
      url: url ?? '',
      enabled: input.enabled,
      syncIntervalMinutes: interval,
      nextSyncAt: deps.now(),
    },
    update: {
      enabled: input.enabled,
      syncIntervalMinutes: interval,
      nextSyncAt: deps.now(),
      // Saving is the manager's word that the feed may be tried again.
      pausedReason: null,
      // Another feed: forget what we knew about the previous one.
      ...(urlChanged && {
        url,
        etag: null,
        lastModified: null,
        contentHash: null,
        relevantIcs: null,
        consecutiveFailures: 0,
      }),
    },
  });
  if (feed.enabled) {
    await requestCalendarSync(deps, roomId, 'SETTINGS_CHANGED');
  } else {
    await endMeetingsOfCalendarTurnedOff(deps, roomId);
  }
  return feed;
}
