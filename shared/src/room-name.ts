// Room names: the slug that is a room's public path (`/<name>`), and the room's URL.

export const ROOM_NAME_MAX_LENGTH = 63;

const ROOM_NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * First path segments that the server or client own, or that a user would read as a page of Lobby
 * itself rather than a room. Names with a dot (`favicon.ico`, `robots.txt`) fail the pattern anyway.
 */
export const RESERVED_ROOM_NAMES: ReadonlySet<string> = new Set([
  'admin',
  'api',
  'assets',
  'auth',
  'graphql',
  'health',
  'login',
  'logout',
  'metrics',
  'ready',
  'settings',
  'static',
]);

export type RoomNameResult = { ok: true; name: string } | { ok: false; message: string };

/** Accepts a valid, unreserved room name as is; otherwise says what is wrong and how to fix it. */
export function validateRoomName(input: string): RoomNameResult {
  if (input === '') {
    return { ok: false, message: 'A room name is required.' };
  }
  if (input.length > ROOM_NAME_MAX_LENGTH) {
    return {
      ok: false,
      message: `A room name is at most ${ROOM_NAME_MAX_LENGTH} characters long; this one has ${input.length}.`,
    };
  }
  if (!ROOM_NAME_PATTERN.test(input)) {
    return { ok: false, message: describePatternMismatch(input) };
  }
  if (RESERVED_ROOM_NAMES.has(input)) {
    return { ok: false, message: `"${input}" is reserved by Lobby; choose another room name.` };
  }
  return { ok: true, name: input };
}

function describePatternMismatch(input: string): string {
  const lowerCased = input.toLowerCase();
  if (lowerCased !== input && ROOM_NAME_PATTERN.test(lowerCased)) {
    return `A room name is lower-case: use "${lowerCased}".`;
  }
  if (/^[a-zA-Z0-9-]*$/.test(input)) {
    return 'A room name starts and ends with a letter or a digit.';
  }
  return 'A room name may contain only lower-case letters (a–z), digits and hyphens.';
}

/** The room's public URL: what managers paste into their calendar events. */
export function roomUrl(publicBaseUrl: string, name: string): string {
  const url = new URL(publicBaseUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${name}`;
  url.search = '';
  url.hash = '';
  return url.href;
}
