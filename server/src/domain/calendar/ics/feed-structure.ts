// The strict first pass over a feed: one complete VCALENDAR, balanced components, no stray lines.
// It only splits lines, so it is cheap enough to run over every downloaded body (DESIGN §3.8).
import {
  parseContentLine,
  splitPhysicalLines,
  unfoldLines,
  withoutLeadingBlanks,
  type ContentLine,
  type LogicalLine,
} from './ics-lines.js';

/** The body is not one complete calendar: a sync must fail and change nothing (DESIGN §3.1). */
export class FeedParseError extends Error {
  override name = 'FeedParseError';
}

export type ComponentBlock = {
  /** Upper-case component name, e.g. VEVENT. */
  name: string;
  /** Physical line range, BEGIN and END lines included. */
  firstLine: number;
  lastLine: number;
  /** The component's own UID (a nested alarm's does not count); null when it has none. */
  uid: string | null;
};

export type CalendarProperty = { line: ContentLine; firstLine: number; lastLine: number };

export type FeedStructure = {
  /** Physical lines of the body (byte-order mark removed). */
  lines: readonly string[];
  /** Properties of the VCALENDAR itself. */
  properties: CalendarProperty[];
  timezones: ComponentBlock[];
  events: ComponentBlock[];
};

/** A component and its nested components, properties unfolded and tokenized. */
export type ComponentContent = {
  name: string;
  properties: ContentLine[];
  components: ComponentContent[];
  /** Physical line numbers (1-based) of lines inside it that are not properties. */
  malformedLines: number[];
};

const COMPONENT_MARKER = /^(BEGIN|END):(.*)$/i;
const COMPONENT_NAME = /^[A-Za-z0-9-]+$/;

type Marker = { kind: 'BEGIN' | 'END'; name: string };

function componentMarker(line: LogicalLine): Marker | null {
  const match = COMPONENT_MARKER.exec(line.text);
  if (match === null) {
    return null;
  }
  const name = (match[2] ?? '').trim();
  if (!COMPONENT_NAME.test(name)) {
    throw new FeedParseError(
      `Line ${line.firstLine + 1} ("${excerpt(line.text)}") does not name a calendar component`,
    );
  }
  return {
    kind: (match[1] ?? '').toUpperCase() === 'BEGIN' ? 'BEGIN' : 'END',
    name: name.toUpperCase(),
  };
}

function excerpt(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > 60 ? `${oneLine.slice(0, 57)}...` : oneLine;
}

function isBlank(line: LogicalLine): boolean {
  return line.text.trim() === '';
}

function notACalendar(text: string): FeedParseError {
  const start = text.trimStart().slice(0, 1000).toLowerCase();
  if (start.startsWith('<!doctype html') || start.includes('<html')) {
    return new FeedParseError('This is not a calendar (it looks like an HTML page)');
  }
  if (start.startsWith('<')) {
    return new FeedParseError('This is not a calendar (it looks like an XML document)');
  }
  if (start.startsWith('{') || start.startsWith('[')) {
    return new FeedParseError('This is not a calendar (it looks like JSON)');
  }
  return new FeedParseError('This is not a calendar: it does not start with BEGIN:VCALENDAR');
}

/**
 * Checks that the body is exactly one complete VCALENDAR and finds its top-level components.
 * Throws FeedParseError otherwise.
 */
export function scanFeed(icsText: string): FeedStructure {
  const text = withoutLeadingBlanks(icsText);
  const lines = splitPhysicalLines(text);
  const logical = unfoldLines(lines, 0, lines.length - 1).filter((line) => !isBlank(line));
  const [first, ...rest] = logical;
  if (first === undefined) {
    throw new FeedParseError('The feed is empty');
  }
  const firstMarker = componentMarker(first);
  if (firstMarker?.kind !== 'BEGIN' || firstMarker.name !== 'VCALENDAR') {
    throw notACalendar(text);
  }

  const structure: FeedStructure = { lines, properties: [], timezones: [], events: [] };
  const open: string[] = ['VCALENDAR'];
  let current: ComponentBlock | null = null;
  for (const line of rest) {
    if (open.length === 0) {
      throw new FeedParseError(
        `Unexpected text after END:VCALENDAR on line ${line.firstLine + 1} (a feed holds one calendar)`,
      );
    }
    const marker = componentMarker(line);
    if (marker?.kind === 'BEGIN') {
      open.push(marker.name);
      if (open.length === 2) {
        current = {
          name: marker.name,
          firstLine: line.firstLine,
          lastLine: line.lastLine,
          uid: null,
        };
      }
    } else if (marker?.kind === 'END') {
      const innermost = open.pop();
      if (innermost !== marker.name) {
        throw new FeedParseError(
          `Line ${line.firstLine + 1} closes ${marker.name} but ${innermost ?? 'nothing'} is open`,
        );
      }
      if (open.length === 1 && current !== null) {
        current.lastLine = line.lastLine;
        collect(structure, current);
        current = null;
      }
    } else if (open.length === 1) {
      const property = parseContentLine(line.text);
      if (property === null) {
        throw new FeedParseError(
          `Line ${line.firstLine + 1} ("${excerpt(line.text)}") is not a calendar property`,
        );
      }
      structure.properties.push({
        line: property,
        firstLine: line.firstLine,
        lastLine: line.lastLine,
      });
    } else if (open.length === 2 && current?.uid === null && /^UID[;:]/i.test(line.text)) {
      current.uid = parseContentLine(line.text)?.value.trim() ?? null;
    }
  }
  if (open.length > 0) {
    throw new FeedParseError(
      'The feed ends before END:VCALENDAR (the download may have been cut short)',
    );
  }
  return structure;
}

function collect(structure: FeedStructure, block: ComponentBlock): void {
  if (block.name === 'VEVENT') {
    structure.events.push(block);
  } else if (block.name === 'VTIMEZONE') {
    structure.timezones.push(block);
  }
}

/** The unfolded text of a block, for cheap substring searches. */
export function unfoldedBlockText(structure: FeedStructure, block: ComponentBlock): string {
  return unfoldLines(structure.lines, block.firstLine, block.lastLine)
    .map((line) => line.text)
    .join('\n');
}

function emptyComponent(name: string): ComponentContent {
  return { name, properties: [], components: [], malformedLines: [] };
}

/** Reads a block found by scanFeed (its nesting is already known to be balanced). */
export function readComponent(structure: FeedStructure, block: ComponentBlock): ComponentContent {
  const root = emptyComponent(block.name);
  const open: ComponentContent[] = [];
  for (const line of unfoldLines(structure.lines, block.firstLine, block.lastLine)) {
    if (isBlank(line)) {
      continue;
    }
    const marker = componentMarker(line);
    const innermost = open.at(-1);
    if (marker?.kind === 'BEGIN') {
      const child = innermost === undefined ? root : emptyComponent(marker.name);
      innermost?.components.push(child);
      open.push(child);
    } else if (marker?.kind === 'END') {
      open.pop();
    } else if (innermost !== undefined) {
      const property = parseContentLine(line.text);
      if (property === null) {
        innermost.malformedLines.push(line.firstLine + 1);
      } else {
        innermost.properties.push(property);
      }
    }
  }
  return root;
}
