// The permission matrix (DESIGN §1): every kind of caller against every restricted field, node(id),
// the rooms listing, subscriptions and the manage mutations, through the API alone.
import { describe, expect, it } from 'vitest';
import { dataOf, pick, pickArray, pickString, recordSubscription } from '../support/api-client.js';
import { useLobbyApi } from '../support/api-context.js';
import { actors, startMeetingAs, type Actor } from '../support/api-seed.js';
import { databaseEngines } from '../support/database.js';

/** Owner and admin read a room's secrets, with any credential; so do the owner's API keys. */
const readsAsManager: ReadonlySet<Actor> = new Set([
  'owner',
  'admin',
  'readKey',
  'writeKey',
  'adminKey',
]);
/** Changing the room needs a credential that may write, too. */
const manages: ReadonlySet<Actor> = new Set(['owner', 'admin', 'writeKey', 'adminKey']);
/** Participating needs no account, but a signed-in credential must be allowed to write. */
const participates: ReadonlySet<Actor> = new Set(actors.filter((actor) => actor !== 'readKey'));

type ListedRoom = 'shared' | 'private' | 'others';
const listedRooms: Record<Actor, ListedRoom[]> = {
  anonymous: [],
  participant: ['shared'],
  owner: ['shared', 'private'],
  other: ['shared', 'others'],
  admin: ['shared', 'private', 'others'],
  readKey: ['shared', 'private'],
  writeKey: ['shared', 'private'],
  adminKey: ['shared', 'private', 'others'],
};

const eventFields = `id description attendees { email name role participationStatus isOrganizer }`;

/** A global id as Pothos makes them: base64 of "Type:id". */
const globalId = (typename: string, id: string) =>
  Buffer.from(`${typename}:${id}`).toString('base64');
/** The database key inside a global id. */
const uuidOf = (id: string) => Buffer.from(id, 'base64').toString().split(':')[1] ?? '';
/** A well-formed key that no row has. */
const unknownUuid = '00000000-0000-4000-8000-000000000000';

// Plain titles (`on postgres`, not `on 'postgres'`): CI looks for the engine's name.
for (const { engine, open } of databaseEngines())
  describe(`API permission matrix on ${engine}`, () => {
    const context = useLobbyApi({ open });
    const gql = (query: string, variables: Record<string, unknown>, actor: Actor) =>
      context.api.gql(query, variables, { token: context.scenario.tokens[actor] });

    it.each(actors)('Room.calendar and its feed URL: only for managers (%s)', async (actor) => {
      const { scenario } = context;
      const data = dataOf(
        await gql(
          `query ($name: String!) {
          room(name: $name) {
            viewerCanManage
            calendar { url enabled syncIntervalMinutes lastSync { status } recentSyncs { id status } }
          }
        }`,
          { name: scenario.sharedRoom.name },
          actor,
        ),
      );
      expect(pick(data, 'room', 'viewerCanManage')).toBe(manages.has(actor));
      if (readsAsManager.has(actor)) {
        expect(pick(data, 'room', 'calendar')).toMatchObject({
          url: scenario.feedUrl,
          enabled: true,
          syncIntervalMinutes: 60,
          lastSync: { status: 'SUCCEEDED' },
        });
        expect(pickArray(data, 'room', 'calendar', 'recentSyncs')).toContainEqual({
          id: scenario.syncRunId,
          status: 'SUCCEEDED',
        });
      } else {
        expect(pick(data, 'room', 'calendar')).toBeNull();
      }
    });

    it.each(actors)(
      'CalendarEvent.description and attendees: only for managers, by room and by node (%s)',
      async (actor) => {
        const { scenario } = context;
        const data = dataOf(
          await gql(
            `query ($name: String!, $eventId: ID!) {
            room(name: $name) { calendarEvents { edges { node { title ${eventFields} } } } }
            node(id: $eventId) { ... on CalendarEvent { ${eventFields} } }
          }`,
            { name: scenario.sharedRoom.name, eventId: scenario.event.id },
            actor,
          ),
        );
        const expected = readsAsManager.has(actor)
          ? {
              id: scenario.event.id,
              description: scenario.event.description,
              attendees: [
                {
                  ...scenario.event.organizer,
                  role: null,
                  participationStatus: null,
                  isOrganizer: true,
                },
                ...scenario.event.attendees.map(({ email, name }) => ({
                  email,
                  name,
                  role: 'REQ-PARTICIPANT',
                  participationStatus: 'ACCEPTED',
                  isOrganizer: false,
                })),
              ],
            }
          : { id: scenario.event.id, description: null, attendees: null };
        // The title and the time are public: they are what the lobby shows everyone.
        expect(pickArray(data, 'room', 'calendarEvents', 'edges')).toEqual([
          { node: { title: scenario.event.title, ...expected } },
        ]);
        expect(pick(data, 'node')).toEqual(expected);
      },
    );

    const nodeCases = [
      { kind: 'CalendarSyncRun', id: () => context.scenario.syncRunId },
      { kind: 'ApiKey', id: () => context.scenario.ownerReadKeyId },
      { kind: 'User', id: () => context.scenario.ownerUserId },
    ] as const;
    it.each(actors.flatMap((actor) => nodeCases.map((node) => ({ actor, ...node }))))(
      'node(id) of the owner’s $kind: only for the owner, their keys and admins ($actor)',
      async ({ actor, kind, id }) => {
        const response = await gql(
          `query ($id: ID!) { node(id: $id) { __typename id } }`,
          { id: id() },
          actor,
        );
        // Whole bodies: a refusal is a plain null, without an error telling that the object exists.
        expect(response.body).toEqual({
          data: { node: readsAsManager.has(actor) ? { __typename: kind, id: id() } : null },
        });
      },
    );

    // Ids that name nothing: answered exactly as an object the viewer may not read (DESIGN §1, §5).
    const namesNothing = [
      { kind: 'not base64 of "Type:id"', id: () => 'garbage' },
      { kind: 'an empty string', id: () => '' },
      { kind: 'a Room id that is no uuid', id: () => globalId('Room', 'not-a-uuid') },
      { kind: 'a Meeting id that is no uuid', id: () => globalId('Meeting', 'not-a-uuid') },
      { kind: 'an unknown type', id: () => globalId('Nope', '1') },
      { kind: 'the Query type', id: () => globalId('Query', '1') },
      {
        kind: 'an object type that is no Node',
        id: () => globalId('RoomCalendar', uuidOf(context.scenario.sharedRoom.id)),
      },
      { kind: 'no Room', id: () => globalId('Room', unknownUuid) },
      { kind: 'no Meeting', id: () => globalId('Meeting', unknownUuid) },
      { kind: 'no ApiKey', id: () => globalId('ApiKey', unknownUuid) },
    ] as const;
    it.each(actors.flatMap((actor) => namesNothing.map((node) => ({ actor, ...node }))))(
      'node(id) of $kind: null, without an error ($actor)',
      async ({ actor, id }) => {
        const response = await gql(
          `query ($id: ID!) { node(id: $id) { __typename id } }`,
          { id: id() },
          actor,
        );
        expect(response.body).toEqual({ data: { node: null } });
      },
    );

    it.each(actors)(
      'nodes(ids): each entry as node(id) answers it, in the order asked, without an error (%s)',
      async (actor) => {
        const { scenario } = context;
        const node = (__typename: string, id: string) => ({ __typename, id });
        const asked = [
          { id: scenario.sharedRoom.id, answer: node('Room', scenario.sharedRoom.id) },
          ...namesNothing.map(({ id }) => ({ id: id(), answer: null })),
          ...nodeCases.map(({ kind, id }) => ({
            id: id(),
            answer: readsAsManager.has(actor) ? node(kind, id()) : null,
          })),
          { id: scenario.liveMeetingId, answer: node('Meeting', scenario.liveMeetingId) },
        ];
        const response = await gql(
          `query ($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`,
          { ids: asked.map(({ id }) => id) },
          actor,
        );
        expect(response.body).toEqual({ data: { nodes: asked.map(({ answer }) => answer) } });
      },
    );

    it.each(actors)(
      'rooms lists shared rooms to the signed-in, private ones to their owner (%s)',
      async (actor) => {
        const { scenario } = context;
        const data = dataOf(
          await gql(`{ rooms(first: 100) { edges { node { name isShared } } } }`, {}, actor),
        );
        const names: Record<ListedRoom, string> = {
          shared: scenario.sharedRoom.name,
          private: scenario.privateRoom.name,
          others: scenario.otherRoom.name,
        };
        const listed = pickArray(data, 'rooms', 'edges').map((edge) =>
          pickString(edge, 'node', 'name'),
        );
        expect(listed.filter((name) => Object.values(names).includes(name)).sort()).toEqual(
          listedRooms[actor].map((room) => names[room]).sort(),
        );
      },
    );

    it.each(actors)(
      'a private room’s lobby is open to anyone with its link (%s)',
      async (actor) => {
        const { scenario } = context;
        const data = dataOf(
          await gql(
            `query ($name: String!) { room(name: $name) { name isShared calendar { url } meetings { live { id } upcoming { id } } } }`,
            { name: scenario.otherRoom.name },
            actor,
          ),
        );
        expect(pick(data, 'room')).toEqual({
          name: scenario.otherRoom.name,
          isShared: false,
          calendar: null,
          meetings: { live: [], upcoming: [] },
        });
      },
    );

    it.each(actors)(
      'manage mutations: only managers with a writing credential (%s)',
      async (actor) => {
        const { scenario } = context;
        const updated = await gql(
          `mutation ($input: UpdateRoomInput!) {
        updateRoom(input: $input) { __typename ... on UpdateRoomSuccess { room { gracePeriodMinutes } } ... on Error { message } }
      }`,
          { input: { id: scenario.sharedRoom.id, gracePeriodMinutes: 15 } },
          actor,
        );
        const synced = await gql(
          `mutation ($roomId: ID!) { syncRoomCalendar(roomId: $roomId) { __typename ... on Error { message } } }`,
          { roomId: scenario.otherRoom.id },
          actor,
        );
        // Each manager ends a meeting of its own, so every case starts from a live one.
        const meetingId = await startMeetingAs(
          context.api.gql,
          scenario.tokens.owner,
          scenario.privateRoom.name,
        );
        const ended = await gql(
          `mutation ($meetingId: ID!) {
        endMeeting(meetingId: $meetingId) { __typename ... on EndMeetingSuccess { meeting { status endReason } } ... on Error { message } }
      }`,
          { meetingId },
          actor,
        );
        if (manages.has(actor)) {
          expect(dataOf(updated)).toEqual({
            updateRoom: { __typename: 'UpdateRoomSuccess', room: { gracePeriodMinutes: 15 } },
          });
          expect(dataOf(ended)).toEqual({
            endMeeting: {
              __typename: 'EndMeetingSuccess',
              meeting: { status: 'ENDED', endReason: 'ENDED_BY_MANAGER' },
            },
          });
        } else {
          expect(pick(dataOf(updated), 'updateRoom', '__typename')).toBe('ForbiddenError');
          expect(pick(dataOf(ended), 'endMeeting', '__typename')).toBe('ForbiddenError');
          const meeting = dataOf(
            await gql(
              `query ($id: ID!) { node(id: $id) { ... on Meeting { status } } }`,
              { id: meetingId },
              'owner',
            ),
          );
          expect(pick(meeting, 'node', 'status')).toBe('OPEN');
        }
        // The other user's room: only they and admins manage it (its feed is unset, so they are told).
        expect(pick(dataOf(synced), 'syncRoomCalendar', '__typename')).toBe(
          ['other', 'admin', 'adminKey'].includes(actor) ? 'ValidationError' : 'ForbiddenError',
        );
      },
    );

    it.each(actors)(
      'startMeeting: anyone may participate, except read-only keys (%s)',
      async (actor) => {
        const { scenario } = context;
        const started = dataOf(
          await gql(
            `mutation ($roomName: String!) {
          startMeeting(roomName: $roomName) { __typename ... on StartMeetingSuccess { meeting { id } } ... on Error { message } }
        }`,
            { roomName: scenario.sharedRoom.name },
            actor,
          ),
        );
        expect(started).toEqual({
          startMeeting: participates.has(actor)
            ? { __typename: 'StartMeetingSuccess', meeting: { id: scenario.liveMeetingId } }
            : {
                __typename: 'ForbiddenError',
                message: 'This credential may only read: use a key with the WRITE scope',
              },
        });
      },
    );

    it('calendarSync subscription: managers get every run state, everyone else an error', async () => {
      const { scenario, api } = context;
      const subscriptions = actors.map((actor) => ({
        actor,
        subscription: recordSubscription(
          api.webSocketUrl,
          {
            query: `subscription ($roomId: ID!) { calendarSync(roomId: $roomId) { id status trigger } }`,
            variables: { roomId: scenario.sharedRoom.id },
          },
          scenario.tokens[actor],
        ),
      }));
      try {
        for (const { actor, subscription } of subscriptions) {
          if (!readsAsManager.has(actor)) {
            await subscription.waitForEnd();
            expect(subscription.emissions).toEqual([
              {
                data: undefined,
                errors: [
                  {
                    message: 'No such room, or you do not manage it',
                    extensions: { code: 'NOT_FOUND' },
                  },
                ],
              },
            ]);
          }
        }
        // Managers' subscriptions are open: a manual sync reaches every one of them.
        const started = dataOf(
          await gql(
            `mutation ($roomId: ID!) {
            syncRoomCalendar(roomId: $roomId) { __typename ... on SyncRoomCalendarSuccess { run { id } } ... on Error { message } }
          }`,
            { roomId: scenario.sharedRoom.id },
            'owner',
          ),
        );
        const runId = pickString(started, 'syncRoomCalendar', 'run', 'id');
        for (const { actor, subscription } of subscriptions) {
          if (readsAsManager.has(actor)) {
            await subscription.waitFor((emission) =>
              ['SUCCEEDED', 'UNCHANGED'].includes(
                String(pick(emission.data, 'calendarSync', 'status')),
              ),
            );
            expect(
              subscription.emissions.map((emission) => pick(emission.data, 'calendarSync', 'id')),
            ).toContain(runId);
            expect(subscription.ended.completed).toBe(false);
          }
        }
      } finally {
        await Promise.all(subscriptions.map(({ subscription }) => subscription.close()));
      }
    });

    it.each(actors)(
      'roomMeetings subscription: the same lobby for everyone, secrets only for managers (%s)',
      async (actor) => {
        const { scenario, api } = context;
        const subscription = recordSubscription(
          api.webSocketUrl,
          {
            query: `subscription ($roomName: String!) {
            roomMeetings(roomName: $roomName) {
              live { id room { calendar { url } } }
            }
          }`,
            variables: { roomName: scenario.sharedRoom.name },
          },
          scenario.tokens[actor],
        );
        try {
          const first = await subscription.waitFor(() => true);
          expect(first.errors).toBeUndefined();
          expect(pickArray(first.data, 'roomMeetings', 'live')).toEqual([
            {
              id: scenario.liveMeetingId,
              room: { calendar: readsAsManager.has(actor) ? { url: scenario.feedUrl } : null },
            },
          ]);
        } finally {
          await subscription.close();
        }
      },
    );
  });
