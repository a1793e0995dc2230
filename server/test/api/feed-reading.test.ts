// Issue 12.3: feeds are read in a worker thread with a wall-clock limit, so a feed that is slow to
// read fails as PARSE_FAILED while the API goes on answering everyone else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, pick, waitUntil } from '../support/api-client.js';
import { createRoomAs, signTestJwt, uniqueRoomName } from '../support/api-seed.js';
import { startInProcessApi, type InProcessApi } from '../support/api-server.js';
import { createFeedReader } from '../../src/adapters/feed-reader/index.js';
import { databaseEngines, type TestDatabase } from '../support/database.js';
import { largeFeed } from '../support/ics-builder.js';
import { startIcsServer, type IcsServer } from '../support/ics-server.js';
import { type Engines, inProcessEngines } from '../support/engines.js';

const SLOW_FEED_PATH = '/slow.ics';

const inspectQuery = `query ($roomId: ID!, $url: String!) {
  inspectCalendarFeed(roomId: $roomId, url: $url) {
    __typename
    ... on FeedUnreadableError { code message }
  }
}`;

for (const { engine, open } of databaseEngines())
  describe(`feed reading off the main thread on ${engine}`, () => {
    let state:
      { database: TestDatabase; engines: Engines; feeds: IcsServer; api: InProcessApi } | undefined;
    const reader = createFeedReader({ timeoutSeconds: 2 });
    let readsStarted = 0;
    beforeAll(async () => {
      const database = await open();
      const engines = inProcessEngines(() => undefined);
      const feeds = await startIcsServer();
      // About 4 MB: reading it takes seconds (more than the limit) on any machine.
      feeds.serve(SLOW_FEED_PATH, { kind: 'feed', body: largeFeed(15_000, 'lobby.test', 10) });
      const api = await startInProcessApi({
        database,
        engines,
        environment: { CALENDAR_FETCH_ALLOWED_HOSTS: feeds.authority },
        // The real reader, counting the reads it was asked for.
        feedReader: {
          read(text, options) {
            readsStarted += 1;
            return reader.read(text, options);
          },
          close: () => reader.close(),
        },
      });
      state = { database, engines, feeds, api };
    });
    afterAll(async () => {
      await reader.close();
      if (state === undefined) return;
      await state.api.close();
      await state.engines.close();
      await state.feeds.close();
      await state.database.drop();
    });
    const current = () => {
      if (state === undefined) throw new Error('The suite did not start');
      return state;
    };

    it('fails the inspection of a feed slower than the limit, answering others meanwhile', async () => {
      const { api, feeds } = current();
      const token = await signTestJwt({ subject: 'slow-feed-manager' });
      const room = await createRoomAs(api.gql, token, { name: uniqueRoomName() });
      let inspectionAnswered = false;
      const inspection = api
        .gql(inspectQuery, { roomId: room.id, url: feeds.url(SLOW_FEED_PATH) }, { token })
        .finally(() => {
          inspectionAnswered = true;
        });
      await waitUntil('the feed is being read', () => Promise.resolve(readsStarted === 1));

      // Requests one after another: were the read blocking this process, the first would only be
      // answered after the inspection, and the next ones would find it answered.
      for (let request = 0; request < 3; request += 1) {
        const meanwhile = await api.gql('{ serverTime }');
        expect(pick(dataOf(meanwhile), 'serverTime')).toEqual(expect.any(String));
      }
      expect(inspectionAnswered).toBe(false);
      expect(pick(dataOf(await inspection), 'inspectCalendarFeed')).toEqual({
        __typename: 'FeedUnreadableError',
        code: 'PARSE_FAILED',
        message: 'The feed took too long to read (more than 2 s)',
      });
    }, 60_000);
  });
