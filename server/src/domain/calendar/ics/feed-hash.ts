// The normalized hash of a feed body (DESIGN §3.4): equal hashes mean reading it again changes nothing.
import { createHash } from 'node:crypto';
import { withoutByteOrderMark } from './ics-lines.js';

/**
 * Properties that exporters restamp on downloads and that the reader never looks at. A change in
 * them alone cannot change a reading (every property that matters is still hashed), so they are
 * left out: DTSTAMP (the export time), LAST-MODIFIED and CREATED (they change only together with
 * the properties they describe, which are hashed), PRODID (Google writes its build number there),
 * the calendar's refresh hints and X-WR- labels (X-WR-TIMEZONE excepted: it is read), and the
 * alarm bookkeeping of Thunderbird and Apple.
 */
const VOLATILE_NAME = [
  'DTSTAMP',
  'LAST-MODIFIED',
  'CREATED',
  'PRODID',
  'REFRESH-INTERVAL',
  'X-PUBLISHED-TTL',
  'ACKNOWLEDGED',
  'X-MOZ-LASTACK',
  'X-MOZ-GENERATION',
  // Thunderbird writes one X-MOZ-SNOOZE-TIME-<timestamp> per snoozed alarm.
  'X-MOZ-SNOOZE-TIME[A-Z0-9-]*',
  'X-WR-(?!TIMEZONE(?![A-Z0-9-]))[A-Z0-9-]*',
].join('|');

const VOLATILE_PROPERTY = new RegExp(`^(?:${VOLATILE_NAME})$`, 'i');
/** A volatile property's whole line, with the line break before it kept. */
const VOLATILE_LINE = new RegExp(`(^|[\\r\\n])(?:${VOLATILE_NAME})(?![A-Z0-9-])[^\\r\\n]*`, 'gi');

/** True for a property name whose value cannot change what the reader returns. */
export function isVolatileProperty(name: string): boolean {
  return VOLATILE_PROPERTY.test(name);
}

/** sha256 (hex) of the unfolded, non-blank lines without volatile stamps; CRLF, LF and folding do not matter. */
export function normalizedFeedHash(icsText: string): string {
  // Three passes over the whole text, not a loop over lines: this runs on every downloaded body.
  const normalized = withoutByteOrderMark(icsText)
    .replace(/(?:\r\n|\n|\r)[ \t]/g, '')
    .replace(VOLATILE_LINE, '$1')
    .replace(/[\r\n]+/g, '\n');
  return createHash('sha256').update(normalized).digest('hex');
}
