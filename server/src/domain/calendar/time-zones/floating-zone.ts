// The zone of a feed's floating times (local times with no TZID).
import type { FeedWarning, ReadFeedOptions } from '../feed-reading.js';
import type { FeedStructure } from '../ics/feed-structure.js';
import { canonicalIanaZone } from './time-zones.js';
import type { ZoneResolver } from './zone-resolver.js';

type FloatingZone = { zone: string; source: string; warning: FeedWarning | null };

/** X-WR-TIMEZONE, else the feed's only VTIMEZONE (its author evidently works there), else the room's. */
export function floatingZoneOf(
  structure: FeedStructure,
  zones: ZoneResolver,
  options: ReadFeedOptions,
): FloatingZone {
  const referenceYear = options.window.from.getUTCFullYear();
  const defaultZone = canonicalIanaZone(options.defaultTimezone);
  const fallback = defaultZone ?? 'UTC';
  const declared = structure.properties.find((property) => property.line.name === 'X-WR-TIMEZONE');
  const declaredName = declared?.line.value.trim();
  if (declaredName !== undefined && declaredName !== '') {
    return {
      ...zones.resolve(declaredName, referenceYear, fallback),
      source: `the feed's X-WR-TIMEZONE (${declaredName})`,
    };
  }
  const only = zones.onlyDefinedZone(referenceYear, fallback);
  if (only !== null) {
    return { ...only, source: "the feed's only time-zone definition" };
  }
  return {
    zone: fallback,
    source: "the room's time zone",
    warning:
      defaultZone === null
        ? {
            code: 'timezone-unknown',
            message: `Unknown room time zone "${options.defaultTimezone}"; UTC was used.`,
          }
        : null,
  };
}
