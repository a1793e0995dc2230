// How the lobby words times: relative labels that tick, absolute ones in the viewer's locale and zone.

const MINUTE_MS = 60_000;
const MINUTES_PER_DAY = 24 * 60;

function hoursAndMinutes(totalMinutes: number): string {
  const hours = Math.floor(totalMinutes / 60);
  const minutes = totalMinutes % 60;
  return minutes === 0 ? `${hours} h` : `${hours} h ${minutes} min`;
}

/** "Starts in 5 min": rounded up, so a meeting never "starts in 0 min" before it starts. */
export function formatStartsIn(startsAtMs: number, nowMs: number): string {
  const remainingMs = startsAtMs - nowMs;
  if (remainingMs <= 0) return 'Starting now';
  const minutes = Math.ceil(remainingMs / MINUTE_MS);
  if (minutes < 60) return `Starts in ${minutes} min`;
  if (minutes < MINUTES_PER_DAY) return `Starts in ${hoursAndMinutes(minutes)}`;
  const days = Math.floor(minutes / MINUTES_PER_DAY);
  return days === 1 ? 'Starts in 1 day' : `Starts in ${days} days`;
}

/** "Started 12 min ago", or "Started early" for a meeting someone joined before its start. */
export function formatStartedAgo(startsAtMs: number, nowMs: number): string {
  const elapsedMs = nowMs - startsAtMs;
  if (elapsedMs < 0) return 'Started early';
  const minutes = Math.floor(elapsedMs / MINUTE_MS);
  if (minutes < 1) return 'Started just now';
  if (minutes < 60) return `Started ${minutes} min ago`;
  return `Started ${hoursAndMinutes(minutes)} ago`;
}

/** Locale and zone default to the viewer's; tests pin them. */
export type DateFormatOptions = { locale?: string; timeZone?: string };

/** "Nov 27, 2026, 10:00 – 11:00 AM" in the viewer's locale and zone. */
export function formatTimeRange(
  startsAt: string,
  endsAt: string,
  options: DateFormatOptions = {},
): string {
  const format = new Intl.DateTimeFormat(options.locale, {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: options.timeZone,
  });
  return format.formatRange(new Date(startsAt), new Date(endsAt));
}

export function formatDateTime(instant: string, options: DateFormatOptions = {}): string {
  return new Intl.DateTimeFormat(options.locale, {
    dateStyle: 'medium',
    timeStyle: 'medium',
    timeZone: options.timeZone,
  }).format(new Date(instant));
}
