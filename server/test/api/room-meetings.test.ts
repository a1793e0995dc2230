// A room's own meetings through the API (issue 13): `Room.meeting(id)` finds a meeting only under
// its own room, and `Room.meetingHistory` pages a room's ended meetings for its managers.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dataOf, pick, pickArray, pickString } from '../support/api-client.js';
import { anyString } from '../support/api-matchers.js';
import { useLobbyApi } from '../support/api-context.js';
import {
  createRoomAs,
  joinMeetingAs,
  startMeetingAs,
  uniqueRoomName,
  type Actor,
} from '../support/api-seed.js';
import { databaseEngines } from '../support/database.js';

const roomMeetingQuery = `query ($name: String!, $id: ID!) {
  room(name: $name) { meeting(id: $id) { id status room { name } } }
}`;

const historyQuery = `query ($name: String!, $first: Int, $after: String, $last: Int, $before: String) {
  room(name: $name) {
    meetingHistory(first: $first, after: $after, last: $last, before: $before) {
      edges {
        cursor
        node {
          id status endReason startedAt endedAt
          attendance { sessionCount sessions { displayName joinedAt leftAt } }
        }
      }
      pageInfo { hasNextPage hasPreviousPage endCursor }
    }
  }
}`;

const globalId = (typename: string, id: string) =>
  Buffer.from(`${typename}:${id}`).toString('base64');

// Plain titles (`on postgres`, not `on 'postgres'`): CI looks for the engine's name.
for (const { engine, open } of databaseEngines())
  describe(`a room's meetings through the API on ${engine}`, () => {
    const context = useLobbyApi({ open });
    const query = async (text: string, variables: Record<string, unknown>, actor: Actor) =>
      dataOf(await context.api.gql(text, variables, { token: context.scenario.tokens[actor] }));

    describe('Room.meeting(id)', () => {
      const meetingIn = async (roomName: string, id: string, actor: Actor = 'anonymous') =>
        pick(await query(roomMeetingQuery, { name: roomName, id }, actor), 'room', 'meeting');

      it("finds a meeting under its own room, for anyone with the room's link", async () => {
        const { sharedRoom, liveMeetingId } = context.scenario;
        expect(await meetingIn(sharedRoom.name, liveMeetingId)).toEqual({
          id: liveMeetingId,
          status: 'OPEN',
          room: { name: sharedRoom.name },
        });
      });

      it("answers null for another room's meeting, whoever asks", async () => {
        const { otherRoom, privateRoom, liveMeetingId } = context.scenario;
        for (const actor of ['anonymous', 'other', 'owner', 'admin'] as const) {
          expect(await meetingIn(otherRoom.name, liveMeetingId, actor)).toBeNull();
          expect(await meetingIn(privateRoom.name, liveMeetingId, actor)).toBeNull();
        }
      });

      it('answers null for an id that names no meeting, without an error', async () => {
        const { sharedRoom } = context.scenario;
        for (const id of [globalId('Meeting', randomUUID()), sharedRoom.id, 'not-an-id']) {
          expect(await meetingIn(sharedRoom.name, id)).toBeNull();
        }
      });
    });

    describe('Room.meetingHistory', () => {
      type Page = { first?: number; after?: string; last?: number; before?: string };
      const historyOf = async (roomName: string, actor: Actor, page: Page = {}) =>
        pick(
          await query(historyQuery, { name: roomName, ...page }, actor),
          'room',
          'meetingHistory',
        );
      const idsOf = (history: unknown) =>
        pickArray(history, 'edges').map((edge) => pickString(edge, 'node', 'id'));

      const mutate = (text: string, variables: Record<string, unknown>, actor: Actor) =>
        query(text, variables, actor);
      const endMeeting = (meetingId: string) =>
        mutate(
          'mutation ($id: ID!) { endMeeting(meetingId: $id) { __typename } }',
          { id: meetingId },
          'owner',
        );

      /** A room with three meetings ended one after the other (the second attended), and one open. */
      async function seedPastMeetings() {
        const { api, scenario } = context;
        const name = uniqueRoomName('history');
        await createRoomAs(api.gql, scenario.tokens.owner, { name });
        const ended: string[] = [];
        for (let index = 0; index < 3; index += 1) {
          const meetingId = await startMeetingAs(api.gql, undefined, name);
          if (index === 1) {
            const sessionId = await joinMeetingAs(api.gql, undefined, meetingId, 'Pat');
            await mutate(
              'mutation ($id: ID!) { leaveMeeting(sessionId: $id) { __typename } }',
              { id: sessionId },
              'anonymous',
            );
          }
          await endMeeting(meetingId);
          ended.push(meetingId);
        }
        // An open meeting, which the history must leave out.
        await startMeetingAs(api.gql, undefined, name);
        const [first, attended, last] = ended;
        if (first === undefined || attended === undefined || last === undefined) {
          throw new Error('Three meetings were not made');
        }
        return { name, first, attended, last };
      }
      // One room for the suite: meeting starts are rate-limited per caller's address.
      let pastMeetings: ReturnType<typeof seedPastMeetings> | undefined;
      const roomWithPastMeetings = () => (pastMeetings ??= seedPastMeetings());

      it('lists ended meetings, the most recently ended first, with their attendance', async () => {
        const { name, first, attended, last } = await roomWithPastMeetings();
        const history = await historyOf(name, 'owner');
        expect(idsOf(history)).toEqual([last, attended, first]);
        const nodes = pickArray(history, 'edges').map((edge) => pick(edge, 'node'));
        expect(nodes).toEqual([
          {
            id: last,
            status: 'ENDED',
            endReason: 'ENDED_BY_MANAGER',
            startedAt: null,
            endedAt: anyString,
            attendance: { sessionCount: 0, sessions: [] },
          },
          {
            id: attended,
            status: 'ENDED',
            endReason: 'ENDED_BY_MANAGER',
            startedAt: anyString,
            endedAt: anyString,
            attendance: {
              sessionCount: 1,
              sessions: [{ displayName: 'Pat', joinedAt: anyString, leftAt: anyString }],
            },
          },
          expect.objectContaining({ id: first, startedAt: null }),
        ]);
        const endedAt = nodes.map((node) => Date.parse(pickString(node, 'endedAt')));
        expect(endedAt).toEqual([...endedAt].sort((a, b) => b - a));
      });

      it('pages forwards and backwards without repeating or skipping a meeting', async () => {
        const { name, first, attended, last } = await roomWithPastMeetings();
        const firstPage = await historyOf(name, 'owner', { first: 2 });
        expect(idsOf(firstPage)).toEqual([last, attended]);
        expect(pick(firstPage, 'pageInfo', 'hasNextPage')).toBe(true);

        const after = pickString(firstPage, 'pageInfo', 'endCursor');
        const secondPage = await historyOf(name, 'owner', { first: 2, after });
        expect(idsOf(secondPage)).toEqual([first]);
        expect(pick(secondPage, 'pageInfo')).toMatchObject({
          hasNextPage: false,
          hasPreviousPage: true,
        });

        const lastTwo = await historyOf(name, 'owner', { last: 2 });
        expect(idsOf(lastTwo)).toEqual([attended, first]);
        const [firstEdge] = pickArray(lastTwo, 'edges');
        const before = pickString(firstEdge, 'cursor');
        expect(idsOf(await historyOf(name, 'owner', { last: 5, before }))).toEqual([last]);
      });

      it("is the room's managers' only: others get null, and no meeting's attendance", async () => {
        const { name, attended } = await roomWithPastMeetings();
        for (const actor of ['owner', 'readKey', 'admin'] as const) {
          expect(idsOf(await historyOf(name, actor))).toHaveLength(3);
        }
        for (const actor of ['anonymous', 'participant', 'other'] as const) {
          expect(await historyOf(name, actor)).toBeNull();
          const meeting = pick(
            await query(
              `query ($name: String!, $id: ID!) {
                room(name: $name) { meeting(id: $id) { id attendance { sessionCount } } }
              }`,
              { name, id: attended },
              actor,
            ),
            'room',
            'meeting',
          );
          expect(meeting).toEqual({ id: attended, attendance: null });
        }
      });

      it('refuses a cursor that does not come from it, as bad input', async () => {
        const { name } = await roomWithPastMeetings();
        const response = await context.api.gql(
          historyQuery,
          { name, first: 2, after: 'not-a-cursor' },
          { token: context.scenario.tokens.owner },
        );
        expect(response.errors).toMatchObject([
          { message: anyString, extensions: { code: 'BAD_USER_INPUT' } },
        ]);
      });
    });
  });
