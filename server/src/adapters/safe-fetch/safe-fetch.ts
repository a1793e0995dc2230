// The only code that fetches a user-supplied URL (DESIGN §3 "Fetching a feed", §8.1): every hop's
// addresses are checked, the connection is pinned to them, and size and time are bounded.
import type { LookupAddress } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import http, { type IncomingMessage, STATUS_CODES } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { PassThrough, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { classifyAddress } from './address-policy.js';

export const DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024;
export const DEFAULT_TIMEOUT_MS = 15_000;
export const DEFAULT_MAX_REDIRECTS = 5;

/**
 * One answer for every host Lobby may not fetch, whether its name is unknown or it resolves to a
 * private, loopback, link-local… address, first or after a redirect: a feed URL must not become a
 * way to learn which internal names resolve.
 */
export const HOST_NOT_ALLOWED_MESSAGE =
  "The feed's host could not be found or is not on the public internet; Lobby fetches public addresses only.";

// What `dns.lookup` says for a name that does not exist (as opposed to a resolver that failed).
const NAME_NOT_FOUND_CODES: ReadonlySet<string> = new Set(['ENOTFOUND', 'EAI_NONAME', 'ENODATA']);

const tracer = trace.getTracer('lobby/safe-fetch');

const ACCEPT = 'text/calendar, text/plain;q=0.9, */*;q=0.1';
const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
const RETRY_AFTER_STATUSES: ReadonlySet<number> = new Set([429, 503]);

export type SafeFetchErrorCode =
  'FETCH_BLOCKED' | 'FETCH_FAILED' | 'HTTP_STATUS' | 'TOO_LARGE' | 'TIMEOUT';

/** A failed fetch. `message` is safe to show a room manager: no resolved address, no stack. */
export class SafeFetchError extends Error {
  override name = 'SafeFetchError';
  readonly code: SafeFetchErrorCode;
  readonly httpStatus: number | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: SafeFetchErrorCode,
    message: string,
    details: { httpStatus?: number; retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: details.cause });
    this.code = code;
    this.httpStatus = details.httpStatus;
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

/** Resolves a host name to every address it has, like `dns.lookup` with `all: true`. */
export type ResolveHost = (hostname: string) => Promise<LookupAddress[]>;

export type SafeFetchOptions = {
  /** Names Lobby and its version, e.g. `Lobby/0.1.0 (+https://lobby.example.com)`. */
  userAgent: string;
  /** `host` or `host:port` entries (CALENDAR_FETCH_ALLOWED_HOSTS) exempt from the address check. */
  allowedHosts?: readonly string[];
  etag?: string | null;
  lastModified?: string | null;
  /** Cap on the body, counted both as received and after decompression. */
  maxBodyBytes?: number;
  /** Deadline for the whole fetch: every hop's lookup, connection, headers and the body. */
  timeoutMs?: number;
  maxRedirects?: number;
  lookup?: ResolveHost;
  /** The clock that turns an HTTP-date `Retry-After` into seconds. */
  now?: () => Date;
};

export type SafeFetchResult =
  | {
      kind: 'fetched';
      /** The final answer's status (2xx). */
      status: number;
      body: Buffer;
      etag: string | null;
      lastModified: string | null;
      /** The URL that answered, after redirects. */
      finalUrl: string;
      contentType: string | null;
    }
  | { kind: 'not-modified' };

type FetchSettings = {
  userAgent: string;
  allowedHosts: ReadonlySet<string>;
  etag: string | null;
  lastModified: string | null;
  maxBodyBytes: number;
  timeoutMs: number;
  maxRedirects: number;
  lookup: ResolveHost;
  now: () => Date;
};

type CheckedAddresses = readonly [LookupAddress, ...LookupAddress[]];

/**
 * GETs an http(s) URL, following at most `maxRedirects` redirects. Each hop's host is resolved
 * once; unless the host is allowed, every address must be public unicast, and the connection goes
 * to those addresses only. Credentials in the URL are never sent. Throws SafeFetchError.
 */
export function safeFetch(url: string, options: SafeFetchOptions): Promise<SafeFetchResult> {
  // The span names the first host only: the paths and queries of feed URLs are secrets.
  const attributes = { 'server.address': URL.canParse(url) ? new URL(url).hostname : 'invalid' };
  return tracer.startActiveSpan('GET feed', { kind: SpanKind.CLIENT, attributes }, async (span) => {
    try {
      const result = await fetchWithinLimits(url, options);
      span.setAttributes(
        result.kind === 'fetched'
          ? {
              'http.response.status_code': result.status,
              'http.response.body.size': result.body.length,
            }
          : { 'http.response.status_code': 304 },
      );
      return result;
    } catch (error) {
      const code = error instanceof SafeFetchError ? error.code : 'UNEXPECTED';
      span.setStatus({ code: SpanStatusCode.ERROR, message: code });
      throw error;
    } finally {
      span.end();
    }
  });
}

async function fetchWithinLimits(url: string, options: SafeFetchOptions): Promise<SafeFetchResult> {
  const settings: FetchSettings = {
    userAgent: options.userAgent,
    allowedHosts: new Set(options.allowedHosts?.map((entry) => entry.toLowerCase())),
    etag: options.etag ?? null,
    lastModified: options.lastModified ?? null,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxRedirects: options.maxRedirects ?? DEFAULT_MAX_REDIRECTS,
    lookup: options.lookup ?? ((hostname) => dnsLookup(hostname, { all: true })),
    now: options.now ?? (() => new Date()),
  };
  const deadline = new AbortController();
  const timer = setTimeout(() => {
    deadline.abort();
  }, settings.timeoutMs);
  try {
    return await followRedirects(url, settings, deadline.signal);
  } catch (error) {
    if (error instanceof SafeFetchError) {
      throw error;
    }
    if (deadline.signal.aborted) {
      throw new SafeFetchError(
        'TIMEOUT',
        `The feed did not finish downloading within ${settings.timeoutMs / 1000} seconds.`,
        { cause: error },
      );
    }
    throw new SafeFetchError('FETCH_FAILED', describeFailure(error), { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

async function followRedirects(
  startUrl: string,
  settings: FetchSettings,
  signal: AbortSignal,
): Promise<SafeFetchResult> {
  let url = parseHttpUrl(startUrl);
  for (let redirectCount = 0; redirectCount <= settings.maxRedirects; redirectCount += 1) {
    const addresses = await resolveCheckedAddresses(url, settings, signal);
    const response = await sendRequest(url, addresses, settings, signal);
    const location = redirectLocation(response);
    if (location === null) {
      return await readResponse(response, url, settings, signal);
    }
    response.destroy();
    const next = parseHttpUrl(location, url);
    // A feed asked for over TLS must not continue in clear text, where anyone on the path reads it.
    if (url.protocol === 'https:' && next.protocol === 'http:') {
      throw new SafeFetchError(
        'FETCH_FAILED',
        'The feed redirected from https to plain http, which Lobby does not follow.',
      );
    }
    url = next;
  }
  throw new SafeFetchError(
    'FETCH_FAILED',
    `The feed redirected more than ${settings.maxRedirects} times; Lobby stops following there.`,
  );
}

/** The feed URL itself, or with `redirectedFrom`, a redirect's Location resolved against it. */
function parseHttpUrl(text: string, redirectedFrom?: URL): URL {
  const messages =
    redirectedFrom === undefined
      ? {
          invalid: 'The feed URL is not a valid URL.',
          notHttp: 'The feed URL must be http or https.',
        }
      : {
          invalid: 'The feed redirected to an invalid URL.',
          notHttp:
            'The feed redirected to a URL that is not http or https, which Lobby does not follow.',
        };
  if (!URL.canParse(text, redirectedFrom)) {
    throw new SafeFetchError('FETCH_FAILED', messages.invalid);
  }
  const url = new URL(text, redirectedFrom);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SafeFetchError('FETCH_FAILED', messages.notHttp);
  }
  return url;
}

async function resolveCheckedAddresses(
  url: URL,
  settings: FetchSettings,
  signal: AbortSignal,
): Promise<CheckedAddresses> {
  const hostname = bareHostname(url);
  const literalFamily = isIP(hostname);
  const [first, ...rest] =
    literalFamily === 0
      ? await untilAborted(settings.lookup(hostname), signal).catch((error: unknown) => {
          throw isNameNotFound(error) ? hostNotAllowed() : error;
        })
      : [{ address: hostname, family: literalFamily }];
  if (first === undefined) {
    throw hostNotAllowed();
  }
  const addresses: CheckedAddresses = [first, ...rest];
  if (isAllowedHost(url, settings.allowedHosts)) {
    return addresses;
  }
  if (addresses.some(({ address }) => !classifyAddress(address).isPublic)) {
    throw hostNotAllowed();
  }
  return addresses;
}

function hostNotAllowed(): SafeFetchError {
  return new SafeFetchError('FETCH_BLOCKED', HOST_NOT_ALLOWED_MESSAGE);
}

function isNameNotFound(error: unknown): boolean {
  return (
    error instanceof Error &&
    'code' in error &&
    typeof error.code === 'string' &&
    NAME_NOT_FOUND_CODES.has(error.code)
  );
}

// URL keeps IPv6 literals in brackets; lookups and sockets want them bare.
function bareHostname(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

function isAllowedHost(url: URL, allowedHosts: ReadonlySet<string>): boolean {
  const port = url.port === '' ? (url.protocol === 'https:' ? '443' : '80') : url.port;
  return allowedHosts.has(url.hostname) || allowedHosts.has(`${url.hostname}:${port}`);
}

// DNS lookups cannot be cancelled, so the deadline stops waiting for them instead.
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      reject(new Error('The deadline passed during a DNS lookup.'));
    };
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => {
      signal.removeEventListener('abort', onAbort);
    });
  });
}

function sendRequest(
  url: URL,
  addresses: CheckedAddresses,
  settings: FetchSettings,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  const headers: Record<string, string> = {
    Accept: ACCEPT,
    'Accept-Encoding': 'gzip, deflate, br',
    'User-Agent': settings.userAgent,
  };
  if (settings.etag !== null) {
    headers['If-None-Match'] = settings.etag;
  }
  if (settings.lastModified !== null) {
    headers['If-Modified-Since'] = settings.lastModified;
  }
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise<IncomingMessage>((resolve, reject) => {
    // Host header and TLS server name come from the URL's host name; only the socket is pinned.
    const request = transport.request(
      {
        protocol: url.protocol,
        hostname: bareHostname(url),
        port: url.port === '' ? undefined : Number(url.port),
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        headers,
        agent: false,
        lookup: pinnedLookup(addresses),
        signal,
      },
      resolve,
    );
    request.on('error', reject);
    request.end();
  });
}

// Hands the socket the addresses that were checked, so no second DNS answer can be used.
function pinnedLookup(addresses: CheckedAddresses): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all === true) {
      callback(null, [...addresses]);
    } else {
      callback(null, addresses[0].address, addresses[0].family);
    }
  };
}

function redirectLocation(response: IncomingMessage): string | null {
  const location = response.headers.location;
  return REDIRECT_STATUSES.has(response.statusCode ?? 0) && location !== undefined
    ? location
    : null;
}

async function readResponse(
  response: IncomingMessage,
  url: URL,
  settings: FetchSettings,
  signal: AbortSignal,
): Promise<SafeFetchResult> {
  const status = response.statusCode ?? 0;
  if (status === 304) {
    response.destroy();
    return { kind: 'not-modified' };
  }
  if (status < 200 || status > 299) {
    response.destroy();
    throw httpStatusError(status, response.headers['retry-after'], settings.now());
  }
  if (Number(response.headers['content-length']) > settings.maxBodyBytes) {
    response.destroy();
    throw tooLarge(settings.maxBodyBytes);
  }
  const decoder = decoderFor(response.headers['content-encoding']);
  if (decoder === null) {
    response.destroy();
    throw new SafeFetchError(
      'FETCH_FAILED',
      "The feed's server used a content encoding that Lobby cannot decode.",
    );
  }
  const body = await readBody(response, decoder, settings.maxBodyBytes, signal);
  const finalUrl = new URL(url);
  finalUrl.hash = '';
  return {
    kind: 'fetched',
    status,
    body,
    etag: response.headers.etag ?? null,
    lastModified: response.headers['last-modified'] ?? null,
    finalUrl: finalUrl.href,
    contentType: response.headers['content-type'] ?? null,
  };
}

function httpStatusError(
  status: number,
  retryAfter: string | undefined,
  now: Date,
): SafeFetchError {
  const retryAfterSeconds = RETRY_AFTER_STATUSES.has(status)
    ? parseRetryAfterSeconds(retryAfter, now)
    : undefined;
  const statusText = `${status} ${STATUS_CODES[status] ?? ''}`.trim();
  const retryHint =
    retryAfterSeconds === undefined ? '' : ` and asked to retry in ${retryAfterSeconds} seconds`;
  return new SafeFetchError(
    'HTTP_STATUS',
    `The feed's server answered ${statusText}${retryHint}.`,
    retryAfterSeconds === undefined
      ? { httpStatus: status }
      : { httpStatus: status, retryAfterSeconds },
  );
}

/** `Retry-After` as whole seconds from `now`: delay-seconds or an HTTP-date; undefined if unreadable. */
export function parseRetryAfterSeconds(value: string | undefined, now: Date): number | undefined {
  const text = value?.trim() ?? '';
  if (/^\d+$/.test(text)) {
    return Number(text);
  }
  // Every HTTP-date form starts with a day name; Date.parse alone would also read "-5" as a year.
  const retryAt = /^[a-z]{3}/i.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(retryAt)
    ? undefined
    : Math.max(0, Math.ceil((retryAt - now.getTime()) / 1000));
}

async function readBody(
  response: IncomingMessage,
  decoder: Transform,
  maxBodyBytes: number,
  signal: AbortSignal,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const collect = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  await pipeline(response, byteLimit(maxBodyBytes), decoder, byteLimit(maxBodyBytes), collect, {
    signal,
  });
  return Buffer.concat(chunks);
}

// Fails the stream, and so drops the connection, as soon as one byte too many arrives.
function byteLimit(maxBytes: number): Transform {
  let seenBytes = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seenBytes += chunk.length;
      if (seenBytes > maxBytes) {
        callback(tooLarge(maxBytes));
      } else {
        callback(null, chunk);
      }
    },
  });
}

function decoderFor(contentEncoding: string | undefined): Transform | null {
  switch (contentEncoding?.trim().toLowerCase() ?? 'identity') {
    case 'identity':
    case '':
      return new PassThrough();
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip();
    case 'deflate':
      return zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      return null;
  }
}

function tooLarge(maxBytes: number): SafeFetchError {
  return new SafeFetchError(
    'TOO_LARGE',
    `The feed is larger than ${formatBytes(maxBytes)}, the most Lobby downloads.`,
  );
}

function formatBytes(bytes: number): string {
  const mebibytes = bytes / (1024 * 1024);
  return mebibytes >= 1
    ? `${Math.round(mebibytes * 10) / 10} MiB`
    : `${Math.ceil(bytes / 1024)} KiB`;
}

// Node's own messages name the connected address, so only the error code is translated.
function describeFailure(error: unknown): string {
  const code =
    error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : '';
  if (code === 'EAI_AGAIN') {
    return "The feed's host name could not be looked up right now.";
  }
  if (code === 'ECONNREFUSED') {
    return "The feed's server refused the connection.";
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ERR_STREAM_PREMATURE_CLOSE') {
    return "The connection to the feed's server broke before the feed was complete.";
  }
  if (code === 'ETIMEDOUT' || code === 'ENETUNREACH' || code === 'EHOSTUNREACH') {
    return "The feed's server could not be reached.";
  }
  if (code.startsWith('Z_') || code.startsWith('ERR__ERROR')) {
    return "The feed's compressed content is damaged.";
  }
  if (code.includes('CERT') || code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL')) {
    return "The feed's server presented a TLS certificate that Lobby cannot trust.";
  }
  if (code.startsWith('HPE_')) {
    return "The feed's server sent an invalid HTTP response.";
  }
  return 'The feed could not be downloaded.';
}
