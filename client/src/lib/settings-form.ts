// From what managers type to the inputs the API takes: checked here first, so mistakes show at once.
import { parseFeedUrl } from '@lobby/shared/feed-url';
import { validateRoomName } from '@lobby/shared/room-name';
import { GRACE_PERIOD_MINUTES_MAX, isKnownTimeZone } from '@lobby/shared/room-settings';
import { SYNC_INTERVAL_MINUTES_MAX, SYNC_INTERVAL_MINUTES_MIN } from '@lobby/shared/sync-interval';
import { fail, succeed, type Outcome } from './outcome.js';

/** A whole number typed into a field, within bounds; null for anything else. */
export function parseWholeNumber(text: string, min: number, max: number): number | null {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return null;
  const value = Number(trimmed);
  return value >= min && value <= max ? value : null;
}

function checkTimeZone(timezone: string): Outcome<string> {
  return isKnownTimeZone(timezone)
    ? succeed(timezone)
    : fail(`"${timezone}" is not a time zone Lobby knows.`, 'timezone');
}

export type CreateRoomValues = { name: string; isShared: boolean; timezone: string };

export function createRoomInput(values: CreateRoomValues): Outcome<CreateRoomValues> {
  const name = validateRoomName(values.name.trim());
  if (!name.ok) return fail(name.message, 'name');
  const timezone = checkTimeZone(values.timezone);
  if (!timezone.ok) return timezone;
  return succeed({ name: name.name, isShared: values.isShared, timezone: timezone.value });
}

export type RoomSettingsValues = {
  isShared: boolean;
  timezone: string;
  gracePeriodMinutes: string;
};
export type RoomSettingsFields = {
  isShared: boolean;
  timezone: string;
  gracePeriodMinutes: number;
};

export function roomSettingsInput(values: RoomSettingsValues): Outcome<RoomSettingsFields> {
  const timezone = checkTimeZone(values.timezone);
  if (!timezone.ok) return timezone;
  const gracePeriodMinutes = parseWholeNumber(
    values.gracePeriodMinutes,
    0,
    GRACE_PERIOD_MINUTES_MAX,
  );
  if (gracePeriodMinutes === null) {
    return fail(
      `The grace period is a whole number of minutes from 0 to ${GRACE_PERIOD_MINUTES_MAX}.`,
      'gracePeriodMinutes',
    );
  }
  return succeed({ isShared: values.isShared, timezone: timezone.value, gracePeriodMinutes });
}

export type CalendarValues = {
  /** The new feed URL, or null to keep the stored one (which the form only shows masked). */
  url: string | null;
  enabled: boolean;
  syncIntervalMinutes: string;
};
export type CalendarFields = { url?: string; enabled: boolean; syncIntervalMinutes: number };

export function calendarInput(
  values: CalendarValues,
  hasStoredUrl: boolean,
): Outcome<CalendarFields> {
  let url: string | undefined;
  if (values.url !== null) {
    const parsed = parseFeedUrl(values.url);
    if (!parsed.ok) return fail(parsed.message, 'url');
    url = values.url.trim();
  } else if (values.enabled && !hasStoredUrl) {
    return fail('Enter the URL of the calendar feed to turn syncing on.', 'url');
  }
  const syncIntervalMinutes = parseWholeNumber(
    values.syncIntervalMinutes,
    SYNC_INTERVAL_MINUTES_MIN,
    SYNC_INTERVAL_MINUTES_MAX,
  );
  if (syncIntervalMinutes === null) {
    return fail(
      `The interval is a whole number of minutes from ${SYNC_INTERVAL_MINUTES_MIN} to ${SYNC_INTERVAL_MINUTES_MAX} (one day).`,
      'syncIntervalMinutes',
    );
  }
  return succeed({
    ...(url !== undefined && { url }),
    enabled: values.enabled,
    syncIntervalMinutes,
  });
}

/**
 * A feed URL usually carries a private token in its path or query: show the host, which tells
 * managers which calendar it is, and hide the rest.
 */
export function maskFeedUrl(url: string): string {
  const hidden = '••••••••';
  if (!URL.canParse(url)) return hidden;
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}/${hidden}`;
}
