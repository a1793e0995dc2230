// The lobby query (DESIGN §6): `room(name) { meetings }` is served from the API's shared lobby, yet
// shows every change once the mutation that made it has returned through the same API, and a
// change made through another API process soon after; `generatedAt` is the time of the query.
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { dataOf, pick, pickArray, pickString, waitUntil, type Gql } from '../support/api-client.js';
import { anyString } from '../support/api-matchers.js';
import { sharedEngineCases, useApiProcesses, useLobbyApi } from '../support/api-context.js';
import {
  createRoomAs,
  joinMeetingAs,
  startMeetingAs,
  uniqueRoomName,
  type LobbyScenario,
} from '../support/api-seed.js';
import type { TestApi } from '../support/api-server.js';
import { databaseEngines } from '../support/database.js';
import { engineSetCases } from '../support/engines.js';

const lobbyQuery = `query ($name: String!) {
  room(name: $name) {
    id
    timezone
    meetings { live { id participantCount } upcoming { id } generatedAt }
  }
}`;

type LiveMeeting = { id: string; participantCount: number };

/** What the lobby query shows of a room; null once there is no room of that name. */
type LobbyView = { id: string; timezone: string; live: LiveMeeting[]; upcoming: string[] } | null;

const queryLobby = async (gql: Gql, name: string) => dataOf(await gql(lobbyQuery, { name }));

/** The response `view` stands for, `generatedAt` being any timestamp. */
function responseOf(view: LobbyView): unknown {
  if (view === null) return { room: null };
  const { id, timezone, live, upcoming } = view;
  return {
    room: {
      id,
      timezone,
      meetings: {
        live,
        upcoming: upcoming.map((meetingId) => ({ id: meetingId })),
        generatedAt: anyString,
      },
    },
  };
}

function viewOf(data: unknown): LobbyView {
  const room = pick(data, 'room');
  if (room === null) return null;
  return {
    id: pickString(room, 'id'),
    timezone: pickString(room, 'timezone'),
    live: pickArray(room, 'meetings', 'live').map((meeting) => ({
      id: pickString(meeting, 'id'),
      participantCount: Number(pick(meeting, 'participantCount')),
    })),
    upcoming: pickArray(room, 'meetings', 'upcoming').map((meeting) => pickString(meeting, 'id')),
  };
}

async function mutate(
  gql: Gql,
  token: string | undefined,
  query: string,
  variables: Record<string, unknown>,
): Promise<unknown> {
  return dataOf(await gql(query, variables, { token }));
}

const leaveMeeting = (gql: Gql, sessionId: string) =>
  mutate(gql, undefined, 'mutation ($id: ID!) { leaveMeeting(sessionId: $id) { __typename } }', {
    id: sessionId,
  });

const endMeeting = (gql: Gql, token: string | undefined, meetingId: string) =>
  mutate(gql, token, 'mutation ($id: ID!) { endMeeting(meetingId: $id) { __typename } }', {
    id: meetingId,
  });

const updateTimezone = (gql: Gql, token: string | undefined, roomId: string, timezone: string) =>
  mutate(
    gql,
    token,
    `mutation ($input: UpdateRoomInput!) {
      updateRoom(input: $input) { __typename ... on Error { message } }
    }`,
    { input: { id: roomId, timezone } },
  );

const deleteRoom = (gql: Gql, token: string | undefined, roomId: string) =>
  mutate(
    gql,
    token,
    'mutation ($id: ID!) { deleteRoom(id: $id) { __typename ... on Error { message } } }',
    { id: roomId },
  );

/** Who changes the lobby, who is asked for it, and how to tell that the asked one shows a view. */
type Topology = {
  writer: TestApi;
  scenario: LobbyScenario;
  /** Asks the reader(s) for the lobby, so the next change finds it served and shared. */
  warm: (name: string) => Promise<void>;
  /** Resolves once the reader(s) show `view`; fails if the reader of the same process does not yet. */
  shows: (name: string, view: LobbyView) => Promise<void>;
};

function lobbyQueryCases(topology: () => Topology) {
  it('shows each change to a room and its meetings as soon as the mutation returned', async () => {
    const { writer, scenario, warm, shows } = topology();
    const { owner, participant } = scenario.tokens;
    const name = uniqueRoomName('query');
    const room = await createRoomAs(writer.gql, owner, { name });
    let view: LobbyView = { id: room.id, timezone: 'UTC', live: [], upcoming: [] };
    await shows(name, view);

    await warm(name);
    const meetingId = await startMeetingAs(writer.gql, undefined, name);
    view = { ...view, live: [{ id: meetingId, participantCount: 0 }] };
    await shows(name, view);

    await warm(name);
    const sessionId = await joinMeetingAs(writer.gql, participant, meetingId, 'Pat');
    view = { ...view, live: [{ id: meetingId, participantCount: 1 }] };
    await shows(name, view);

    await warm(name);
    expect(await leaveMeeting(writer.gql, sessionId)).toEqual({
      leaveMeeting: { __typename: 'LeaveMeetingSuccess' },
    });
    view = { ...view, live: [{ id: meetingId, participantCount: 0 }] };
    await shows(name, view);

    await warm(name);
    expect(await endMeeting(writer.gql, owner, meetingId)).toEqual({
      endMeeting: { __typename: 'EndMeetingSuccess' },
    });
    view = { ...view, live: [] };
    await shows(name, view);

    await warm(name);
    expect(await updateTimezone(writer.gql, owner, room.id, 'Europe/Berlin')).toEqual({
      updateRoom: { __typename: 'UpdateRoomSuccess' },
    });
    view = { ...view, timezone: 'Europe/Berlin' };
    await shows(name, view);

    await warm(name);
    expect(await deleteRoom(writer.gql, owner, room.id)).toEqual({
      deleteRoom: { __typename: 'DeleteRoomSuccess' },
    });
    await shows(name, null);

    await warm(name);
    const successor = await createRoomAs(writer.gql, owner, { name });
    expect(successor.id).not.toBe(room.id);
    await shows(name, { id: successor.id, timezone: 'UTC', live: [], upcoming: [] });
  });
}

const pglite = databaseEngines().filter(({ engine }) => engine === 'pglite');

// Plain titles (`on redis`, not `on 'redis'`): CI looks for the engine's name.
for (const { open } of pglite)
  for (const engineCase of engineSetCases())
    describe(`the lobby query in one API process on ${engineCase.engine}`, () => {
      const context = useLobbyApi({ open, engineCase });

      lobbyQueryCases(() => ({
        writer: context.api,
        scenario: context.scenario,
        async warm(name) {
          await queryLobby(context.api.gql, name);
          // Served from the shared lobby from now on: asking again loads nothing.
          const loads = context.api.loadCount();
          await queryLobby(context.api.gql, name);
          expect(context.api.loadCount()).toBe(loads);
        },
        async shows(name, view) {
          expect(await queryLobby(context.api.gql, name)).toEqual(responseOf(view));
        },
      }));

      it('stamps the lobby with the time of the query, not that of the load it shares', async () => {
        const { api, scenario } = context;
        const room = await createRoomAs(api.gql, scenario.tokens.owner, {
          name: uniqueRoomName('stamp'),
        });
        const first = await queryLobby(api.gql, room.name);
        const loads = api.loadCount();
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        const askedAtMs = Date.now();
        const second = await queryLobby(api.gql, room.name);

        expect(api.loadCount()).toBe(loads);
        expect(viewOf(second)).toEqual(viewOf(first));
        const firstAtMs = Date.parse(pickString(first, 'room', 'meetings', 'generatedAt'));
        const secondAtMs = Date.parse(pickString(second, 'room', 'meetings', 'generatedAt'));
        expect(secondAtMs).toBeGreaterThan(firstAtMs);
        // The API runs in this process, on this clock.
        expect(secondAtMs).toBeGreaterThanOrEqual(askedAtMs);
      });
    });

for (const engines of sharedEngineCases())
  describe('the lobby query across two API processes and a worker on postgres and redis', () => {
    const processes = useApiProcesses(engines);
    lobbyQueryCases(() => {
      const { writer, reader, scenario } = processes();
      return {
        writer,
        scenario,
        async warm(name) {
          // Both processes serve the lobby before the change: neither may answer from it after.
          await queryLobby(writer.gql, name);
          await queryLobby(reader.gql, name);
        },
        async shows(name, view) {
          // The writer's own change reached its lobby before its mutation returned.
          expect(await queryLobby(writer.gql, name)).toEqual(responseOf(view));
          await waitUntil(`the other API shows ${JSON.stringify(view)}`, async () =>
            isDeepStrictEqual(viewOf(await queryLobby(reader.gql, name)), view),
          );
          expect(await queryLobby(reader.gql, name)).toEqual(responseOf(view));
        },
      };
    });
  });
