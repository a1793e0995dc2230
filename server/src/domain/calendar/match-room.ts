// Does a calendar occurrence point at a room? (DESIGN §3, "Matching an event to a room")
import type { Occurrence } from './read-feed.js';

export type MatchableOccurrence = Pick<Occurrence, 'location' | 'description' | 'links'>;

export type RoomMatcher = {
  /** True when a URL in the occurrence is the room's URL. */
  matches(occurrence: MatchableOccurrence): boolean;
  /**
   * URLs that are close to the room's URL but are not it: the same host with another path, or the
   * same path on another host. A feed inspector shows them to explain why an event did not match.
   */
  nearMisses(occurrence: MatchableOccurrence): string[];
};

type ComparableUrl = { href: string; hostname: string; authority: string; path: string };

/** The room URL is parsed once: one sync matches thousands of occurrences against one room. */
export function createRoomMatcher(roomUrl: string): RoomMatcher {
  const room = toComparable(roomUrl);
  if (room === null) {
    throw new Error(`Not an http(s) room URL: ${roomUrl}`);
  }
  const roomPath = comparablePath(room.path);
  const isRoomUrl = (candidate: ComparableUrl) =>
    candidate.authority === room.authority && comparablePath(candidate.path) === roomPath;

  return {
    matches(occurrence) {
      const text = searchableText(occurrence);
      // Cheap rejection of the many events that do not mention the host at all.
      if (!text.toLowerCase().includes(room.hostname)) {
        return false;
      }
      return extractUrls(text).some(isRoomUrl);
    },
    nearMisses(occurrence) {
      const misses = extractUrls(searchableText(occurrence)).filter(
        (candidate) =>
          !isRoomUrl(candidate) &&
          (candidate.authority === room.authority || comparablePath(candidate.path) === roomPath),
      );
      return [...new Set(misses.map((candidate) => candidate.href))];
    },
  };
}

function searchableText(occurrence: MatchableOccurrence): string {
  const parts = [occurrence.location ?? '', occurrence.description ?? '', ...occurrence.links];
  return decodeHtmlEntities(parts.join('\n'));
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  sol: '/',
  colon: ':',
  period: '.',
};

/** One pass, so `&amp;lt;` becomes `&lt;` as a browser would show it, not `<`. */
function decodeHtmlEntities(text: string): string {
  if (!text.includes('&')) {
    return text;
  }
  return text.replace(
    /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]+));/g,
    (entity, decimal: string | undefined, hex: string | undefined, name: string | undefined) => {
      if (decimal !== undefined || hex !== undefined) {
        const codePoint = decimal !== undefined ? Number(decimal) : Number.parseInt(hex ?? '', 16);
        return codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : entity;
      }
      return NAMED_ENTITIES[(name ?? '').toLowerCase()] ?? entity;
    },
  );
}

// A URL ends at whitespace, a tag or attribute delimiter, an angle bracket around it, or a
// backslash (an ICS text escape such as `\,` or `\n` that a reader left in place).
const URL_IN_TEXT = /https?:\/\/[^\s<>"'`\\]+/gi;
// Sentence and markup punctuation after a URL belongs to the text, not to the URL.
const TRAILING_PUNCTUATION = /[.,;:!?)\]}*]+$/;

function extractUrls(text: string): ComparableUrl[] {
  const urls: ComparableUrl[] = [];
  for (const [match] of text.matchAll(URL_IN_TEXT)) {
    const comparable = toComparable(match.replace(TRAILING_PUNCTUATION, ''));
    if (comparable !== null) {
      urls.push(comparable);
    }
  }
  return urls;
}

function toComparable(text: string): ComparableUrl | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return null;
  }
  // URL drops the scheme's default port, so http://host/x and https://host/x share an authority.
  return {
    href: url.href,
    hostname: url.hostname,
    authority: url.port === '' ? url.hostname : `${url.hostname}:${url.port}`,
    path: normalizePercentEncoding(url.pathname),
  };
}

/** RFC 3986 §6.2.2: decode escaped unreserved characters, upper-case the hex of the others. */
function normalizePercentEncoding(path: string): string {
  return path.replace(/%([0-9a-fA-F]{2})/g, (_escape, hex: string) => {
    const character = String.fromCharCode(Number.parseInt(hex, 16));
    return /[A-Za-z0-9\-._~]/.test(character) ? character : `%${hex.toUpperCase()}`;
  });
}

/** Room names are lower-case and the client opens `/Team` as `/team`: paths match in any case. */
function comparablePath(path: string): string {
  const lowerCase = path.toLowerCase();
  return lowerCase.length > 1 && lowerCase.endsWith('/') ? lowerCase.slice(0, -1) : lowerCase;
}
