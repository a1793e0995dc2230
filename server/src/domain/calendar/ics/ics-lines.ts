// Content lines of an iCalendar body (RFC 5545 §3.1): splitting, unfolding, tokenizing, unescaping.

export type ContentLine = {
  /** Upper-case property name. */
  name: string;
  /** Upper-case parameter names; values without their surrounding quotes. */
  params: ReadonlyMap<string, string>;
  value: string;
};

/** One unfolded line and the physical lines [firstLine, lastLine] it was made of. */
export type LogicalLine = { text: string; firstLine: number; lastLine: number };

const BYTE_ORDER_MARK = '\uFEFF';

export function withoutByteOrderMark(text: string): string {
  return text.startsWith(BYTE_ORDER_MARK) ? text.slice(1) : text;
}

/**
 * Without the byte-order marks and blanks some exporters write before BEGIN:VCALENDAR (JavaScript's
 * whitespace includes U+FEFF); line breaks stay, so that line numbers still hold.
 */
export function withoutLeadingBlanks(text: string): string {
  return text.replace(/^\s+/, (blanks) => blanks.replace(/[^\r\n]/g, ''));
}

/** CRLF, LF and a lone CR all end a line (old Mac exports use CR). */
export function splitPhysicalLines(text: string): string[] {
  return text.split(/\r\n|\n|\r/);
}

function isContinuation(line: string): boolean {
  return line.startsWith(' ') || line.startsWith('\t');
}

/** Unfolds the physical lines [firstLine, lastLine]: a line starting with a space or tab continues the previous one. */
export function unfoldLines(
  lines: readonly string[],
  firstLine: number,
  lastLine: number,
): LogicalLine[] {
  const logical: LogicalLine[] = [];
  for (let index = firstLine; index <= lastLine; index++) {
    const line = lines[index] ?? '';
    const previous = logical.at(-1);
    if (previous !== undefined && isContinuation(line)) {
      previous.text += line.slice(1);
      previous.lastLine = index;
    } else {
      logical.push({ text: line, firstLine: index, lastLine: index });
    }
  }
  return logical;
}

function isNameCharacter(character: string | undefined): boolean {
  return character !== undefined && /^[A-Za-z0-9-]$/.test(character);
}

function readName(line: string, start: number): number {
  let end = start;
  while (isNameCharacter(line[end])) {
    end++;
  }
  return end;
}

/** Reads one parameter value (a comma list of quoted or plain parts) starting at `start`. */
function readParameterValue(line: string, start: number): { value: string; end: number } | null {
  let value = '';
  let index = start;
  for (;;) {
    if (line[index] === '"') {
      const closingQuote = line.indexOf('"', index + 1);
      if (closingQuote < 0) {
        return null;
      }
      value += line.slice(index + 1, closingQuote);
      index = closingQuote + 1;
    } else {
      let end = index;
      while (end < line.length && !';:,"'.includes(line.charAt(end))) {
        end++;
      }
      value += line.slice(index, end);
      index = end;
    }
    if (line[index] !== ',') {
      return { value, end: index };
    }
    value += ',';
    index++;
  }
}

function tokenize(line: string): ContentLine | null {
  const nameEnd = readName(line, 0);
  if (nameEnd === 0) {
    return null;
  }
  const params = new Map<string, string>();
  let index = nameEnd;
  while (line[index] === ';') {
    const parameterNameEnd = readName(line, index + 1);
    if (parameterNameEnd === index + 1 || line[parameterNameEnd] !== '=') {
      return null;
    }
    const parameterValue = readParameterValue(line, parameterNameEnd + 1);
    if (parameterValue === null) {
      return null;
    }
    params.set(line.slice(index + 1, parameterNameEnd).toUpperCase(), parameterValue.value);
    index = parameterValue.end;
  }
  if (line[index] !== ':') {
    return null;
  }
  return { name: line.slice(0, nameEnd).toUpperCase(), params, value: line.slice(index + 1) };
}

// Exchange sometimes writes the TZID and the value inside one pair of quotes: TZID="Zone:20200609T090000".
const VALUE_INSIDE_QUOTES = /^(.*)"([^"]*):([^":]*)"$/;

/** Tokenizes `NAME;PARAM=value;…:value`; null when the line is not a property. */
export function parseContentLine(line: string): ContentLine | null {
  const parsed = tokenize(line);
  if (parsed !== null) {
    return parsed;
  }
  const quoted = VALUE_INSIDE_QUOTES.exec(line);
  return quoted === null
    ? null
    : tokenize(`${quoted[1] ?? ''}"${quoted[2] ?? ''}":${quoted[3] ?? ''}`);
}

/** TEXT values (RFC 5545 §3.3.11): `\\`, `\;`, `\,` and `\n` escapes. */
export function unescapeText(value: string): string {
  return value.replace(/\\([\\;,nN])/g, (_match, escaped: string) =>
    escaped === 'n' || escaped === 'N' ? '\n' : escaped,
  );
}
