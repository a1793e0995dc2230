// Issue 11.8: what the API shows a stranger. Security headers on every answer, CORS from an
// allowlist, no introspection or GraphiQL in production unless asked for, /ready without driver
// errors, /metrics behind a token or on a port of its own. All over real HTTP.
import { describe, expect, it } from 'vitest';
import { dataOf, waitUntil } from '../support/api-client.js';
import { useBareApi } from '../support/api-context.js';
import { arrayContaining, objectContaining, stringMatching } from '../support/api-matchers.js';
import { startInProcessApi, startRuntimeApi, testPublicBaseUrl } from '../support/api-server.js';
import { openRawGraphqlSocket } from '../support/api-streams.js';
import { databaseEngines } from '../support/database.js';
import { freePort } from '../support/free-port.js';
import { inProcessEngines } from '../support/engines.js';

const partnerOrigin = 'https://partner.example.org';
const metricsToken = 'lobby-test-metrics-token-0123456789';
const introspection = '{ __schema { queryType { name } } }';

const production = {
  NODE_ENV: 'production',
  CORS_ALLOWED_ORIGINS: partnerOrigin,
  METRICS_TOKEN: metricsToken,
};

/** A CORS preflight for a JSON POST from `origin`. */
function preflight(graphqlUrl: string, origin: string): Promise<Response> {
  return fetch(graphqlUrl, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type, authorization',
    },
  });
}

function getPage(url: string): Promise<Response> {
  return fetch(url, { headers: { accept: 'text/html' } });
}

for (const { engine, open } of databaseEngines()) {
  describe(`HTTP surface in production on ${engine}`, () => {
    const suite = useBareApi(open, production);

    it('sends CSP (frame-ancestors included), nosniff and Referrer-Policy on API answers', async () => {
      const answers = [
        await fetch(`${suite.api.url}/health`),
        await fetch(`${suite.api.url}/ready`),
        await fetch(suite.api.graphqlUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ serverTime }' }),
        }),
      ];
      for (const answer of answers) {
        expect(answer.headers.get('content-security-policy')).toBe(
          "default-src 'none'; frame-ancestors 'none'",
        );
        expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
        expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
      }
    });

    it('answers CORS for its own origin and the allowlist only', async () => {
      const own = await preflight(suite.api.graphqlUrl, new URL(testPublicBaseUrl).origin);
      expect(own.headers.get('access-control-allow-origin')).toBe(testPublicBaseUrl);
      const partner = await preflight(suite.api.graphqlUrl, partnerOrigin);
      expect(partner.headers.get('access-control-allow-origin')).toBe(partnerOrigin);
      expect(partner.headers.get('access-control-allow-credentials')).toBeNull();
      const stranger = await preflight(suite.api.graphqlUrl, 'https://evil.example.net');
      expect(stranger.headers.get('access-control-allow-origin')).not.toBe(
        'https://evil.example.net',
      );
      const strangerPost = await fetch(suite.api.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: 'https://evil.example.net' },
        body: JSON.stringify({ query: '{ serverTime }' }),
      });
      expect(strangerPost.headers.get('access-control-allow-origin')).not.toBe(
        'https://evil.example.net',
      );
    });

    it('refuses introspection over HTTP and WebSocket, and serves no GraphiQL', async () => {
      const overHttp = await suite.api.gql(introspection);
      expect(overHttp.errors?.[0]?.message).toMatch(/introspection has been disabled/);
      expect(overHttp.data).toBeUndefined();

      const socket = openRawGraphqlSocket(suite.api.webSocketUrl);
      await socket.acknowledged;
      const id = socket.send(introspection);
      await waitUntil('the socket answers the introspection', () =>
        Promise.resolve(socket.received.some((message) => message.id === id)),
      );
      expect(socket.received.find((message) => message.id === id)).toMatchObject({
        type: 'error',
        payload: arrayContaining([
          objectContaining({ message: stringMatching(/introspection has been disabled/) }),
        ]),
      });
      socket.close();

      const page = await getPage(suite.api.graphqlUrl);
      expect(page.headers.get('content-type') ?? '').not.toMatch(/text\/html/);
    });

    it('guards /metrics with METRICS_TOKEN', async () => {
      const anonymous = await fetch(`${suite.api.url}/metrics`);
      expect(anonymous.status).toBe(401);
      expect(await anonymous.text()).not.toMatch(/lobby_/);
      const wrong = await fetch(`${suite.api.url}/metrics`, {
        headers: { authorization: `Bearer ${metricsToken}x` },
      });
      expect(wrong.status).toBe(401);
      const right = await fetch(`${suite.api.url}/metrics`, {
        headers: { authorization: `Bearer ${metricsToken}` },
      });
      expect(right.status).toBe(200);
      expect(await right.text()).toMatch(/lobby_live_subscribers/);
    });
  });

  describe(`GRAPHQL_INTROSPECTION in production on ${engine}`, () => {
    const suite = useBareApi(open, { NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'true' });

    it('turns introspection and GraphiQL on, GraphiQL still unframeable', async () => {
      expect(dataOf(await suite.api.gql(introspection))).toEqual({
        __schema: { queryType: { name: 'Query' } },
      });
      const page = await getPage(suite.api.graphqlUrl);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      expect(page.headers.get('content-security-policy')).toBe("frame-ancestors 'none'");
    });
  });
}

for (const { engine, open } of databaseEngines())
  describe(`METRICS_PORT on ${engine}`, () => {
    it('serves /metrics on its own port only', async () => {
      const metricsPort = await freePort();
      const database = await open();
      const engines = inProcessEngines(() => undefined);
      const api = await startInProcessApi({
        database,
        engines,
        environment: { METRICS_PORT: String(metricsPort) },
      });
      try {
        expect((await fetch(`${api.url}/metrics`)).status).toBe(404);
        const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
        expect(metrics.status).toBe(200);
        expect(await metrics.text()).toMatch(/lobby_live_subscribers/);
        expect((await fetch(`http://127.0.0.1:${metricsPort}/health`)).status).toBe(404);
      } finally {
        await api.close();
        await engines.close();
        await database.drop();
      }
      // Closed with the API.
      await expect(fetch(`http://127.0.0.1:${metricsPort}/metrics`)).rejects.toThrow();
    });
  });

describe('/ready', () => {
  it('names the engine that is down, without the driver error', async () => {
    const deadPort = await freePort();
    const api = await startRuntimeApi({
      DATABASE_URL: `postgresql://postgres@127.0.0.1:${deadPort}/lobby`,
    });
    try {
      const response = await fetch(`${api.url}/ready`);
      expect(response.status).toBe(503);
      const text = await response.text();
      expect(JSON.parse(text)).toEqual({
        status: 'not ready',
        checks: { database: 'unavailable' },
      });
      expect(text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|connect/);
    } finally {
      await api.close();
    }
  });
});
