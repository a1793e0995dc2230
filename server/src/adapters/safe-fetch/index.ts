// The safe fetcher: the one way Lobby downloads a URL that a user supplied.
export {
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_REDIRECTS,
  DEFAULT_TIMEOUT_MS,
  HOST_NOT_ALLOWED_MESSAGE,
  type ResolveHost,
  safeFetch,
  SafeFetchError,
  type SafeFetchErrorCode,
  type SafeFetchOptions,
  type SafeFetchResult,
} from './safe-fetch.js';
