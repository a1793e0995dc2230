// Limits that follow list sizes (issue 11.4): the operation cost multiplies by what each list can
// return, nodes(ids) takes a bounded number of ids, Room.calendarEvents pages instead of stopping
// at 1,000 rows, and a WebSocket takes small messages and a bounded number of operations.
import { beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { MAX_NODES_PER_QUERY } from '../../src/graphql/builder.js';
import { MAX_OPERATION_COST } from '../../src/graphql/operation-cost.js';
import {
  MAX_OPERATIONS_PER_SOCKET,
  WEBSOCKET_MAX_PAYLOAD_BYTES,
} from '../../src/graphql/server.js';
import {
  dataOf,
  pick,
  pickArray,
  recordSubscription,
  webSocketClient,
} from '../support/api-client.js';
import { createRoomAs, uniqueRoomName } from '../support/api-seed.js';
import { testSecrets } from '../support/api-server.js';
import { useBareApi } from '../support/api-context.js';
import { databaseEngines } from '../support/database.js';

const admin = testSecrets.bootstrapAdminToken;
const costMessage = new RegExp(`cost limit of ${MAX_OPERATION_COST} exceeded`, 'i');

for (const { engine, open } of databaseEngines())
  describe(`limits that follow list sizes on ${engine}`, () => {
    const suite = useBareApi(open);
    let roomName: string;
    const eventCount = 1001;
    beforeAll(async () => {
      roomName = uniqueRoomName('paged');
      await createRoomAs(suite.api.gql, admin, { name: roomName, isShared: true });
      const room = await suite.database.prisma.room.findUniqueOrThrow({
        where: { name: roomName },
      });
      const firstStart = Date.parse('2026-12-01T08:00:00Z');
      await suite.database.prisma.calendarEvent.createMany({
        data: Array.from({ length: eventCount }, (_, index) => ({
          roomId: room.id,
          uid: `event-${index}`,
          title: `Event ${index}`,
          startsAt: new Date(firstStart + index * 60_000),
          endsAt: new Date(firstStart + index * 60_000 + 30 * 60_000),
          contentHash: `hash-${index}`,
        })),
      });
    });

    it.each([
      {
        chain: 'rooms → live meetings → room → live meetings',
        query:
          '{ rooms(first: 100) { edges { node { meetings { live { room { meetings { live { id title } } } } } } } } }',
      },
      {
        chain: 'calendarEvents → meeting → room → calendarEvents',
        query: `{ room(name: "any") { calendarEvents(first: 100) { edges { node { meeting { room {
          calendarEvents(first: 100) { edges { node { title startsAt } } } } } } } } } }`,
      },
    ])(
      'refuses a chain of lists whose sizes multiply ($chain), with no data',
      async ({ query }) => {
        const refused = await suite.api.gql(query);
        expect(refused.data).toBeUndefined();
        expect(refused.errors?.map(({ message }) => message)).toEqual([
          expect.stringMatching(costMessage),
        ]);
      },
    );

    it('charges a size given in a variable as it charges a literal one', async () => {
      const query = 'query ($size: Int) { rooms(first: $size) { edges { node { name } } } }';
      const refused = await suite.api.gql(query, { size: MAX_OPERATION_COST }, { token: admin });
      expect(refused.data).toBeUndefined();
      expect(pick(refused.errors, 0, 'extensions', 'code')).toBe('QUERY_TOO_COSTLY');
      expect(
        pickArray(
          dataOf(await suite.api.gql(query, { size: 5 }, { token: admin })),
          'rooms',
          'edges',
        ),
      ).not.toEqual([]);
    });

    it('refuses the same chain as a subscription over WebSocket', async () => {
      const subscription = recordSubscription(
        suite.api.webSocketUrl,
        {
          query: `subscription { roomMeetings(roomName: "any") { live { room {
            calendarEvents(first: 100) { edges { node { meeting { room {
              calendarEvents(first: 100) { edges { node { title } } } } } } } } } } } }`,
        },
        admin,
      );
      try {
        await subscription.waitForEnd();
        const messages = [
          ...subscription.emissions.flatMap(({ errors }) => errors ?? []),
          ...pickArray(subscription.ended, 'error'),
        ].map((error: unknown) => pick(error, 'message'));
        expect(messages).toEqual([expect.stringMatching(costMessage)]);
        expect(subscription.emissions.map(({ data }) => data ?? null)).toEqual(
          subscription.emissions.map(() => null),
        );
      } finally {
        await subscription.close();
      }
    });

    it(`refuses nodes(ids) with more than ${MAX_NODES_PER_QUERY} ids, as bad input`, async () => {
      const ids = (count: number) => Array.from({ length: count }, (_, index) => `id-${index}`);
      const query = 'query ($ids: [ID!]!) { nodes(ids: $ids) { id } }';
      const refused = await suite.api.gql(query, { ids: ids(MAX_NODES_PER_QUERY + 1) });
      expect(refused.data).toBeNull();
      expect(refused.errors).toEqual([
        expect.objectContaining({
          message: `nodes(ids) takes at most ${MAX_NODES_PER_QUERY} ids, not ${MAX_NODES_PER_QUERY + 1}`,
          extensions: { code: 'BAD_USER_INPUT' },
        }),
      ]);
      const allowed = await suite.api.gql(query, { ids: ids(MAX_NODES_PER_QUERY) });
      expect(pickArray(dataOf(allowed), 'nodes')).toHaveLength(MAX_NODES_PER_QUERY);
    });

    it(`pages through all ${eventCount} calendar events of a room, none lost`, async () => {
      const titles: unknown[] = [];
      let after: unknown = null;
      for (let page = 0; page < 20; page += 1) {
        const data = dataOf(
          await suite.api.gql(
            `query ($name: String!, $after: String) { room(name: $name) {
              calendarEvents(first: 100, after: $after) {
                edges { node { title } } pageInfo { hasNextPage endCursor } } } }`,
            { name: roomName, after },
          ),
        );
        titles.push(
          ...pickArray(data, 'room', 'calendarEvents', 'edges').map((edge) =>
            pick(edge, 'node', 'title'),
          ),
        );
        if (pick(data, 'room', 'calendarEvents', 'pageInfo', 'hasNextPage') !== true) break;
        after = pick(data, 'room', 'calendarEvents', 'pageInfo', 'endCursor');
      }
      expect(titles).toEqual(Array.from({ length: eventCount }, (_, index) => `Event ${index}`));
    });

    it('closes a WebSocket that sends a message over the size limit (1009)', async () => {
      const socket = new WebSocket(suite.api.webSocketUrl, 'graphql-transport-ws');
      const closed = new Promise<number>((resolve) => {
        socket.on('close', (code: number) => {
          resolve(code);
        });
      });
      await new Promise((resolve) => socket.on('open', resolve));
      socket.send(
        JSON.stringify({
          type: 'connection_init',
          payload: { padding: 'x'.repeat(WEBSOCKET_MAX_PAYLOAD_BYTES) },
        }),
      );
      expect(await closed).toBe(1009);
    });

    it(`runs at most ${MAX_OPERATIONS_PER_SOCKET} operations at once on one socket`, async () => {
      const client = webSocketClient(suite.api.webSocketUrl, admin);
      const outcomes: { id: number; firstData: Promise<unknown> }[] = [];
      const disposers: (() => void)[] = [];
      try {
        for (let id = 0; id <= MAX_OPERATIONS_PER_SOCKET; id += 1) {
          outcomes.push({
            id,
            firstData: new Promise((resolve) => {
              disposers.push(
                client.subscribe(
                  {
                    query: `subscription { roomMeetings(roomName: "${roomName}") { generatedAt } }`,
                  },
                  {
                    next: (result) => {
                      resolve(result.errors === undefined ? 'data' : result.errors);
                    },
                    error: (error: unknown) => {
                      resolve(error);
                    },
                    complete: () => undefined,
                  },
                ),
              );
            }),
          });
        }
        const results = await Promise.all(outcomes.map(({ firstData }) => firstData));
        expect(results.slice(0, MAX_OPERATIONS_PER_SOCKET)).toEqual(
          Array.from({ length: MAX_OPERATIONS_PER_SOCKET }, () => 'data'),
        );
        expect(results[MAX_OPERATIONS_PER_SOCKET]).toEqual([
          expect.objectContaining({
            message: `At most ${MAX_OPERATIONS_PER_SOCKET} operations may run at once on one socket`,
          }),
        ]);
      } finally {
        for (const dispose of disposers) dispose();
        await client.dispose();
      }
    });
  });
