// A calendar feed URL as a manager saves it: checked and normalised before it is stored (DESIGN §3).

export const FEED_URL_MAX_LENGTH = 2048;

export type FeedUrlResult = { ok: true; url: URL } | { ok: false; message: string };

const WEBCAL_SCHEME = /^webcals?:/i;
const SCHEME = /^([a-z][a-z0-9+.-]*):/i;

/**
 * Accepts http, https, webcal and webcals URLs (the last two become https, which is how calendar
 * apps fetch them). The fragment is dropped, since it is never sent. URLs with a user name or
 * password are refused: Lobby sends no credentials, so they would be silently ignored, and the
 * token-in-the-path form that calendar services use works instead. Whether the host may be fetched
 * at all is decided at fetch time, per resolved address.
 */
export function parseFeedUrl(input: string): FeedUrlResult {
  const trimmed = input.trim();
  if (trimmed === '') {
    return { ok: false, message: 'Enter the URL of the calendar feed.' };
  }
  if (trimmed.length > FEED_URL_MAX_LENGTH) {
    return {
      ok: false,
      message: `A calendar feed URL is at most ${FEED_URL_MAX_LENGTH} characters long; this one has ${trimmed.length}.`,
    };
  }
  const scheme = SCHEME.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    return {
      ok: false,
      message: 'Enter the full URL of the calendar feed, starting with https://.',
    };
  }
  if (!['http', 'https', 'webcal', 'webcals'].includes(scheme)) {
    return {
      ok: false,
      message: `Lobby fetches calendar feeds over https, http, webcal or webcals, not "${scheme}".`,
    };
  }
  // Re-parsed rather than re-schemed: URL cannot switch a webcal URL to https, and only https
  // parsing normalises the host.
  const url = parseUrl(trimmed.replace(WEBCAL_SCHEME, 'https:'));
  if (url === null || url.hostname === '') {
    return { ok: false, message: 'This is not a valid calendar feed URL.' };
  }
  if (url.username !== '' || url.password !== '') {
    return {
      ok: false,
      message:
        'Remove the user name and password from the URL: Lobby does not send credentials. Use the private link that your calendar offers instead.',
    };
  }
  url.hash = '';
  return { ok: true, url };
}

function parseUrl(text: string): URL | null {
  return URL.canParse(text) ? new URL(text) : null;
}
