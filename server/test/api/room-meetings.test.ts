// A room's own meetings through the API (issue 13): `Room.meeting(id)` finds a meeting only under
// its own room, and `Room.meetingHistory` pages a room's ended meetings for its managers.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dataOf, pick } from '../support/api-client.js';
import { useLobbyApi } from '../support/api-context.js';
import type { Actor } from '../support/api-seed.js';
import { databaseEngines } from '../support/database.js';

const roomMeetingQuery = `query ($name: String!, $id: ID!) {
  room(name: $name) { meeting(id: $id) { id status room { name } } }
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
  });
