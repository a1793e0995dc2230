// Turns a TZID as feeds write it into a zone the arithmetic understands, saying when it had to guess.
import type { FeedWarning } from '../feed-reading.js';
import { zoneFromName, zoneFromOffsetLabel } from './time-zones.js';
import { matchTimezoneDefinition, type TimezoneDefinition } from './vtimezone.js';

export type ZoneResolution = { zone: string; warning: FeedWarning | null };

export type ZoneResolver = {
  /**
   * The zone for `tzid`, judged in `referenceYear` (custom definitions change over the years).
   * Unknown names fall back to `fallbackZone`.
   */
  resolve(tzid: string, referenceYear: number, fallbackZone: string): ZoneResolution;
  /** The zone of the feed's only VTIMEZONE, or null when it has none or several. */
  onlyDefinedZone(referenceYear: number, fallbackZone: string): ZoneResolution | null;
};

function unquote(tzid: string): string {
  return tzid
    .trim()
    .replace(/^"(.*)"$/, '$1')
    .trim();
}

export function createZoneResolver(definitions: readonly TimezoneDefinition[]): ZoneResolver {
  const byTzid = new Map<string, TimezoneDefinition>();
  for (const definition of definitions) {
    for (const tzid of definition.tzids) {
      byTzid.set(unquote(tzid), definition);
    }
  }
  const resolved = new Map<string, ZoneResolution>();

  function resolveUncached(
    tzid: string,
    referenceYear: number,
    fallbackZone: string,
  ): ZoneResolution {
    const named = zoneFromName(tzid);
    if (named !== null) {
      return { zone: named, warning: null };
    }
    const definition = byTzid.get(tzid);
    if (definition !== undefined) {
      const match = matchTimezoneDefinition(definition, referenceYear);
      return {
        zone: match.zone,
        warning: match.exact
          ? null
          : {
              code: 'timezone-approximated',
              message: `The time zone "${tzid}" defined in the feed follows no known zone exactly; its times were read as ${match.zone}.`,
            },
      };
    }
    const offset = zoneFromOffsetLabel(tzid);
    if (offset !== null) {
      return {
        zone: offset,
        warning: {
          code: 'timezone-fixed-offset',
          message: `The time zone "${tzid}" only names a UTC offset; its times were read as UTC${offset === 'UTC' ? '' : offset} all year, without daylight saving time.`,
        },
      };
    }
    return {
      zone: fallbackZone,
      warning: {
        code: 'timezone-unknown',
        message: `Unknown time zone "${tzid}"; its times were read in ${fallbackZone}.`,
      },
    };
  }

  function resolve(rawTzid: string, referenceYear: number, fallbackZone: string): ZoneResolution {
    const tzid = unquote(rawTzid);
    const key = `${tzid}|${String(referenceYear)}|${fallbackZone}`;
    let resolution = resolved.get(key);
    if (resolution === undefined) {
      resolution = resolveUncached(tzid, referenceYear, fallbackZone);
      resolved.set(key, resolution);
    }
    return resolution;
  }

  return {
    resolve,
    onlyDefinedZone(referenceYear, fallbackZone) {
      const [only, ...others] = definitions;
      const tzid = only?.tzids.at(-1);
      return tzid === undefined || others.length > 0
        ? null
        : resolve(tzid, referenceYear, fallbackZone);
    },
  };
}
