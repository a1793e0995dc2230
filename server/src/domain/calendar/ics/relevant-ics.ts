// Keep only what can matter before the expensive parse (DESIGN §3.8): the calendar's header, its
// time zones and the events that mention the public host, with every event sharing their UID.
import {
  scanFeed,
  unfoldedBlockText,
  type ComponentBlock,
  type FeedStructure,
} from './feed-structure.js';

/** Events whose unfolded text mentions `host` (case-insensitive), plus their overrides and masters. */
export function selectRelevantEvents(structure: FeedStructure, host: string): ComponentBlock[] {
  const needle = host.toLowerCase();
  const mentioning = new Set(
    structure.events.filter((event) =>
      unfoldedBlockText(structure, event).toLowerCase().includes(needle),
    ),
  );
  const uids = new Set([...mentioning].flatMap((event) => event.uid ?? []));
  return structure.events.filter(
    (event) => mentioning.has(event) || (event.uid !== null && uids.has(event.uid)),
  );
}

function blockLines(
  structure: FeedStructure,
  range: { firstLine: number; lastLine: number },
): readonly string[] {
  return structure.lines.slice(range.firstLine, range.lastLine + 1);
}

/**
 * A complete VCALENDAR holding only the relevant events (see selectRelevantEvents), their lines as
 * in the original. Reading it gives the same occurrences for those events as reading the whole
 * feed. Throws FeedParseError when the body is not one complete VCALENDAR.
 */
export function extractRelevantIcs(icsText: string, host: string): string {
  const structure = scanFeed(icsText);
  const blocks = [...structure.timezones, ...selectRelevantEvents(structure, host)];
  return [
    'BEGIN:VCALENDAR',
    ...structure.properties.flatMap((property) => blockLines(structure, property)),
    ...blocks.flatMap((block) => blockLines(structure, block)),
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}
