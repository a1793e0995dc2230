// Issue 11.1: no request ends the process. Malformed request lines, headers and WebSocket upgrades
// get a 4xx (or a closed socket) and the API keeps answering.
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { useBareApi } from '../support/api-context.js';
import { anyString } from '../support/api-matchers.js';
import { databaseEngines } from '../support/database.js';

/** Sends raw bytes and resolves with the response's status line ('' when the server just closed). */
function sendRaw(url: string, raw: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      received += chunk;
      if (received.includes('\r\n')) socket.destroy();
    });
    socket.on('close', () => {
      resolve(received.split('\r\n')[0] ?? '');
    });
    socket.on('error', reject);
    socket.write(raw, 'latin1');
  });
}

const upgradeHeaders = 'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n';

const hostileRequests: { name: string; raw: string; status: RegExp }[] = [
  {
    name: 'an unclosed IPv6 absolute target',
    raw: 'GET http://[::1 HTTP/1.1\r\nHost: x\r\n\r\n',
    status: /^HTTP\/1\.1 400/,
  },
  {
    name: 'a broken percent-encoding',
    raw: 'GET /%E0%A4%A HTTP/1.1\r\nHost: x\r\n\r\n',
    status: /^HTTP\/1\.1 400/,
  },
  {
    name: 'a target that is no URL at all',
    raw: 'GET http://exa mple HTTP/1.1\r\nHost: x\r\n\r\n',
    status: /^(HTTP\/1\.1 400 .*)?$/,
  },
  {
    name: 'bytes that are no HTTP',
    raw: '\u0000\u0001\u0002 hello\r\n\r\n',
    status: /^(HTTP\/1\.1 400 .*)?$/,
  },
  {
    name: 'a header name with spaces',
    raw: 'GET / HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n',
    status: /^(HTTP\/1\.1 400 .*)?$/,
  },
  {
    name: 'a huge header',
    raw: `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(70_000)}\r\n\r\n`,
    status: /^(HTTP\/1\.1 431 .*)?$/,
  },
  {
    name: 'an upgrade without a key',
    raw: `GET /graphql HTTP/1.1\r\nHost: x\r\n${upgradeHeaders}\r\n`,
    status: /^HTTP\/1\.1 400/,
  },
  {
    name: 'an upgrade to an unclosed IPv6 target',
    raw: `GET http://[::1 HTTP/1.1\r\nHost: x\r\n${upgradeHeaders}Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
    status: /^(HTTP\/1\.1 400 .*)?$/,
  },
  {
    name: 'an upgrade with a bad version',
    raw: `GET /graphql HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 99\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
    status: /^HTTP\/1\.1 400/,
  },
];

for (const { engine, open } of databaseEngines())
  describe(`hostile HTTP requests on ${engine}`, () => {
    const suite = useBareApi(open);

    it.each(hostileRequests)('answers $name with a refusal', async ({ raw, status }) => {
      expect(await sendRaw(suite.api.url, raw)).toMatch(status);
    });

    it('still answers /health and GraphQL after all of them', async () => {
      for (const { raw } of hostileRequests) await sendRaw(suite.api.url, raw);
      const health = await fetch(`${suite.api.url}/health`);
      expect(health.status).toBe(200);
      expect(await suite.api.gql('{ serverTime }')).toMatchObject({
        data: { serverTime: anyString },
      });
    });
  });
