// GET /metrics after the seeded scenario's sync and meeting, through the API alone: the series an
// operator reaches for carry the right labels and counts.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { dataOf, pick } from '../support/api-client.js';
import { openProcessEngines, sharedEngineCases, useLobbyApi } from '../support/api-context.js';
import { seedLobbyScenario } from '../support/api-seed.js';
import {
  startApiProcess,
  startLobbyProcess,
  testEnvironment,
  type LobbyProcess,
} from '../support/api-server.js';
import { databaseEngines } from '../support/database.js';
import { engineSetCases } from '../support/engines.js';

type Sample = { name: string; labels: Record<string, string>; value: number };

/** Prometheus's text format, one sample per line. */
function parseSamples(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match === null) continue;
    const [, name = '', labelText = '', value = ''] = match;
    const labels = Object.fromEntries(
      [...labelText.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, key = '', text = '']) => [
        key,
        text,
      ]),
    );
    samples.push({ name, labels, value: Number(value) });
  }
  return samples;
}

async function scrape(url: string): Promise<Sample[]> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return parseSamples(await response.text());
}

/** The sum of the samples of `name` that carry every label given. */
function total(samples: readonly Sample[], name: string, labels: Record<string, string> = {}) {
  const matching = samples.filter(
    (sample) =>
      sample.name === name &&
      Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
  if (matching.length === 0) throw new Error(`No sample ${name} ${JSON.stringify(labels)}`);
  return matching.reduce((sum, sample) => sum + sample.value, 0);
}

const pglite = databaseEngines().filter(({ engine }) => engine === 'pglite');

// Plain titles (`on redis`, not `on 'redis'`): CI looks for the engine's name.
for (const { open } of pglite)
  for (const engineCase of engineSetCases())
    describe(`metrics of one API process on ${engineCase.engine}`, () => {
      const context = useLobbyApi({ open, engineCase });

      it('counts the sync, its download, the meeting opened and ended, and GraphQL operations', async () => {
        const { api, scenario } = context;
        const ended = await api.gql(
          'mutation ($id: ID!) { endMeeting(meetingId: $id) { __typename } }',
          { id: scenario.liveMeetingId },
          { token: scenario.tokens.owner },
        );
        expect(pick(dataOf(ended), 'endMeeting', '__typename')).toBe('EndMeetingSuccess');
        const invalid = await api.gql('query { noSuchField }', {});
        expect(invalid.errors).toHaveLength(1);

        const samples = await scrape(`${api.url}/metrics`);
        // The seed synced its shared room once, downloading its feed once.
        expect(
          total(samples, 'lobby_sync_run_duration_seconds_count', { outcome: 'SUCCEEDED' }),
        ).toBe(1);
        expect(
          total(samples, 'lobby_sync_run_duration_seconds_bucket', {
            outcome: 'SUCCEEDED',
            le: '+Inf',
          }),
        ).toBe(1);
        expect(total(samples, 'lobby_feed_fetches_total', { status: '200' })).toBe(1);
        expect(total(samples, 'lobby_feed_fetch_body_bytes_count')).toBe(1);
        expect(total(samples, 'lobby_feed_fetch_body_bytes_sum')).toBeGreaterThan(100);
        // The seed started one meeting; its event is hours ahead, so no calendar meeting opened.
        expect(total(samples, 'lobby_meetings_opened_total', { origin: 'adhoc' })).toBe(1);
        expect(samples.some((sample) => sample.labels.origin === 'calendar')).toBe(false);
        expect(total(samples, 'lobby_meetings_ended_total', { reason: 'ENDED_BY_MANAGER' })).toBe(
          1,
        );
        expect(
          total(samples, 'graphql_envelop_request_duration_count', {
            operationType: 'mutation',
          }),
        ).toBeGreaterThanOrEqual(1);
        expect(
          total(samples, 'graphql_envelop_error_result', { phase: 'validate' }),
        ).toBeGreaterThanOrEqual(1);
        for (const state of ['waiting', 'delayed', 'active']) {
          expect(
            total(samples, 'lobby_job_queue_depth', { queue: 'jobs', state }),
          ).toBeGreaterThanOrEqual(0);
        }
        expect(total(samples, 'lobby_process_resident_memory_bytes')).toBeGreaterThan(0);
      });

      it('serves every series the Grafana dashboard in docs/ asks for', async () => {
        const dashboard = readFileSync(
          new URL('../../../docs/grafana-dashboard.json', import.meta.url),
          'utf8',
        );
        const asked = new Set(dashboard.match(/\b(?:lobby|graphql)_\w+/g));
        expect(asked.size).toBeGreaterThan(10);
        const text = await (await fetch(`${context.api.url}/metrics`)).text();
        // A labelled counter nothing counted yet has no sample, only its TYPE line.
        const declared = [...text.matchAll(/^# TYPE (\w+)/gm)].map(([, name = '']) => name);
        const served = new Set([...declared, ...parseSamples(text).map(({ name }) => name)]);
        expect([...asked].filter((name) => !served.has(name))).toEqual([]);
      });

      it('counts open WebSocket connections', async () => {
        const socket = new WebSocket(context.api.webSocketUrl, 'graphql-transport-ws');
        await new Promise((resolve, reject) => {
          socket.once('open', resolve);
          socket.once('error', reject);
        });
        try {
          expect(
            total(await scrape(`${context.api.url}/metrics`), 'lobby_websocket_connections'),
          ).toBe(1);
        } finally {
          const closed = new Promise((resolve) => socket.once('close', resolve));
          socket.close();
          await closed;
        }
      });
    });

for (const engineCase of sharedEngineCases())
  describe('metrics of a worker process (WORKER_HTTP_PORT) beside an API process', () => {
    const closers: (() => Promise<void>)[] = [];
    let workerUrl = '';
    let apiUrl = '';
    beforeAll(async () => {
      const { engines, feeds } = await openProcessEngines(engineCase, closers);
      const environment = {
        DATABASE_URL: engines.databaseUrl,
        REDIS_URL: engines.redisUrl,
        CALENDAR_FETCH_ALLOWED_HOSTS: feeds.host,
      };
      const worker: LobbyProcess & { ready: string } = await startLobbyProcess({
        script: 'worker.ts',
        environment: testEnvironment({ ...environment, WORKER_HTTP_PORT: '0' }),
        readyLine: /health and metrics on http:\/\/localhost:(\d+)/,
      });
      closers.unshift(() => worker.stop());
      workerUrl = `http://127.0.0.1:${worker.ready}`;
      const api = await startApiProcess(engines, {
        CALENDAR_FETCH_ALLOWED_HOSTS: feeds.host,
      });
      closers.unshift(() => api.stop());
      apiUrl = api.url;
      // One sync (run by the worker) and one meeting (started through the API).
      await seedLobbyScenario(api.gql, feeds);
    }, 120_000);
    afterAll(async () => {
      for (const close of closers) await close();
    });

    it('serves /health and /ready', async () => {
      expect(await (await fetch(`${workerUrl}/health`)).json()).toEqual({ status: 'ok' });
      const ready = await fetch(`${workerUrl}/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({
        status: 'ready',
        checks: { database: 'ok', redis: 'ok' },
      });
    });

    it("carries the sync's series on the worker and the meeting's on the API", async () => {
      const worker = await scrape(`${workerUrl}/metrics`);
      expect(total(worker, 'lobby_sync_run_duration_seconds_count', { outcome: 'SUCCEEDED' })).toBe(
        1,
      );
      expect(total(worker, 'lobby_feed_fetches_total', { status: '200' })).toBe(1);
      expect(
        total(worker, 'lobby_job_queue_depth', { queue: 'jobs', state: 'waiting' }),
      ).toBeGreaterThanOrEqual(0);
      const api = await scrape(`${apiUrl}/metrics`);
      expect(total(api, 'lobby_meetings_opened_total', { origin: 'adhoc' })).toBe(1);
      expect(total(api, 'graphql_envelop_request_duration_count')).toBeGreaterThan(0);
    });
  });
