// Structured logs: JSON lines with the request id of the HTTP request, WebSocket operation or job
// they belong to, and no credential or feed URL, from the API and worker processes themselves.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLog, withRequestId } from '../../src/processes/logger.js';
import { openProcessEngines, sharedEngineCases } from '../support/api-context.js';
import { objectContaining, stringMatching } from '../support/api-matchers.js';
import { seedLobbyScenario, type LobbyScenario } from '../support/api-seed.js';
import {
  startApiProcess,
  startWorkerProcess,
  type LobbyProcess,
  type TestApi,
} from '../support/api-server.js';

type LogLine = Record<string, unknown>;

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The database id inside a GraphQL global id (`Type:uuid`, base64). */
const databaseId = (globalId: string) =>
  Buffer.from(globalId, 'base64').toString('utf8').split(':')[1];

function parseLines(lines: readonly string[]): LogLine[] {
  return lines.map((line) => {
    const parsed: unknown = JSON.parse(line);
    if (typeof parsed !== 'object' || parsed === null) throw new Error(`Not a log line: ${line}`);
    return Object.fromEntries(Object.entries(parsed));
  });
}

describe('the logger', () => {
  it('redacts credentials and URLs by field, and stamps lines with the request id in scope', () => {
    const written: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        written.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    const log = createLog({ level: 'debug', destination });
    const feedUrl = 'https://calendar.example.org/feed.ics?token=feed-secret-1';
    const invalidUrl = Object.assign(new TypeError('Invalid URL'), { input: feedUrl });
    log('outside any request');
    withRequestId(() => {
      log('Feed could not be read', new Error('wrapped', { cause: invalidUrl }));
      log.event('Request refused', {
        headers: { authorization: 'Bearer secret-token-1' },
        feedUrl,
      });
    });

    const lines = parseLines(written);
    expect(lines.map((line) => line.msg)).toEqual([
      'outside any request',
      'Feed could not be read',
      'Request refused',
    ]);
    expect(lines[0]).not.toHaveProperty('requestId');
    expect(lines[1]?.requestId).toMatch(uuid);
    expect(lines[2]?.requestId).toBe(lines[1]?.requestId);
    expect(lines[2]).toMatchObject({
      headers: { authorization: '[redacted]' },
      feedUrl: '[redacted]',
    });
    expect(written.join('\n')).not.toMatch(/feed-secret|secret-token/);
  });
});

for (const engineCase of sharedEngineCases())
  describe('logs of an API process and a worker process', () => {
    const closers: (() => Promise<void>)[] = [];
    let api: TestApi & LobbyProcess;
    let worker: LobbyProcess;
    let scenario: LobbyScenario;
    beforeAll(async () => {
      const { engines, feeds } = await openProcessEngines(engineCase, closers);
      const environment = { NODE_ENV: 'production', CALENDAR_FETCH_ALLOWED_HOSTS: feeds.host };
      worker = await startWorkerProcess(engines, environment);
      closers.unshift(() => worker.stop());
      api = await startApiProcess(engines, environment);
      closers.unshift(() => api.stop());
      // A sync of a feed URL with a token (run by the worker) and a meeting (through the API).
      scenario = await seedLobbyScenario(api.gql, feeds);
      // Authenticated requests that fail: a revoked-looking key, and a forbidden mutation.
      await api.gql(
        '{ viewer { user { id } } }',
        {},
        { token: 'lobby_not-a-key-0123456789abcdef' },
      );
      await api.gql(
        'mutation ($id: ID!) { endMeeting(meetingId: $id) { __typename } }',
        { id: scenario.liveMeetingId },
        { token: scenario.tokens.other },
      );
      // Stopped, so that every line is written.
      await api.stop();
      await worker.stop();
    }, 120_000);
    afterAll(async () => {
      for (const close of closers) await close();
    });

    it('writes JSON lines only', () => {
      for (const line of parseLines([...api.output, ...worker.output])) {
        expect(typeof line.level).toBe('number');
        expect(typeof line.time).toBe('number');
        expect(typeof line.msg).toBe('string');
      }
    });

    it("carries the job's request id into the sync run's line, the request's into the meeting's", () => {
      const syncLines = parseLines(worker.output).filter(
        (line) => line.msg === 'Calendar sync run finished',
      );
      expect(syncLines).toEqual([
        objectContaining({
          runId: databaseId(scenario.syncRunId),
          roomId: databaseId(scenario.sharedRoom.id),
          outcome: 'SUCCEEDED',
          requestId: stringMatching(uuid),
        }),
      ]);
      const opened = parseLines(api.output).filter((line) => line.msg === 'Meeting opened');
      expect(opened).toEqual([
        objectContaining({
          meetingId: databaseId(scenario.liveMeetingId),
          origin: 'adhoc',
          requestId: stringMatching(uuid),
        }),
      ]);
    });

    it('never writes a credential or a feed URL', () => {
      const everything = [...api.output, ...worker.output].join('\n');
      const secrets = [
        'feed-secret-',
        scenario.feedUrl,
        ...Object.values(scenario.tokens).filter((token) => token !== undefined),
        'lobby_not-a-key',
      ];
      for (const secret of secrets) expect(everything).not.toContain(secret);
    });
  });
