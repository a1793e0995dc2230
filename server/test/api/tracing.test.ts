// Issue 14.5: with OTEL_EXPORTER_OTLP_ENDPOINT set, the processes export OpenTelemetry spans for
// HTTP, GraphQL, Prisma, Redis, BullMQ jobs and feed downloads, one trace from the request to the
// job it enqueued, and no feed URL or credential in any of them. The real processes, a real
// OTLP/HTTP receiver.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProcessEngines, sharedEngineCases } from '../support/api-context.js';
import { seedLobbyScenario, type LobbyScenario } from '../support/api-seed.js';
import {
  startApiProcess,
  startLobbyProcess,
  startWorkerProcess,
  testApi,
  type LobbyProcess,
  type TestApi,
} from '../support/api-server.js';
import { freePort } from '../support/free-port.js';
import {
  startOtlpCollector,
  type OtlpCollector,
  type ReceivedSpan,
} from '../support/otlp-collector.js';

const preload = ['--import', path.resolve(import.meta.dirname, '../../src/processes/tracing.ts')];
const serverKind = 2;
const secretInUrl = 'feed-secret-in-a-get-request';
const clientKind = 3;

function tracingEnvironment(collector: OtlpCollector, serviceName: string) {
  // A short batch delay; stopping the process flushes the rest anyway.
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
    OTEL_SERVICE_NAME: serviceName,
    OTEL_BSP_SCHEDULE_DELAY: '200',
  };
}

function parentOf(spans: readonly ReceivedSpan[], span: ReceivedSpan): ReceivedSpan | undefined {
  return spans.find((each) => each.spanId === span.parentSpanId);
}

/** Whether `ancestor` is above `span` in its trace. */
function descendsFrom(spans: readonly ReceivedSpan[], span: ReceivedSpan, ancestor: ReceivedSpan) {
  for (let parent = parentOf(spans, span); parent !== undefined; parent = parentOf(spans, parent)) {
    if (parent.spanId === ancestor.spanId) return true;
  }
  return false;
}

describe('tracing in the all-in-one process (embedded engines)', { timeout: 120_000 }, () => {
  let collector: OtlpCollector;
  let dataDirectory: string;
  beforeAll(async () => {
    collector = await startOtlpCollector();
    dataDirectory = await mkdtemp(path.join(os.tmpdir(), 'lobby-tracing-'));
    const port = await freePort();
    const lobby = await startLobbyProcess({
      script: 'all-in-one.ts',
      nodeArguments: preload,
      environment: {
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: String(port),
        LOBBY_DATA_DIR: dataDirectory,
        ...tracingEnvironment(collector, 'lobby-test'),
      },
      readyLine: /Lobby is running: ([^\s"]+)/,
    });
    try {
      const api = testApi(port, () => lobby.stop());
      await api.gql('query DemoRoom { room(name: "demo") { name } }');
      // GraphQL over GET: the document and its variables are in the URL.
      const parameters = new URLSearchParams({
        query: 'query ($name: String!) { room(name: $name) { name } }',
        variables: JSON.stringify({ name: secretInUrl }),
      });
      await fetch(`${api.graphqlUrl}?${parameters.toString()}`);
    } finally {
      // Stopping flushes what the batch still holds.
      await lobby.stop();
    }
  });
  afterAll(async () => {
    await collector.close();
    await rm(dataDirectory, { recursive: true, force: true });
  });

  it('redacts the GraphQL parameters of a request URL', () => {
    const requests = collector.spans.filter((span) => span.attributes['url.query'] !== undefined);
    expect(requests).not.toEqual([]);
    expect(collector.bodies.join('\n')).not.toContain(secretInUrl);
  });

  it('makes the GraphQL operation a child of its HTTP request, and its queries children of it', () => {
    const { spans } = collector;
    const operation = spans.find((span) => span.name === 'query DemoRoom');
    expect(operation).toMatchObject({
      service: 'lobby-test',
      scope: 'lobby/graphql',
      attributes: { 'graphql.operation.type': 'query', 'graphql.operation.name': 'DemoRoom' },
      failed: false,
    });
    if (operation === undefined) return;
    expect(parentOf(spans, operation)).toMatchObject({
      scope: '@opentelemetry/instrumentation-http',
      kind: serverKind,
    });
    const queries = spans.filter(
      (span) => span.scope === 'prisma' && descendsFrom(spans, span, operation),
    );
    expect(queries.length).toBeGreaterThan(0);
  });
});

for (const engineCase of sharedEngineCases())
  describe(
    'tracing across an API process and a worker (PostgreSQL, Redis)',
    { timeout: 180_000 },
    () => {
      const closers: (() => Promise<void>)[] = [];
      let collector: OtlpCollector;
      let scenario: LobbyScenario;
      let feedsHost: string;
      beforeAll(async () => {
        collector = await startOtlpCollector();
        closers.unshift(() => collector.close());
        const { engines, feeds } = await openProcessEngines(engineCase, closers);
        feedsHost = feeds.host;
        const environment = { NODE_ENV: 'production', CALENDAR_FETCH_ALLOWED_HOSTS: feeds.host };
        const worker: LobbyProcess = await startWorkerProcess(
          engines,
          {
            ...environment,
            ...tracingEnvironment(collector, 'lobby-worker'),
          },
          { nodeArguments: preload },
        );
        closers.unshift(() => worker.stop());
        const api: TestApi & LobbyProcess = await startApiProcess(
          engines,
          { ...environment, ...tracingEnvironment(collector, 'lobby-api') },
          { script: 'api.ts', nodeArguments: preload },
        );
        closers.unshift(() => api.stop());
        // A feed URL with a token, synced by the worker on the API's request.
        scenario = await seedLobbyScenario(api.gql, feeds);
        await api.stop();
        await worker.stop();
      });
      afterAll(async () => {
        for (const close of closers) await close();
      });

      it('traces the feed download in the worker within the trace of the request that asked for it', () => {
        const { spans } = collector;
        const download = spans.find((span) => span.name === 'GET feed');
        expect(download).toMatchObject({
          service: 'lobby-worker',
          scope: 'lobby/safe-fetch',
          kind: clientKind,
          attributes: {
            'server.address': feedsHost.split(':')[0],
            'http.response.status_code': 200,
          },
          failed: false,
        });
        if (download === undefined) return;
        const job = spans.find(
          (span) =>
            span.scope === 'lobby/jobs' &&
            span.service === 'lobby-worker' &&
            descendsFrom(spans, download, span),
        );
        expect(job).toBeDefined();
        const request = spans.find(
          (span) =>
            span.service === 'lobby-api' &&
            span.kind === serverKind &&
            span.traceId === download.traceId,
        );
        expect(request).toBeDefined();
      });

      it('exports Redis commands and BullMQ spans of both processes', () => {
        const { spans } = collector;
        for (const service of ['lobby-api', 'lobby-worker']) {
          expect(
            spans.filter((span) => span.service === service && span.scope === 'lobby/jobs'),
          ).not.toEqual([]);
          expect(
            spans.filter(
              (span) =>
                span.service === service && span.scope === '@opentelemetry/instrumentation-ioredis',
            ),
          ).not.toEqual([]);
        }
      });

      it('never exports a feed URL or a credential', () => {
        const everything = collector.bodies.join('\n');
        expect(everything).toContain('GET feed');
        const secrets = [
          'feed-secret-',
          scenario.feedUrl,
          ...Object.values(scenario.tokens).filter((token) => token !== undefined),
        ];
        for (const secret of secrets) expect(everything).not.toContain(secret);
      });
    },
  );
