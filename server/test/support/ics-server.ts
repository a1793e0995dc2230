// A real HTTP server on loopback that serves calendar feeds a test can change between syncs, honours
// conditional GETs like a careful feed host, misbehaves on demand and counts what reached it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the server answers on a path. */
export type FeedResponse =
  /** 200 with the body; 304 when the request's If-None-Match or If-Modified-Since matches. */
  | {
      kind: 'feed';
      body: string | Uint8Array;
      etag?: string;
      lastModified?: string;
      contentType?: string;
    }
  /** An error status, optionally with Retry-After. */
  | { kind: 'status'; status: number; retryAfter?: string; body?: string }
  | { kind: 'redirect'; location: string; status?: 301 | 302 | 303 | 307 | 308 }
  /** A 200 that completes normally but holds only the first `bytes` of the body. */
  | { kind: 'truncated'; body: string | Uint8Array; bytes: number }
  /** Announces the whole body, sends the first `bytes`, then breaks the connection. */
  | { kind: 'cut'; body: string | Uint8Array; bytes: number }
  /** Streams `bytes` bytes of a calendar-looking body, without Content-Length unless `announced`. */
  | { kind: 'huge'; bytes: number; announced?: boolean }
  /** Sends the headers and the first half of the body, then the rest once `release` resolves. */
  | { kind: 'slow'; body: string | Uint8Array; release: Promise<void> };

export type ServedRequest = {
  path: string;
  ifNoneMatch: string | undefined;
  ifModifiedSince: string | undefined;
  userAgent: string | undefined;
  accept: string | undefined;
  /** The status answered; null while the answer is still being sent. */
  status: number | null;
};

export type IcsServer = {
  /** `http://<host>:<port>` */
  readonly origin: string;
  /** `<host>:<port>`, as CALENDAR_FETCH_ALLOWED_HOSTS lists it. */
  readonly authority: string;
  url(path: string): string;
  /** Sets what `path` answers from now on; an unknown path answers 404. */
  serve(path: string, response: FeedResponse): void;
  /** Requests answered so far, oldest first; only those for `path` when given. */
  requests(path?: string): ServedRequest[];
  /** TCP connections accepted so far: 0 proves that nothing reached this listener. */
  connections(): number;
  /** Forgets every path's response and every request and connection seen, between tests. */
  reset(): void;
  close(): Promise<void>;
};

const CALENDAR_TYPE = 'text/calendar; charset=utf-8';
const HUGE_CHUNK = Buffer.from(
  'BEGIN:VEVENT\r\nUID:filler\r\nDTSTART:20260101T000000Z\r\nSUMMARY:Filler\r\nEND:VEVENT\r\n'.repeat(
    200,
  ),
);

function bytesOf(body: string | Uint8Array): Buffer {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body);
}

function isNotModified(
  request: http.IncomingMessage,
  response: Extract<FeedResponse, { kind: 'feed' }>,
) {
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch !== undefined && response.etag !== undefined) {
    return ifNoneMatch.split(',').some((tag) => tag.trim() === response.etag);
  }
  const ifModifiedSince = request.headers['if-modified-since'];
  return (
    ifModifiedSince !== undefined &&
    response.lastModified !== undefined &&
    Date.parse(ifModifiedSince) >= Date.parse(response.lastModified)
  );
}

function validators(response: Extract<FeedResponse, { kind: 'feed' }>): http.OutgoingHttpHeaders {
  return {
    ...(response.etag !== undefined && { etag: response.etag }),
    ...(response.lastModified !== undefined && { 'last-modified': response.lastModified }),
  };
}

/** Answers one request; returns the status sent. */
async function answer(
  request: http.IncomingMessage,
  response: http.ServerResponse,
  feed: FeedResponse | undefined,
): Promise<number> {
  if (feed === undefined) {
    response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
    return 404;
  }
  switch (feed.kind) {
    case 'feed': {
      if (isNotModified(request, feed)) {
        response.writeHead(304, validators(feed)).end();
        return 304;
      }
      const body = bytesOf(feed.body);
      response
        .writeHead(200, {
          'content-type': feed.contentType ?? CALENDAR_TYPE,
          'content-length': body.length,
          ...validators(feed),
        })
        .end(body);
      return 200;
    }
    case 'status':
      response
        .writeHead(feed.status, {
          'content-type': 'text/plain',
          ...(feed.retryAfter !== undefined && { 'retry-after': feed.retryAfter }),
        })
        .end(feed.body ?? '');
      return feed.status;
    case 'redirect': {
      const status = feed.status ?? 302;
      response.writeHead(status, { location: feed.location }).end();
      return status;
    }
    case 'truncated':
      response
        .writeHead(200, { 'content-type': CALENDAR_TYPE })
        .end(bytesOf(feed.body).subarray(0, feed.bytes));
      return 200;
    case 'cut': {
      const body = bytesOf(feed.body);
      response.writeHead(200, { 'content-type': CALENDAR_TYPE, 'content-length': body.length });
      response.write(body.subarray(0, feed.bytes), () => {
        response.destroy();
      });
      return 200;
    }
    case 'huge':
      await sendHuge(response, feed.bytes, feed.announced ?? false);
      return 200;
    case 'slow': {
      const body = bytesOf(feed.body);
      const half = Math.floor(body.length / 2);
      response.writeHead(200, { 'content-type': CALENDAR_TYPE, 'content-length': body.length });
      response.write(body.subarray(0, half));
      await feed.release;
      response.end(body.subarray(half));
      return 200;
    }
  }
}

/** Writes chunk after chunk while the client reads; stops early when the client hangs up. */
async function sendHuge(response: http.ServerResponse, bytes: number, announced: boolean) {
  response.writeHead(200, {
    'content-type': CALENDAR_TYPE,
    ...(announced && { 'content-length': bytes }),
  });
  response.write('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n');
  let sent = HUGE_CHUNK.length;
  while (sent < bytes && !response.destroyed) {
    if (!response.write(HUGE_CHUNK)) {
      await new Promise((resolve) => {
        response.once('drain', resolve);
        response.once('close', resolve);
      });
    }
    sent += HUGE_CHUNK.length;
  }
  response.end('END:VCALENDAR\r\n');
}

/** Starts a server on `host` (127.0.0.1 unless told), on `port` or a free one. */
export async function startIcsServer(
  options: { host?: string; port?: number } = {},
): Promise<IcsServer> {
  const host = options.host ?? '127.0.0.1';
  const responses = new Map<string, FeedResponse>();
  const served: ServedRequest[] = [];
  let connections = 0;
  const server = http.createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://feed.invalid').pathname;
    const record: ServedRequest = {
      path,
      ifNoneMatch: request.headers['if-none-match'],
      ifModifiedSince: request.headers['if-modified-since'],
      userAgent: request.headers['user-agent'],
      accept: request.headers.accept,
      status: null,
    };
    served.push(record);
    void answer(request, response, responses.get(path)).then(
      (status) => {
        record.status = status;
      },
      () => {
        response.destroy();
      },
    );
  });
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') {
    throw new Error('The feed server has no TCP address');
  }
  const { port } = address satisfies AddressInfo;
  const authority = `${host}:${String(port)}`;
  return {
    origin: `http://${authority}`,
    authority,
    url: (path) => `http://${authority}${path}`,
    serve(path, response) {
      responses.set(path, response);
    },
    requests: (path) => served.filter((request) => path === undefined || request.path === path),
    connections: () => connections,
    reset() {
      responses.clear();
      served.length = 0;
      connections = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

/** A promise for the 'slow' response, resolved when the test says so. */
export function gate(): { released: Promise<void>; release(): void } {
  const opening: { open?: () => void } = {};
  const released = new Promise<void>((resolve) => {
    opening.open = resolve;
  });
  return {
    released,
    release() {
      opening.open?.();
    },
  };
}
