// Quotas and rate limits at their defaults (issue 11.5): each one refuses with RateLimitedError
// and retryAfterSeconds, and the refused mutation changes nothing. The API trusts one proxy hop, so
// each test plays callers at addresses of its own through X-Forwarded-For, as Caddy would send it.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  dataOf,
  pick,
  type Gql,
  type GqlOptions,
  type GraphqlResponse,
} from '../support/api-client.js';
import { sharedEngineCases, useApiProcesses, useLobbyApi } from '../support/api-context.js';
import {
  createRoomAs,
  signTestJwt,
  startMeetingAs,
  uniqueRoomName,
  type SeededRoom,
} from '../support/api-seed.js';
import type { TestApi } from '../support/api-server.js';
import { databaseEngines } from '../support/database.js';
import { engineSetCases } from '../support/engines.js';

const outcome = '__typename ... on Error { message } ... on RateLimitedError { retryAfterSeconds }';

let addressCount = 0;

/** An address no other test uses (198.18.0.0/15 is for benchmarks, never a real caller). */
function freshAddress(): string {
  addressCount += 1;
  return `198.18.${addressCount >> 8}.${addressCount & 255}`;
}

/** What our one trusted proxy sends: whatever the caller wrote, then the peer it saw. */
function from(address: string, writtenByCaller?: string): GqlOptions {
  const forwarded = writtenByCaller === undefined ? address : `${writtenByCaller}, ${address}`;
  return { headers: { 'x-forwarded-for': forwarded } };
}

function freshUser(): Promise<string> {
  return signTestJwt({ subject: `limits-${randomBytes(4).toString('hex')}` });
}

/** The mutation's result was RateLimitedError, saying when to try again (within the window). */
function expectRateLimited(response: GraphqlResponse, field: string, counted: RegExp): void {
  const result = pick(dataOf(response), field);
  expect(result).toMatchObject({ __typename: 'RateLimitedError', message: counted });
  const retryAfterSeconds = pick(result, 'retryAfterSeconds');
  expect(retryAfterSeconds).toBeGreaterThanOrEqual(1);
  expect(retryAfterSeconds).toBeLessThanOrEqual(60);
}

function typenameOf(response: GraphqlResponse, field: string): unknown {
  return pick(dataOf(response), field, '__typename');
}

async function roomsOfUser(gql: Gql, token: string, count: number): Promise<SeededRoom[]> {
  const rooms = [];
  for (let index = 0; index < count; index += 1) {
    rooms.push(await createRoomAs(gql, token, { name: uniqueRoomName('quota') }));
  }
  return rooms;
}

// On PostgreSQL too: simultaneous creations only race where transactions run side by side.
for (const { engine, open } of databaseEngines())
  describe(`the room quota on ${engine}`, () => {
    const context = useLobbyApi({ open });
    const gql = (query: string, variables: Record<string, unknown>, options?: GqlOptions) =>
      context.api.gql(query, variables, options);
    const createRoom = (token: string, name: string) =>
      gql(
        `mutation ($input: CreateRoomInput!) { createRoom(input: $input) { ${outcome} } }`,
        { input: { name, isShared: true } },
        { token },
      );
    const roomExists = async (name: string) =>
      pick(
        dataOf(await gql('query ($name: String!) { room(name: $name) { name } }', { name })),
        'room',
      ) !== null;

    it('refuses a room past ROOMS_PER_USER_MAX (50), even to simultaneous creations, until one is deleted', async () => {
      const owner = await freshUser();
      const rooms = await roomsOfUser(context.api.gql, owner, 48);
      // Five at once for the last two places: the owner's row lock lets exactly two through.
      const names = Array.from({ length: 5 }, () => uniqueRoomName('race'));
      const raced = await Promise.all(names.map((name) => createRoom(owner, name)));
      const outcomes = raced.map((response) => typenameOf(response, 'createRoom'));
      expect(outcomes.filter((typename) => typename === 'CreateRoomSuccess')).toHaveLength(2);
      expect(outcomes.filter((typename) => typename === 'RateLimitedError')).toHaveLength(3);
      const refused = names.filter((_name, index) => outcomes[index] === 'RateLimitedError');
      for (const name of refused) expect(await roomExists(name)).toBe(false);

      const over = uniqueRoomName('over');
      expectRateLimited(await createRoom(owner, over), 'createRoom', /You own 50 rooms/);
      expect(await roomExists(over)).toBe(false);

      const [first] = rooms;
      if (first === undefined) throw new Error('The owner has rooms');
      const deleteRoom = 'mutation ($id: ID!) { deleteRoom(id: $id) { __typename } }';
      await gql(deleteRoom, { id: first.id }, { token: owner });
      expect(typenameOf(await createRoom(owner, over), 'createRoom')).toBe('CreateRoomSuccess');
    });
  });

const pglite = databaseEngines().filter(({ engine }) => engine === 'pglite');

// Plain titles (`on redis`, not `on 'redis'`): CI looks for the engine's name.
for (const { open } of pglite)
  for (const engineCase of engineSetCases())
    describe(`rate limits on ${engineCase.engine}`, () => {
      const context = useLobbyApi({ open, engineCase, environment: { TRUSTED_PROXY_HOPS: '1' } });
      const gql = (query: string, variables: Record<string, unknown>, options?: GqlOptions) =>
        context.api.gql(query, variables, options);

      const roomsOf = (token: string, count: number) => roomsOfUser(context.api.gql, token, count);
      const liveMeetings = async (roomName: string) =>
        pick(
          dataOf(
            await gql('query ($name: String!) { room(name: $name) { meetings { live { id } } } }', {
              name: roomName,
            }),
          ),
          'room',
          'meetings',
          'live',
        );

      it('refuses an 11th feed inspection in a minute per user, fetching nothing', async () => {
        const manager = await freshUser();
        const rooms = await roomsOf(manager, 11);
        const inspect = (room: { id: string; name: string }) =>
          gql(
            `query ($roomId: ID!, $url: String) { inspectCalendarFeed(roomId: $roomId, url: $url) { ${outcome} } }`,
            { roomId: room.id, url: context.feeds.urlFor(room.name) },
            { token: manager },
          );
        for (const room of rooms.slice(0, 10)) {
          expect(typenameOf(await inspect(room), 'inspectCalendarFeed')).toBe(
            'CalendarFeedInspection',
          );
        }
        const [last] = rooms.slice(10);
        if (last === undefined) throw new Error('Eleven rooms were made');
        expectRateLimited(await inspect(last), 'inspectCalendarFeed', /Too many feed inspections/);
        expect(context.feeds.requestsFor(last.name)).toBe(0);
      });

      it('refuses an 11th sync a user asks for in a minute (saving a feed, sync now), saving and fetching nothing', async () => {
        const manager = await freshUser();
        const rooms = await roomsOf(manager, 11);
        const setFeed = (room: { id: string; name: string }) =>
          gql(
            `mutation ($input: SetRoomCalendarInput!) { setRoomCalendar(input: $input) { ${outcome} } }`,
            { input: { roomId: room.id, url: context.feeds.urlFor(room.name), enabled: true } },
            { token: manager },
          );
        const syncsOf = async (name: string) =>
          pick(
            dataOf(
              await gql(
                'query ($name: String!) { room(name: $name) { calendar { url recentSyncs { id } } } }',
                { name },
                { token: manager },
              ),
            ),
            'room',
            'calendar',
          );
        for (const room of rooms.slice(0, 10)) {
          expect(typenameOf(await setFeed(room), 'setRoomCalendar')).toBe('SetRoomCalendarSuccess');
        }
        const [first] = rooms;
        const [last] = rooms.slice(10);
        if (first === undefined || last === undefined) throw new Error('Eleven rooms were made');
        expectRateLimited(await setFeed(last), 'setRoomCalendar', /Too many calendar syncs/);
        expect(await syncsOf(last.name)).toBeNull();
        expect(context.feeds.requestsFor(last.name)).toBe(0);

        const before = await syncsOf(first.name);
        const syncNow = await gql(
          `mutation ($roomId: ID!) { syncRoomCalendar(roomId: $roomId) { ${outcome} } }`,
          { roomId: first.id },
          { token: manager },
        );
        expectRateLimited(syncNow, 'syncRoomCalendar', /Too many calendar syncs/);
        expect(await syncsOf(first.name)).toEqual(before);
      });

      const startMeeting = (roomName: string, options: GqlOptions) =>
        gql(
          `mutation ($roomName: String!) { startMeeting(roomName: $roomName) { ${outcome} } }`,
          { roomName },
          options,
        );

      it('refuses an 11th meeting start in a minute from one address, starting nothing', async () => {
        const rooms = await roomsOf(await freshUser(), 11);
        const address = freshAddress();
        for (const room of rooms.slice(0, 10)) {
          expect(typenameOf(await startMeeting(room.name, from(address)), 'startMeeting')).toBe(
            'StartMeetingSuccess',
          );
        }
        const [last] = rooms.slice(10);
        if (last === undefined) throw new Error('Eleven rooms were made');
        expectRateLimited(
          await startMeeting(last.name, from(address)),
          'startMeeting',
          /Too many meeting starts from you/,
        );
        expect(await liveMeetings(last.name)).toEqual([]);
        // Another address is counted apart.
        expect(
          typenameOf(await startMeeting(last.name, from(freshAddress())), 'startMeeting'),
        ).toBe('StartMeetingSuccess');
      });

      it('refuses a 21st meeting start in a minute in one room, starting nothing', async () => {
        const owner = await freshUser();
        const [room] = await roomsOf(owner, 1);
        if (room === undefined) throw new Error('The room was made');
        let meetingId: unknown;
        for (let start = 0; start < 20; start += 1) {
          const started = await gql(
            `mutation ($roomName: String!) { startMeeting(roomName: $roomName) { ... on StartMeetingSuccess { meeting { id } } } }`,
            { roomName: room.name },
            from(freshAddress()),
          );
          meetingId = pick(dataOf(started), 'startMeeting', 'meeting', 'id');
        }
        await gql(
          'mutation ($id: ID!) { endMeeting(meetingId: $id) { __typename } }',
          { id: meetingId },
          { token: owner },
        );
        expectRateLimited(
          await startMeeting(room.name, from(freshAddress())),
          'startMeeting',
          /Too many meeting starts in this room/,
        );
        expect(await liveMeetings(room.name)).toEqual([]);
      });

      const joinMeeting = (meetingId: string, options: GqlOptions) =>
        gql(
          `mutation ($meetingId: ID!) { joinMeeting(meetingId: $meetingId, displayName: "Guest") { ${outcome} } }`,
          { meetingId },
          options,
        );
      const participantCount = async (meetingId: string) =>
        pick(
          dataOf(
            await gql(
              'query ($id: ID!) { node(id: $id) { ... on Meeting { participantCount } } }',
              {
                id: meetingId,
              },
            ),
          ),
          'node',
          'participantCount',
        );
      const liveMeetingOfNewRoom = async () => {
        const host = await freshUser();
        const [room] = await roomsOf(host, 1);
        if (room === undefined) throw new Error('The room was made');
        return startMeetingAs(context.api.gql, host, room.name);
      };

      it('refuses a 31st join in a minute from one address, whatever it writes in X-Forwarded-For, joining nobody', async () => {
        const meetingId = await liveMeetingOfNewRoom();
        const address = freshAddress();
        for (let join = 0; join < 30; join += 1) {
          // A caller's own X-Forwarded-For entries come before the proxy's, and count for nothing.
          const joined = await joinMeeting(meetingId, from(address, freshAddress()));
          expect(typenameOf(joined, 'joinMeeting')).toBe('JoinMeetingSuccess');
        }
        expectRateLimited(
          await joinMeeting(meetingId, from(address, freshAddress())),
          'joinMeeting',
          /Too many meeting joins from you/,
        );
        expect(await participantCount(meetingId)).toBe(30);
      });

      it('refuses a 101st join of one meeting in a minute, joining nobody', async () => {
        const meetingId = await liveMeetingOfNewRoom();
        for (let join = 0; join < 100; join += 1) {
          const joined = await joinMeeting(meetingId, from(freshAddress()));
          expect(typenameOf(joined, 'joinMeeting')).toBe('JoinMeetingSuccess');
        }
        expectRateLimited(
          await joinMeeting(meetingId, from(freshAddress())),
          'joinMeeting',
          /Too many joins of this meeting/,
        );
        expect(await participantCount(meetingId)).toBe(100);
      });
    });

// Plain titles (`on postgres and redis`): CI looks for the engines' names.
for (const engines of sharedEngineCases())
  describe('rate limits across two API processes on postgres and redis', () => {
    const processes = useApiProcesses(engines);

    it("counts one caller's meeting starts through both processes against one limit", async () => {
      const { writer, reader } = processes();
      const caller = await freshUser();
      const rooms = await roomsOfUser(writer.gql, caller, 11);
      const start = (api: TestApi, roomName: string) =>
        api.gql(
          `mutation ($roomName: String!) { startMeeting(roomName: $roomName) { ${outcome} } }`,
          { roomName },
          { token: caller },
        );
      for (const [index, room] of rooms.slice(0, 10).entries()) {
        const started = await start(index % 2 === 0 ? writer : reader, room.name);
        expect(typenameOf(started, 'startMeeting')).toBe('StartMeetingSuccess');
      }
      const [last] = rooms.slice(10);
      if (last === undefined) throw new Error('Eleven rooms were made');
      expectRateLimited(
        await start(reader, last.name),
        'startMeeting',
        /Too many meeting starts from you/,
      );
    });
  });
