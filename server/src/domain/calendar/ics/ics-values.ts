// Value types of RFC 5545 §3.3 that the reader needs: DATE, DATE-TIME and DURATION.
import type { WallClock } from '../time-zones/time-zones.js';

export type DateTimeText =
  { kind: 'date'; clock: WallClock } | { kind: 'date-time'; clock: WallClock; isUtc: boolean };

const DATE_TIME = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})?(Z)?)?$/i;

function isValidClock(clock: WallClock): boolean {
  const probe = new Date(0);
  probe.setUTCFullYear(clock.year, clock.month - 1, clock.day);
  return (
    probe.getUTCMonth() === clock.month - 1 &&
    probe.getUTCDate() === clock.day &&
    clock.hour <= 23 &&
    clock.minute <= 59 &&
    clock.second <= 60
  );
}

/**
 * "20240101" or "20240101T100000[Z]"; null when unreadable. `forceDate` (VALUE=DATE) keeps only
 * the date of a value that also carries a time, as some exporters write.
 */
export function parseDateTimeText(value: string, forceDate = false): DateTimeText | null {
  const match = DATE_TIME.exec(value.trim());
  if (match === null) {
    return null;
  }
  const [, year, month, day, hour, minute, second, utc] = match;
  const clock: WallClock = {
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hour: Number(hour ?? 0),
    minute: Number(minute ?? 0),
    // A leap second is read as the last second of its minute.
    second: Math.min(Number(second ?? 0), 59),
  };
  if (!isValidClock(clock)) {
    return null;
  }
  return hour === undefined || forceDate
    ? { kind: 'date', clock: { ...clock, hour: 0, minute: 0, second: 0 } }
    : { kind: 'date-time', clock, isUtc: utc !== undefined };
}

const DURATION_PARTS: Readonly<Record<string, number>> = {
  W: 604_800,
  D: 86_400,
  H: 3_600,
  M: 60,
  S: 1,
};

/**
 * A DURATION (RFC 5545 §3.3.6), e.g. "PT1H30M", "-P1W", in milliseconds; null when unreadable.
 * Read leniently, as node-ical does: exporters misplace the T ("-PT1W1D2H3M4S").
 */
export function parseDurationMs(value: string): number | null {
  const match = /^([+-])?P((?:T?\d+[WDHMS])+)$/i.exec(value.trim());
  if (match === null) {
    return null;
  }
  let totalSeconds = 0;
  for (const [, amount, unit] of (match[2] ?? '').toUpperCase().matchAll(/T?(\d+)([WDHMS])/g)) {
    totalSeconds += Number(amount) * (DURATION_PARTS[unit ?? ''] ?? 0);
  }
  return (match[1] === '-' ? -1 : 1) * totalSeconds * 1000;
}
