import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  HOST_NOT_ALLOWED_MESSAGE,
  parseRetryAfterSeconds,
  type ResolveHost,
  safeFetch,
  SafeFetchError,
  type SafeFetchOptions,
} from './safe-fetch.js';

const USER_AGENT = 'Lobby/0.1.0 (+http://lobby.test)';
const FEED = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n';

type TestServer = {
  port: number;
  origin: string;
  /** Sockets this server accepted, so a test can prove nothing connected. */
  acceptedSockets: () => number;
  requests: http.IncomingMessage[];
};

const openServers: http.Server[] = [];

afterEach(async () => {
  await Promise.all(
    openServers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => {
            resolve();
          });
        }),
    ),
  );
});

async function startServer(
  handler: http.RequestListener,
  options: { host?: string; port?: number } = {},
): Promise<TestServer> {
  const host = options.host ?? '127.0.0.1';
  const server = http.createServer((request, response) => {
    requests.push(request);
    handler(request, response);
  });
  const requests: http.IncomingMessage[] = [];
  let acceptedSockets = 0;
  server.on('connection', () => {
    acceptedSockets += 1;
  });
  openServers.push(server);
  await new Promise<void>((resolve) => {
    server.listen(options.port ?? 0, host, resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') {
    throw new Error('the test server has no TCP address');
  }
  const { port } = address satisfies AddressInfo;
  return {
    port,
    origin: `http://${host}:${port}`,
    acceptedSockets: () => acceptedSockets,
    requests,
  };
}

function serveFeed(headers: http.OutgoingHttpHeaders = {}): http.RequestListener {
  return (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/calendar; charset=utf-8', ...headers });
    response.end(FEED);
  };
}

function fetchFrom(server: TestServer, path: string, options: Partial<SafeFetchOptions> = {}) {
  return safeFetch(`${server.origin}${path}`, {
    userAgent: USER_AGENT,
    allowedHosts: [`127.0.0.1:${server.port}`],
    ...options,
  });
}

async function fetchError(fetching: Promise<unknown>): Promise<SafeFetchError> {
  try {
    await fetching;
  } catch (error) {
    if (error instanceof SafeFetchError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected the fetch to fail');
}

function resolvingTo(addresses: Record<string, string>, asked: string[] = []): ResolveHost {
  return (hostname) => {
    asked.push(hostname);
    const address = addresses[hostname];
    return Promise.resolve(address === undefined ? [] : [{ address, family: 4 }]);
  };
}

describe('safeFetch', () => {
  it('fetches a feed with the right request headers and returns its validators', async () => {
    const server = await startServer(
      serveFeed({ etag: '"v1"', 'last-modified': 'Tue, 24 Nov 2026 08:00:00 GMT' }),
    );

    const result = await fetchFrom(server, '/team.ics?token=abc');

    expect(result).toEqual({
      kind: 'fetched',
      body: Buffer.from(FEED),
      etag: '"v1"',
      lastModified: 'Tue, 24 Nov 2026 08:00:00 GMT',
      finalUrl: `${server.origin}/team.ics?token=abc`,
      contentType: 'text/calendar; charset=utf-8',
    });
    const [request] = server.requests;
    expect(request?.url).toBe('/team.ics?token=abc');
    expect(request?.headers.accept).toBe('text/calendar, text/plain;q=0.9, */*;q=0.1');
    expect(request?.headers['user-agent']).toBe(USER_AGENT);
    expect(request?.headers['if-none-match']).toBeUndefined();
    expect(request?.headers['if-modified-since']).toBeUndefined();
  });

  it('sends the stored validators and reports a 304 as not modified', async () => {
    const server = await startServer((request, response) => {
      const unchanged =
        request.headers['if-none-match'] === '"v1"' &&
        request.headers['if-modified-since'] === 'Tue, 24 Nov 2026 08:00:00 GMT';
      response.writeHead(unchanged ? 304 : 200, { etag: '"v1"' });
      response.end(unchanged ? undefined : FEED);
    });

    const result = await fetchFrom(server, '/feed.ics', {
      etag: '"v1"',
      lastModified: 'Tue, 24 Nov 2026 08:00:00 GMT',
    });

    expect(result).toEqual({ kind: 'not-modified' });
  });

  it('never sends credentials written into the URL', async () => {
    const server = await startServer(serveFeed());

    await safeFetch(`http://alice:secret@127.0.0.1:${server.port}/feed.ics`, {
      userAgent: USER_AGENT,
      allowedHosts: ['127.0.0.1'],
    });

    expect(server.requests[0]?.headers.authorization).toBeUndefined();
  });

  it.each([404, 500])('turns a %i into HTTP_STATUS', async (status) => {
    const server = await startServer((_request, response) => {
      response.writeHead(status, { 'retry-after': '30' });
      response.end('<html>error page</html>');
    });

    const error = await fetchError(fetchFrom(server, '/feed.ics'));

    expect(error.code).toBe('HTTP_STATUS');
    expect(error.httpStatus).toBe(status);
    expect(error.retryAfterSeconds).toBeUndefined();
    expect(error.message).toMatch(new RegExp(`^The feed's server answered ${status} `));
  });

  it('reads Retry-After in seconds on a 429', async () => {
    const server = await startServer((_request, response) => {
      response.writeHead(429, { 'retry-after': '120' });
      response.end();
    });

    const error = await fetchError(fetchFrom(server, '/feed.ics'));

    expect(error.code).toBe('HTTP_STATUS');
    expect(error.httpStatus).toBe(429);
    expect(error.retryAfterSeconds).toBe(120);
    expect(error.message).toBe(
      "The feed's server answered 429 Too Many Requests and asked to retry in 120 seconds.",
    );
  });

  it('reads Retry-After as an HTTP-date on a 503', async () => {
    const server = await startServer((_request, response) => {
      response.writeHead(503, { 'retry-after': 'Wed, 25 Nov 2026 10:05:00 GMT' });
      response.end();
    });

    const error = await fetchError(
      fetchFrom(server, '/feed.ics', { now: () => new Date('2026-11-25T10:00:00Z') }),
    );

    expect(error.httpStatus).toBe(503);
    expect(error.retryAfterSeconds).toBe(300);
  });

  describe('redirects', () => {
    // `/hop/<n>` redirects n more times, alternating absolute and relative locations.
    function redirectingServer(): Promise<TestServer> {
      const server = startServer((request, response) => {
        const remaining = Number(/^\/hop\/(\d+)$/.exec(request.url ?? '')?.[1] ?? 0);
        if (remaining === 0) {
          serveFeed()(request, response);
          return;
        }
        void server.then((self) => {
          const next = `/hop/${remaining - 1}`;
          response.writeHead(remaining % 2 === 0 ? 302 : 301, {
            location: remaining % 2 === 0 ? `${self.origin}${next}` : next,
          });
          response.end();
        });
      });
      return server;
    }

    it('follows up to five redirects and reports where the feed was', async () => {
      const server = await redirectingServer();

      const result = await fetchFrom(server, '/hop/5');

      expect(result).toMatchObject({ kind: 'fetched', finalUrl: `${server.origin}/hop/0` });
      expect(server.requests.map((request) => request.url)).toEqual([
        '/hop/5',
        '/hop/4',
        '/hop/3',
        '/hop/2',
        '/hop/1',
        '/hop/0',
      ]);
    });

    it('fails at the sixth redirect without following it', async () => {
      const server = await redirectingServer();

      const error = await fetchError(fetchFrom(server, '/hop/6'));

      expect(error.code).toBe('FETCH_FAILED');
      expect(error.message).toBe(
        'The feed redirected more than 5 times; Lobby stops following there.',
      );
      expect(server.requests).toHaveLength(6);
    });

    it.each(['file:///etc/passwd', 'ftp://example.com/feed.ics', 'gopher://127.0.0.1/'])(
      'refuses to follow a redirect to %s',
      async (location) => {
        const server = await startServer((_request, response) => {
          response.writeHead(302, { location });
          response.end();
        });

        const error = await fetchError(fetchFrom(server, '/feed.ics'));

        expect(error.code).toBe('FETCH_FAILED');
        expect(error.message).toBe(
          'The feed redirected to a URL that is not http or https, which Lobby does not follow.',
        );
      },
    );

    it('fails on a redirect to an invalid URL', async () => {
      const server = await startServer((_request, response) => {
        response.writeHead(302, { location: 'http://[::1/feed.ics' });
        response.end();
      });

      const error = await fetchError(fetchFrom(server, '/feed.ics'));

      expect(error.code).toBe('FETCH_FAILED');
      expect(error.message).toBe('The feed redirected to an invalid URL.');
    });

    it('checks the address of every hop: an allowed host cannot redirect to a private one', async () => {
      const server = await startServer((_request, response) => {
        response.writeHead(307, { location: 'http://evil.test/latest/meta-data/' });
        response.end();
      });
      const asked: string[] = [];

      const error = await fetchError(
        fetchFrom(server, '/feed.ics', { lookup: resolvingTo({ 'evil.test': '10.0.0.1' }, asked) }),
      );

      expect(error.code).toBe('FETCH_BLOCKED');
      expect(error.message).toBe(HOST_NOT_ALLOWED_MESSAGE);
      expect(asked).toEqual(['evil.test']);
    });

    describe('from https', () => {
      // A self-signed certificate made for this run; only these tests skip verifying it.
      let tlsDirectory = '';
      let tls: { key: Buffer; cert: Buffer } | undefined;
      const rejectUnauthorized = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      beforeAll(async () => {
        tlsDirectory = await mkdtemp(path.join(os.tmpdir(), 'lobby-safe-fetch-tls-'));
        const keyPath = path.join(tlsDirectory, 'key.pem');
        const certPath = path.join(tlsDirectory, 'cert.pem');
        await promisify(execFile)('openssl', [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=127.0.0.1',
          '-keyout',
          keyPath,
          '-out',
          certPath,
        ]);
        tls = { key: await readFile(keyPath), cert: await readFile(certPath) };
        process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
      });
      afterAll(async () => {
        if (rejectUnauthorized === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
        else process.env.NODE_TLS_REJECT_UNAUTHORIZED = rejectUnauthorized;
        await rm(tlsDirectory, { recursive: true, force: true });
      });

      async function httpsRedirectingTo(location: string): Promise<number> {
        const server = https.createServer(tls ?? {}, (_request, response) => {
          response.writeHead(302, { location });
          response.end();
        });
        openServers.push(server);
        await new Promise<void>((resolve) => {
          server.listen(0, '127.0.0.1', resolve);
        });
        const address = server.address();
        if (address === null || typeof address === 'string') throw new Error('no TCP address');
        return address.port;
      }

      it('refuses a redirect from https to plain http, without following it', async () => {
        const plain = await startServer(serveFeed());
        const port = await httpsRedirectingTo(`${plain.origin}/feed.ics`);

        const error = await fetchError(
          safeFetch(`https://127.0.0.1:${port}/feed.ics`, {
            userAgent: USER_AGENT,
            allowedHosts: ['127.0.0.1'],
          }),
        );

        expect(error.code).toBe('FETCH_FAILED');
        expect(error.message).toBe(
          'The feed redirected from https to plain http, which Lobby does not follow.',
        );
        expect(plain.acceptedSockets()).toBe(0);
      });
    });
  });

  describe('address checks (SSRF)', () => {
    it('refuses a host when any of its addresses is not public', async () => {
      const victim = await startServer(serveFeed());

      const error = await fetchError(
        safeFetch(`http://mixed.test:${victim.port}/`, {
          userAgent: USER_AGENT,
          lookup: () =>
            Promise.resolve([
              { address: '127.0.0.1', family: 4 },
              { address: '8.8.8.8', family: 4 },
            ]),
        }),
      );

      expect(error.code).toBe('FETCH_BLOCKED');
      expect(error.message).toBe(HOST_NOT_ALLOWED_MESSAGE);
      expect(victim.acceptedSockets()).toBe(0);
    });

    it('answers one error for every host it may not fetch, so nobody learns which internal names resolve', async () => {
      // What dns.lookup rejects with for a name nobody knows.
      const unknownName: ResolveHost = (hostname) =>
        Promise.reject(
          Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }),
        );
      const names = resolvingTo({
        'db.internal.test': '10.0.0.5',
        'metadata.test': '169.254.169.254',
        'localhost.test': '127.0.0.1',
        'cgnat.test': '100.64.0.1',
        'mapped.test': '::ffff:192.168.0.1',
      });
      const attempts: { url: string; lookup: ResolveHost }[] = [
        { url: 'https://db.internal.test/feed.ics', lookup: names },
        { url: 'https://metadata.test/latest/', lookup: names },
        { url: 'http://localhost.test:8080/', lookup: names },
        { url: 'https://cgnat.test/', lookup: names },
        { url: 'https://mapped.test/', lookup: names },
        { url: 'https://nothing-here.test/', lookup: names },
        { url: 'https://nothing-here.test/', lookup: unknownName },
        { url: 'http://10.1.2.3/feed.ics', lookup: names },
        { url: 'http://[fd00::1]/feed.ics', lookup: names },
      ];
      const server = await startServer((request, response) => {
        response.writeHead(302, { location: attempts[Number(request.url?.slice(1))]?.url });
        response.end();
      });

      const errors = await Promise.all(
        attempts.flatMap(({ url, lookup }, index) => [
          fetchError(safeFetch(url, { userAgent: USER_AGENT, lookup })),
          fetchError(fetchFrom(server, `/${index}`, { lookup })),
        ]),
      );

      for (const error of errors) {
        expect({ code: error.code, message: error.message }).toEqual({
          code: 'FETCH_BLOCKED',
          message: HOST_NOT_ALLOWED_MESSAGE,
        });
      }
    });

    it('lets no request reach a loopback listener that is not allowed, however it is written', async () => {
      const victim = await startServer(serveFeed());
      const redirector = await startServer((request, response) => {
        response.writeHead(302, { location: decodeURIComponent(request.url?.slice(1) ?? '') });
        response.end();
      });
      const victimUrls = [
        `http://127.0.0.1:${victim.port}/`,
        `http://localhost:${victim.port}/`,
        `http://LOCALHOST:${victim.port}/`,
        `http://[::ffff:127.0.0.1]:${victim.port}/`,
        `http://[::1]:${victim.port}/`,
        `http://2130706433:${victim.port}/`,
        `http://0x7f.1:${victim.port}/`,
        `http://0177.0.0.1:${victim.port}/`,
        `http://127.1:${victim.port}/`,
        `http://0.0.0.0:${victim.port}/`,
      ];
      const attempts = [
        ...victimUrls,
        ...victimUrls.map((url) => `${redirector.origin}/${encodeURIComponent(url)}`),
      ];

      for (const url of attempts) {
        const error = await fetchError(
          safeFetch(url, { userAgent: USER_AGENT, allowedHosts: [`127.0.0.1:${redirector.port}`] }),
        );
        expect(error.code, url).toBe('FETCH_BLOCKED');
        expect(error.message, url).not.toMatch(/127\.|::1|0\.0\.0\.0/);
      }

      expect(victim.acceptedSockets()).toBe(0);
      expect(redirector.requests).toHaveLength(victimUrls.length);
    });

    it('allows a listed host on any port, or on the listed port only', async () => {
      const server = await startServer(serveFeed());

      await expect(
        safeFetch(`${server.origin}/`, { userAgent: USER_AGENT, allowedHosts: ['127.0.0.1'] }),
      ).resolves.toMatchObject({ kind: 'fetched' });
      const otherPort = await fetchError(
        safeFetch(`${server.origin}/`, {
          userAgent: USER_AGENT,
          allowedHosts: [`127.0.0.1:${server.port + 1}`],
        }),
      );
      expect(otherPort.code).toBe('FETCH_BLOCKED');
      expect(server.acceptedSockets()).toBe(1);
    });

    it('connects to the address it checked, not to a second DNS answer (rebinding)', async () => {
      const checked = await startServer(serveFeed());
      const rebound = await startServer(serveFeed(), { host: '127.0.0.2', port: checked.port });
      let lookups = 0;
      const rebindingLookup: ResolveHost = () => {
        lookups += 1;
        const address = lookups === 1 ? '127.0.0.1' : '127.0.0.2';
        return Promise.resolve([{ address, family: 4 }]);
      };

      const result = await safeFetch(`http://feed.test:${checked.port}/feed.ics`, {
        userAgent: USER_AGENT,
        allowedHosts: [`feed.test:${checked.port}`],
        lookup: rebindingLookup,
      });

      expect(result.kind).toBe('fetched');
      expect(lookups).toBe(1);
      expect(checked.requests[0]?.headers.host).toBe(`feed.test:${checked.port}`);
      expect(rebound.acceptedSockets()).toBe(0);
    });

    it('refuses URLs that are not http or https', async () => {
      const error = await fetchError(
        safeFetch('file:///etc/passwd', { userAgent: USER_AGENT, allowedHosts: ['localhost'] }),
      );

      expect(error.code).toBe('FETCH_FAILED');
      expect(error.message).toBe('The feed URL must be http or https.');
    });
  });

  describe('limits', () => {
    it('aborts a body that grows past the cap while it is still being sent', async () => {
      const chunk = Buffer.alloc(16 * 1024, 'x');
      const totalBytes = 8 * 1024 * 1024;
      let serverOutcome: Promise<{ sentBytes: number; finished: boolean }> | undefined;
      const server = await startServer((_request, response) => {
        serverOutcome = new Promise((resolve) => {
          let sentBytes = 0;
          response.writeHead(200, { 'content-type': 'text/calendar' });
          const sending = setInterval(() => {
            if (sentBytes >= totalBytes) {
              clearInterval(sending);
              response.end(() => {
                resolve({ sentBytes, finished: true });
              });
              return;
            }
            response.write(chunk);
            sentBytes += chunk.length;
          }, 5);
          response.on('close', () => {
            clearInterval(sending);
            resolve({ sentBytes, finished: response.writableFinished });
          });
        });
      });

      const error = await fetchError(fetchFrom(server, '/huge.ics', { maxBodyBytes: 64 * 1024 }));

      expect(error.code).toBe('TOO_LARGE');
      expect(error.message).toBe('The feed is larger than 64 KiB, the most Lobby downloads.');
      const outcome = await serverOutcome;
      expect(outcome?.finished).toBe(false);
      expect(outcome?.sentBytes).toBeLessThan(totalBytes);
    });

    it('refuses a declared Content-Length over the cap without reading the body', async () => {
      const server = await startServer((_request, response) => {
        response.writeHead(200, { 'content-length': String(6 * 1024 * 1024) });
        response.write('BEGIN:VCALENDAR\r\n');
      });

      const error = await fetchError(fetchFrom(server, '/feed.ics'));

      expect(error.code).toBe('TOO_LARGE');
      expect(error.message).toBe('The feed is larger than 5 MiB, the most Lobby downloads.');
    });

    it('applies the cap to decompressed bytes too', async () => {
      const bomb = zlib.gzipSync(Buffer.alloc(4 * 1024 * 1024));
      const server = await startServer((_request, response) => {
        response.writeHead(200, { 'content-encoding': 'gzip' });
        response.end(bomb);
      });

      const error = await fetchError(fetchFrom(server, '/feed.ics', { maxBodyBytes: 1024 * 1024 }));

      expect(bomb.length).toBeLessThan(1024 * 1024);
      expect(error.code).toBe('TOO_LARGE');
    });

    it('times out on a server that never answers', async () => {
      const server = await startServer(() => {
        // Accepts the request and never responds.
      });

      const error = await fetchError(fetchFrom(server, '/feed.ics', { timeoutMs: 300 }));

      expect(error.code).toBe('TIMEOUT');
      expect(error.message).toBe('The feed did not finish downloading within 0.3 seconds.');
    });

    it('times out on a body that never ends', async () => {
      const server = await startServer((_request, response) => {
        response.writeHead(200, { 'content-type': 'text/calendar' });
        response.write('BEGIN:VCALENDAR\r\n');
      });

      const error = await fetchError(fetchFrom(server, '/feed.ics', { timeoutMs: 300 }));

      expect(error.code).toBe('TIMEOUT');
    });

    it('fails, rather than returning part of it, when the body is cut short', async () => {
      const server = await startServer((_request, response) => {
        response.writeHead(200, { 'content-length': '1000' });
        response.write('BEGIN:VCALENDAR\r\n', () => {
          response.socket?.destroy();
        });
      });

      const error = await fetchError(fetchFrom(server, '/feed.ics'));

      expect(error.code).toBe('FETCH_FAILED');
      expect(error.message).toBe(
        "The connection to the feed's server broke before the feed was complete.",
      );
    });

    it('reports a refused connection without the address', async () => {
      const server = await startServer(serveFeed());
      const closedPort = server.port;
      await new Promise<void>((resolve) => {
        const [listening] = openServers.splice(0);
        listening?.close(() => {
          resolve();
        });
      });

      const error = await fetchError(
        safeFetch(`http://127.0.0.1:${closedPort}/`, {
          userAgent: USER_AGENT,
          allowedHosts: ['127.0.0.1'],
        }),
      );

      expect(error.code).toBe('FETCH_FAILED');
      expect(error.message).toBe("The feed's server refused the connection.");
    });
  });

  describe('content encodings', () => {
    it.each([
      ['gzip', zlib.gzipSync],
      ['deflate', zlib.deflateSync],
      ['br', zlib.brotliCompressSync],
    ])('decodes a %s body', async (encoding, encode) => {
      const server = await startServer((request, response) => {
        expect(request.headers['accept-encoding']).toBe('gzip, deflate, br');
        response.writeHead(200, { 'content-encoding': encoding });
        response.end(encode(Buffer.from(FEED)));
      });

      const result = await fetchFrom(server, '/feed.ics');

      expect(result).toMatchObject({ kind: 'fetched', body: Buffer.from(FEED) });
    });

    it('fails on a damaged compressed body', async () => {
      const server = await startServer((_request, response) => {
        response.writeHead(200, { 'content-encoding': 'gzip' });
        response.end(zlib.gzipSync(Buffer.from(FEED)).subarray(0, 20));
      });

      const error = await fetchError(fetchFrom(server, '/feed.ics'));

      expect(error.code).toBe('FETCH_FAILED');
      expect(error.message).toBe("The feed's compressed content is damaged.");
    });

    it('fails on an encoding it cannot decode', async () => {
      const server = await startServer((_request, response) => {
        response.writeHead(200, { 'content-encoding': 'zstd' });
        response.end('(zstd bytes)');
      });

      const error = await fetchError(fetchFrom(server, '/feed.ics'));

      expect(error.code).toBe('FETCH_FAILED');
      expect(error.message).toMatch(/content encoding/);
    });
  });
});

describe('parseRetryAfterSeconds', () => {
  const now = new Date('2026-11-25T10:00:00Z');

  it('reads delay-seconds and HTTP-dates', () => {
    expect(parseRetryAfterSeconds('0', now)).toBe(0);
    expect(parseRetryAfterSeconds(' 3600 ', now)).toBe(3600);
    expect(parseRetryAfterSeconds('Wed, 25 Nov 2026 10:01:00 GMT', now)).toBe(60);
    expect(parseRetryAfterSeconds('Wednesday, 25-Nov-26 10:01:30 GMT', now)).toBe(90);
  });

  it('treats a date in the past as "now" and anything unreadable as absent', () => {
    expect(parseRetryAfterSeconds('Wed, 25 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfterSeconds('soon', now)).toBeUndefined();
    expect(parseRetryAfterSeconds('-5', now)).toBeUndefined();
    expect(parseRetryAfterSeconds(undefined, now)).toBeUndefined();
  });
});
