// Abuse limits (DESIGN §5): depth, aliases, directives, tokens and cost are refused before any
// resolver runs; browsers cannot post forms to the API; unexpected errors are masked in production.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, pick, recordSubscription } from '../support/api-client.js';
import { objectContaining, stringMatching } from '../support/api-matchers.js';
import { uniqueRoomName } from '../support/api-seed.js';
import { startInProcessApi, type InProcessApi } from '../support/api-server.js';
import { useBareApi } from '../support/api-context.js';
import { databaseEngines, type TestDatabase } from '../support/database.js';
import { type Engines, inProcessEngines } from '../support/engines.js';

/** `room { meetings { live { room { … } } } }`, `levels` meetings deep. */
function nestedLobbyQuery(levels: number): string {
  let selection = 'id';
  for (let level = 0; level < levels; level += 1) {
    selection = `room { meetings { live { ${selection} } } }`;
  }
  return `query { room(name: "any") { meetings { live { ${selection} } } } }`;
}

const aliases = (count: number) =>
  `{ ${Array.from({ length: count }, (_, index) => `at${index}: serverTime`).join(' ')} }`;

// Plain titles (`on postgres`, not `on 'postgres'`): CI looks for the engine's name.
for (const { engine, open } of databaseEngines())
  describe(`API limits on ${engine}`, () => {
    const suite = useBareApi(open);

    it.each([
      { limit: 'depth', query: nestedLobbyQuery(3), allowed: nestedLobbyQuery(1) },
      { limit: 'aliases', query: aliases(16), allowed: aliases(15) },
      {
        limit: 'directives',
        query: `{ ${'__typename @include(if: true) '.repeat(21)} }`,
        allowed: `{ ${'__typename @include(if: true) '.repeat(20)} }`,
      },
      {
        limit: 'tokens',
        query: `{ serverTime ${'__typename '.repeat(3000)} }`,
        allowed: `{ serverTime ${'__typename '.repeat(100)} }`,
      },
      {
        limit: 'cost',
        query: '{ rooms(first: 1000) { edges { node { name meetings { live { id } } } } } }',
        allowed: '{ rooms(first: 20) { edges { node { name meetings { live { id } } } } } }',
      },
    ])(
      'refuses a query beyond the $limit limit, with no data',
      async ({ limit, query, allowed }) => {
        const refused = await suite.api.gql(query);
        expect(refused.data).toBeUndefined();
        expect(refused.errors?.map(({ message }) => message)).toEqual([
          stringMatching(
            new RegExp(`${limit === 'tokens' ? 'token' : limit}.*(limit|exceeded)`, 'i'),
          ),
        ]);
        expect(dataOf(await suite.api.gql(allowed))).toBeDefined();
      },
    );

    it('refuses the same limits on subscriptions over WebSocket', async () => {
      const subscription = recordSubscription(suite.api.webSocketUrl, {
        query: `subscription { roomMeetings(roomName: "any") { ${aliases(16).slice(1, -1)} } }`,
      });
      try {
        await subscription.waitForEnd();
        expect(subscription.emissions).toEqual([]);
        expect(subscription.ended.error).toEqual([
          objectContaining({
            message: 'Syntax Error: Aliases limit of 15 exceeded, found 16.',
          }),
        ]);
      } finally {
        await subscription.close();
      }
    });

    it('refuses form posts and text bodies, which browsers send cross-site without asking', async () => {
      const mutation = `mutation { createRoom(input: { name: "${uniqueRoomName()}" }) { __typename } }`;
      for (const [contentType, body] of [
        ['application/x-www-form-urlencoded', new URLSearchParams({ query: mutation }).toString()],
        ['text/plain', JSON.stringify({ query: mutation })],
        [
          'multipart/form-data; boundary=x',
          `--x\r\nContent-Disposition: form-data; name="query"\r\n\r\n${mutation}\r\n--x--`,
        ],
      ] as const) {
        const response = await fetch(suite.api.graphqlUrl, {
          method: 'POST',
          headers: { 'content-type': contentType },
          body,
        });
        expect(response.status).toBe(415);
      }
      const viaGet = await fetch(`${suite.api.graphqlUrl}?query=${encodeURIComponent(mutation)}`, {
        headers: { accept: 'application/json' },
      });
      expect(viaGet.status).toBe(405);
    });
  });

describe('API error masking in production on pglite', () => {
  let database: TestDatabase;
  let engines: Engines;
  let production: InProcessApi;
  let development: InProcessApi;
  let databaseClosed = false;
  const [pglite] = databaseEngines();
  beforeAll(async () => {
    if (pglite === undefined) throw new Error('PGlite is always available');
    database = await pglite.open();
    engines = inProcessEngines(() => undefined);
    production = await startInProcessApi({
      database,
      engines,
      environment: { NODE_ENV: 'production' },
    });
    development = await startInProcessApi({
      database,
      engines,
      environment: { NODE_ENV: 'development' },
    });
  });
  afterAll(async () => {
    await production.close();
    await development.close();
    await engines.close();
    if (!databaseClosed) await database.drop();
  });

  it('masks an unexpected failure in production, keeps user errors, and shows details in development', async () => {
    const lobby = '{ room(name: "any-room") { name } }';
    const userError = `mutation { startMeeting(roomName: "nowhere") { __typename ... on Error { message } } }`;
    expect(dataOf(await production.gql(lobby))).toEqual({ room: null });
    expect(dataOf(await production.gql(userError))).toEqual({
      startMeeting: { __typename: 'NotFoundError', message: 'There is no room named "nowhere".' },
    });
    // Ids of the wrong type, or not ids of ours at all, are the caller's mistake: said, not masked.
    const globalId = (text: string) => Buffer.from(text).toString('base64');
    for (const id of ['garbage', globalId('Room:not-a-uuid'), globalId('Meeting:1')]) {
      const wrongId = await production.gql(
        'mutation ($id: ID!) { deleteRoom(id: $id) { __typename } }',
        { id },
      );
      expect(pick(wrongId.errors, 0, 'extensions', 'code')).toBe('BAD_USER_INPUT');
      expect(pick(wrongId.errors, 0, 'message')).toMatch(/is not of type: Room/);
    }
    const unknownRoom = recordSubscription(production.webSocketUrl, {
      query: 'subscription { roomMeetings(roomName: "nowhere") { generatedAt } }',
    });
    try {
      const emission = await unknownRoom.waitFor(() => true);
      expect(emission.errors).toEqual([
        { message: 'No room named "nowhere"', extensions: { code: 'NOT_FOUND' } },
      ]);
    } finally {
      await unknownRoom.close();
    }

    // The database goes away: every query now fails in a way no user caused.
    await database.drop();
    databaseClosed = true;
    const masked = await production.gql(lobby);
    expect(masked.body).toEqual({
      data: { room: null },
      errors: [
        {
          message: 'Unexpected error.',
          locations: [{ line: 1, column: 3 }],
          path: ['room'],
          extensions: { code: 'INTERNAL_SERVER_ERROR' },
        },
      ],
    });
    const detailed = await development.gql(lobby);
    expect(pick(detailed.errors, 0, 'message')).toBe('Unexpected error.');
    expect(JSON.stringify(pick(detailed.errors, 0, 'extensions', 'originalError'))).toMatch(/\w/);
  });
});
