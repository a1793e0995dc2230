// The normalized hash of a feed body (DESIGN §3.4): equal hashes mean reading it again changes nothing.
import { createHash } from 'node:crypto';
import { splitPhysicalLines, unfoldLines, withoutByteOrderMark } from './ics-lines.js';

/**
 * Properties that exporters restamp on downloads and that the reader never looks at. A change in
 * them alone cannot change a reading (every property that matters is still hashed), so they are
 * left out: DTSTAMP (the export time), LAST-MODIFIED and CREATED (they change only together with
 * the properties they describe, which are hashed), PRODID (Google writes its build number there),
 * the calendar's refresh hints and X-WR- labels (X-WR-TIMEZONE excepted: it is read), and the
 * alarm bookkeeping of Thunderbird and Apple.
 */
const VOLATILE_PROPERTIES = new Set([
  'DTSTAMP',
  'LAST-MODIFIED',
  'CREATED',
  'PRODID',
  'REFRESH-INTERVAL',
  'X-PUBLISHED-TTL',
  'ACKNOWLEDGED',
  'X-MOZ-LASTACK',
  'X-MOZ-GENERATION',
]);

/** True for a property (by upper-case name) whose value cannot change what the reader returns. */
export function isVolatileProperty(name: string): boolean {
  return (
    VOLATILE_PROPERTIES.has(name) ||
    (name.startsWith('X-WR-') && name !== 'X-WR-TIMEZONE') ||
    // Thunderbird writes one X-MOZ-SNOOZE-TIME-<timestamp> per snoozed alarm.
    name.startsWith('X-MOZ-SNOOZE-TIME')
  );
}

function propertyName(line: string): string {
  return (/^[A-Za-z0-9-]+/.exec(line)?.[0] ?? '').toUpperCase();
}

/** sha256 (hex) of the unfolded, non-blank lines without volatile stamps; CRLF, LF and folding do not matter. */
export function normalizedFeedHash(icsText: string): string {
  const lines = splitPhysicalLines(withoutByteOrderMark(icsText));
  const hash = createHash('sha256');
  for (const line of unfoldLines(lines, 0, lines.length - 1)) {
    if (line.text.trim() !== '' && !isVolatileProperty(propertyName(line.text))) {
      hash.update(line.text);
      hash.update('\n');
    }
  }
  return hash.digest('hex');
}
