// Time-zone names and wall-clock arithmetic. A zone is an IANA name, 'UTC' or a fixed offset '+05:30'.
import windowsZones from 'node-ical/windowsZones.json' with { type: 'json' };
import { Temporal } from 'temporal-polyfill';
import { zoneCache } from './zone-caches.js';

export type WallClock = {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
};

const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

// Only names that resolve are kept, keyed case-insensitively: at most the runtime's zone names.
const ianaNames = zoneCache<string>('ianaNames', 2_000);

/** The canonical IANA name the runtime knows for `name` (case-insensitive), or null. */
export function canonicalIanaZone(name: string): string | null {
  const key = name.toLowerCase();
  const known = ianaNames.get(key);
  if (known !== undefined) {
    return known.value;
  }
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(name)) {
    return null;
  }
  let canonical: string;
  try {
    canonical = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
  ianaNames.set(key, canonical);
  return canonical;
}

function normalizeLabel(label: string): string {
  return label.replace(/\s+/g, ' ').trim().toLowerCase();
}

const OFFSET_PREFIX = /^\((?:utc|gmt)[^)]*\)\s*/i;

/** Windows names and display labels ("(UTC-05:00) Eastern Time (US & Canada)", city lists) to IANA. */
const windowsLabels = ((): ReadonlyMap<string, string> => {
  const index = new Map<string, string>();
  const add = (label: string, zone: string) => {
    const key = normalizeLabel(label);
    if (key !== '' && !index.has(key)) {
      index.set(key, zone);
    }
  };
  for (const [label, { iana }] of Object.entries(windowsZones)) {
    const zone = iana[0];
    if (zone === undefined) {
      continue;
    }
    add(label, zone);
    const withoutOffset = label.replace(OFFSET_PREFIX, '');
    if (withoutOffset !== label) {
      add(withoutOffset, zone);
      withoutOffset.split(',').forEach((city) => {
        add(city, zone);
      });
    }
  }
  return index;
})();

/** IANA zones Windows maps its regions to: the preferred answer when guessing a zone by its rules. */
export const preferredIanaZones: readonly string[] = [...new Set(windowsLabels.values())];

function windowsZone(tzid: string): string | null {
  const direct = windowsLabels.get(normalizeLabel(tzid));
  if (direct !== undefined) {
    return direct;
  }
  for (const part of tzid.replace(OFFSET_PREFIX, '').split(',')) {
    const zone = windowsLabels.get(normalizeLabel(part));
    if (zone !== undefined) {
      return zone;
    }
  }
  return null;
}

/** "/mozilla.org/20070129_1/America/New_York", "posix/Europe/Vaduz", "/Europe/Stockholm": the IANA name at the end. */
function globallyUniqueZone(tzid: string): string | null {
  const parts = tzid.split('/').filter((part) => part !== '');
  // "/Europe/Stockholm": a leading slash alone, with no prefix to skip.
  for (let start = tzid.startsWith('/') ? 0 : 1; start < parts.length; start++) {
    const zone = canonicalIanaZone(parts.slice(start).join('/'));
    if (zone !== null) {
      return zone;
    }
  }
  return null;
}

/** A zone named by an IANA name, a globally unique TZID or a Windows name; null when not recognised. */
export function zoneFromName(tzid: string): string | null {
  return (
    canonicalIanaZone(tzid) ??
    (tzid.includes('/') ? globallyUniqueZone(tzid) : null) ??
    windowsZone(tzid)
  );
}

export function offsetZone(offsetMs: number): string {
  if (offsetMs === 0) {
    return 'UTC';
  }
  const minutes = Math.round(Math.abs(offsetMs) / MINUTE_MS);
  const hours = String(Math.floor(minutes / 60)).padStart(2, '0');
  return `${offsetMs < 0 ? '-' : '+'}${hours}:${String(minutes % 60).padStart(2, '0')}`;
}

/** "+0530", "-05:00", "+1100": an offset in milliseconds, or null. */
export function parseUtcOffset(text: string): number | null {
  const match = /^([+-])(\d{1,2}):?(\d{2})?(?::?(\d{2}))?$/.exec(text.trim());
  if (match === null) {
    return null;
  }
  const hours = Number(match[2]);
  const minutes = Number(match[3] ?? 0);
  const seconds = Number(match[4] ?? 0);
  if (hours > 18 || minutes > 59 || seconds > 59) {
    return null;
  }
  const sign = match[1] === '-' ? -1 : 1;
  return sign * ((hours * 60 + minutes) * MINUTE_MS + seconds * 1000);
}

/** "(GMT +01:00)", "UTC+11", "GMT-4": a fixed-offset zone, or null. */
export function zoneFromOffsetLabel(tzid: string): string | null {
  const match = /^\(?\s*(?:utc|gmt)\s*([+-]\s*\d{1,2}(?::?\d{2})?)\s*\)?$/i.exec(tzid.trim());
  const offsetMs = match === null ? null : parseUtcOffset((match[1] ?? '').replace(/\s/g, ''));
  return offsetMs === null ? null : offsetZone(offsetMs);
}

export function isFixedOffsetZone(zone: string): boolean {
  return zone === 'UTC' || zone.startsWith('+') || zone.startsWith('-');
}

/** The UTC offset of `zone` at an instant, in milliseconds. */
export function zoneOffsetMs(zone: string, epochMs: number): number {
  if (zone === 'UTC') {
    return 0;
  }
  const fixed = parseUtcOffset(zone);
  if (fixed !== null) {
    return fixed;
  }
  return (
    Temporal.Instant.fromEpochMilliseconds(epochMs).toZonedDateTimeISO(zone).offsetNanoseconds /
    1_000_000
  );
}

function wallClockAsUtc(clock: WallClock): number {
  const epochMs = Date.UTC(
    clock.year,
    clock.month - 1,
    clock.day,
    clock.hour,
    clock.minute,
    clock.second,
  );
  // Date.UTC maps years 0-99 to 1900-1999.
  return clock.year >= 0 && clock.year < 100
    ? new Date(epochMs).setUTCFullYear(clock.year)
    : epochMs;
}

// Most days have no offset change: their offset is remembered so that a large feed does not pay
// for a full time-zone computation per value (zone|date -> offset, or null for a transition day).
const dayOffsets = zoneCache<number | null>('dayOffsets', 20_000);

function offsetOfDayWithoutTransition(zone: string, clock: WallClock): number | null {
  const key = `${zone}|${String(clock.year)}-${String(clock.month)}-${String(clock.day)}`;
  const known = dayOffsets.get(key);
  if (known !== undefined) {
    return known.value;
  }
  const midnight = Temporal.PlainDate.from({
    year: clock.year,
    month: clock.month,
    day: clock.day,
  });
  const start = midnight.toZonedDateTime({ timeZone: zone });
  const end = midnight.add({ days: 1 }).toZonedDateTime({ timeZone: zone });
  const offset =
    start.offsetNanoseconds === end.offsetNanoseconds &&
    end.epochMilliseconds - start.epochMilliseconds === DAY_MS
      ? start.offsetNanoseconds / 1_000_000
      : null;
  dayOffsets.set(key, offset);
  return offset;
}

/**
 * The instant of a wall-clock time in a zone. Times skipped by a DST change move forward by the
 * gap, repeated times take the first (earlier) instant, as RFC 5545 §3.3.5 asks.
 */
export function wallClockToInstant(clock: WallClock, zone: string): number {
  const asUtc = wallClockAsUtc(clock);
  const fixed = zone === 'UTC' ? 0 : parseUtcOffset(zone);
  if (fixed !== null) {
    return asUtc - fixed;
  }
  const dayOffset = offsetOfDayWithoutTransition(zone, clock);
  if (dayOffset !== null) {
    return asUtc - dayOffset;
  }
  return Temporal.PlainDateTime.from(clock).toZonedDateTime(zone, { disambiguation: 'compatible' })
    .epochMilliseconds;
}

export function instantToWallClock(epochMs: number, zone: string): WallClock {
  const local = new Date(epochMs + zoneOffsetMs(zone, epochMs));
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
  };
}

/** YYYY-MM-DD of a wall clock. */
export function formatDate(clock: Pick<WallClock, 'year' | 'month' | 'day'>): string {
  const year = String(clock.year).padStart(4, '0');
  return `${year}-${String(clock.month).padStart(2, '0')}-${String(clock.day).padStart(2, '0')}`;
}

function parseDate(date: string): WallClock {
  const [year = 0, month = 1, day = 1] = date.split('-').map(Number);
  return { year, month, day, hour: 0, minute: 0, second: 0 };
}

/** The calendar date an instant falls on in a zone. */
export function localDate(epochMs: number, zone: string): string {
  return formatDate(instantToWallClock(epochMs, zone));
}

/** Midnight at the start of a calendar date in a zone. */
export function startOfDate(date: string, zone: string): number {
  return wallClockToInstant(parseDate(date), zone);
}

export function addDays(date: string, days: number): string {
  const clock = parseDate(date);
  return formatDate(instantToWallClock(wallClockAsUtc(clock) + days * DAY_MS, 'UTC'));
}

export function daysBetween(fromDate: string, toDate: string): number {
  return Math.round(
    (wallClockAsUtc(parseDate(toDate)) - wallClockAsUtc(parseDate(fromDate))) / DAY_MS,
  );
}
