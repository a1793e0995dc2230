// Every mutation of DESIGN §5 through the API alone: its success payload and each typed failure,
// with the exact shapes integrators rely on; a refused mutation leaves everything as it was.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dataOf, pick, pickArray, pickString, waitUntil } from '../support/api-client.js';
import { anyString, stringContaining, stringMatching } from '../support/api-matchers.js';
import { useLobbyApi } from '../support/api-context.js';
import {
  createApiKeyAs,
  createRoomAs,
  joinMeetingAs,
  roomUrlOf,
  setFeedAndSync,
  startMeetingAs,
  uniqueRoomName,
  type Actor,
} from '../support/api-seed.js';
import { databaseEngines } from '../support/database.js';

/** What every mutation selects of its result: the union member and each error's own fields. */
const errorFields = '__typename ... on Error { message } ... on ValidationError { field }';
const rateLimitedFields = '... on RateLimitedError { retryAfterSeconds }';
const meetingEndedFields = '... on MeetingEndedError { liveMeeting { id status } }';
const roomFields = 'id name url isShared timezone gracePeriodMinutes viewerCanManage';
const meetingFields = 'id title status endReason participantCount room { name }';

/** A global id of the right type that names nothing. */
const unknownId = (typename: string) =>
  Buffer.from(`${typename}:${randomUUID()}`).toString('base64');

const notFound = (message: string) => ({ __typename: 'NotFoundError', message });
const forbidden = (message: string) => ({ __typename: 'ForbiddenError', message });
const invalid = (field: string, message: unknown = anyString) => ({
  __typename: 'ValidationError',
  message,
  field,
});

// Plain titles (`on postgres`, not `on 'postgres'`): CI looks for the engine's name.
for (const { engine, open } of databaseEngines())
  describe(`API mutations on ${engine}`, () => {
    // One owner saves and syncs feeds faster than anyone would; rate-limits.test.ts checks the limit.
    const context = useLobbyApi({
      open,
      environment: { CALENDAR_SYNCS_PER_USER_PER_MINUTE: '1000' },
    });
    const token = (actor: Actor) => context.scenario.tokens[actor];
    const gql = (query: string, variables: Record<string, unknown>, actor: Actor) =>
      context.api.gql(query, variables, { token: token(actor) });
    /** The mutation's result, which must come back without GraphQL errors. */
    const mutate = async (query: string, variables: Record<string, unknown>, actor: Actor) =>
      dataOf(await gql(query, variables, actor));

    const roomAs = async (name: string, actor: Actor = 'owner') =>
      pick(
        dataOf(
          await gql(
            `query ($name: String!) { room(name: $name) { ${roomFields} calendar { url enabled syncIntervalMinutes } } }`,
            { name },
            actor,
          ),
        ),
        'room',
      );
    const meetingById = async (id: string) =>
      pick(
        dataOf(
          await gql(
            `query ($id: ID!) { node(id: $id) { ... on Meeting { ${meetingFields} } } }`,
            { id },
            'owner',
          ),
        ),
        'node',
      );
    const adminRoomNames = async () =>
      pickArray(
        dataOf(await gql('{ rooms(first: 100) { edges { node { name } } } }', {}, 'admin')),
        'rooms',
        'edges',
      ).map((edge) => pickString(edge, 'node', 'name'));

    describe('createRoom', () => {
      const createRoom = (input: Record<string, unknown>, actor: Actor) =>
        mutate(
          `mutation ($input: CreateRoomInput!) {
          createRoom(input: $input) { ${errorFields} ... on CreateRoomSuccess { room { ${roomFields} meetings { live { id } upcoming { id } } } } }
        }`,
          { input },
          actor,
        );

      it('returns CreateRoomSuccess with the room, its URL and the settings given', async () => {
        const name = uniqueRoomName();
        const created = await createRoom(
          { name, isShared: true, timezone: 'Europe/Berlin', gracePeriodMinutes: 30 },
          'owner',
        );
        const room = {
          id: anyString,
          name,
          url: roomUrlOf(name),
          isShared: true,
          timezone: 'Europe/Berlin',
          gracePeriodMinutes: 30,
          viewerCanManage: true,
        };
        expect(created).toEqual({
          createRoom: {
            __typename: 'CreateRoomSuccess',
            room: { ...room, meetings: { live: [], upcoming: [] } },
          },
        });
        expect(await roomAs(name)).toEqual({ ...room, calendar: null });
      });

      it('applies the defaults: private, UTC, a 15-minute grace period', async () => {
        const name = uniqueRoomName();
        await createRoom({ name }, 'writeKey');
        expect(await roomAs(name)).toMatchObject({
          isShared: false,
          timezone: 'UTC',
          gracePeriodMinutes: 15,
        });
      });

      it.each([
        { input: { name: 'Team Room' }, field: 'name' },
        { input: { name: 'graphql' }, field: 'name' },
        { input: { name: 'x'.repeat(64) }, field: 'name' },
        { input: { name: uniqueRoomName(), timezone: 'Mars/Olympus_Mons' }, field: 'timezone' },
        { input: { name: uniqueRoomName(), gracePeriodMinutes: 121 }, field: 'gracePeriodMinutes' },
        { input: { name: uniqueRoomName(), gracePeriodMinutes: -1 }, field: 'gracePeriodMinutes' },
      ])('refuses $input with a ValidationError on $field', async ({ input, field }) => {
        const before = await adminRoomNames();
        expect(await createRoom(input, 'owner')).toEqual({ createRoom: invalid(field) });
        expect(await adminRoomNames()).toEqual(before);
      });

      it('refuses a taken name with a ConflictError and leaves the room to its owner', async () => {
        const { sharedRoom } = context.scenario;
        expect(await createRoom({ name: sharedRoom.name }, 'other')).toEqual({
          createRoom: {
            __typename: 'ConflictError',
            message: `A room named "${sharedRoom.name}" already exists`,
          },
        });
        expect(await roomAs(sharedRoom.name, 'other')).toMatchObject({
          id: sharedRoom.id,
          viewerCanManage: false,
        });
      });

      it.each(['anonymous', 'readKey'] as const)(
        'refuses a caller that may not write (%s) with a ForbiddenError',
        async (actor) => {
          const name = uniqueRoomName();
          expect(await createRoom({ name }, actor)).toEqual({
            createRoom: forbidden('Sign in with a credential that may write to create rooms'),
          });
          expect(await roomAs(name)).toBeNull();
        },
      );
    });

    describe('updateRoom', () => {
      const updateRoom = (input: Record<string, unknown>, actor: Actor) =>
        mutate(
          `mutation ($input: UpdateRoomInput!) {
          updateRoom(input: $input) { ${errorFields} ... on UpdateRoomSuccess { room { ${roomFields} } } }
        }`,
          { input },
          actor,
        );

      it('returns UpdateRoomSuccess with the changed room; unset fields stay', async () => {
        const room = await createRoomAs(context.api.gql, token('owner'), {
          name: uniqueRoomName(),
        });
        const expected = {
          id: room.id,
          name: room.name,
          url: roomUrlOf(room.name),
          isShared: true,
          timezone: 'America/New_York',
          gracePeriodMinutes: 0,
          viewerCanManage: true,
        };
        expect(
          await updateRoom(
            { id: room.id, isShared: true, timezone: 'America/New_York', gracePeriodMinutes: 0 },
            'owner',
          ),
        ).toEqual({ updateRoom: { __typename: 'UpdateRoomSuccess', room: expected } });
        expect(await roomAs(room.name)).toEqual({ ...expected, calendar: null });
      });

      it('returns UpdateRoomSuccess with the room as it is when nothing changes', async () => {
        const room = await createRoomAs(context.api.gql, token('owner'), {
          name: uniqueRoomName(),
        });
        expect(await updateRoom({ id: room.id }, 'admin')).toEqual({
          updateRoom: {
            __typename: 'UpdateRoomSuccess',
            room: {
              id: room.id,
              name: room.name,
              url: roomUrlOf(room.name),
              isShared: false,
              timezone: 'UTC',
              gracePeriodMinutes: 15,
              viewerCanManage: true,
            },
          },
        });
      });

      it.each([
        { change: { timezone: 'Nowhere/Special' }, field: 'timezone' },
        { change: { gracePeriodMinutes: 500 }, field: 'gracePeriodMinutes' },
      ])(
        'refuses $change with a ValidationError and changes nothing',
        async ({ change, field }) => {
          const { sharedRoom } = context.scenario;
          const before = await roomAs(sharedRoom.name);
          expect(
            await updateRoom({ id: sharedRoom.id, isShared: false, ...change }, 'owner'),
          ).toEqual({
            updateRoom: invalid(field),
          });
          expect(await roomAs(sharedRoom.name)).toEqual(before);
        },
      );

      it('returns a NotFoundError for a room that does not exist', async () => {
        expect(await updateRoom({ id: unknownId('Room'), isShared: true }, 'admin')).toEqual({
          updateRoom: notFound('No such room'),
        });
      });

      it.each([
        { actor: 'other', message: 'Only the room owner or an admin can manage this room' },
        {
          actor: 'readKey',
          message: 'This credential may only read: use a key with the WRITE scope',
        },
      ] as const)(
        'refuses $actor with a ForbiddenError and changes nothing',
        async ({ actor, message }) => {
          const { sharedRoom } = context.scenario;
          const before = await roomAs(sharedRoom.name);
          expect(await updateRoom({ id: sharedRoom.id, isShared: false }, actor)).toEqual({
            updateRoom: forbidden(message),
          });
          expect(await roomAs(sharedRoom.name)).toEqual(before);
        },
      );
    });

    describe('deleteRoom', () => {
      const deleteRoom = (id: string, actor: Actor) =>
        mutate(
          `mutation ($id: ID!) { deleteRoom(id: $id) { ${errorFields} ... on DeleteRoomSuccess { deletedRoomId } } }`,
          { id },
          actor,
        );

      it('returns DeleteRoomSuccess with the id it was given; the room is gone', async () => {
        const room = await createRoomAs(context.api.gql, token('owner'), {
          name: uniqueRoomName(),
        });
        expect(await deleteRoom(room.id, 'owner')).toEqual({
          deleteRoom: { __typename: 'DeleteRoomSuccess', deletedRoomId: room.id },
        });
        expect(await roomAs(room.name)).toBeNull();
        expect(await deleteRoom(room.id, 'owner')).toEqual({
          deleteRoom: notFound('No such room'),
        });
      });

      it('refuses someone else’s room with a ForbiddenError and keeps it', async () => {
        const { otherRoom } = context.scenario;
        expect(await deleteRoom(otherRoom.id, 'owner')).toEqual({
          deleteRoom: forbidden('Only the room owner or an admin can manage this room'),
        });
        expect(await roomAs(otherRoom.name)).toMatchObject({ id: otherRoom.id });
      });
    });

    describe('setRoomCalendar', () => {
      const setRoomCalendar = (input: Record<string, unknown>, actor: Actor) =>
        mutate(
          `mutation ($input: SetRoomCalendarInput!) {
          setRoomCalendar(input: $input) {
            ${errorFields} ${rateLimitedFields}
            ... on SetRoomCalendarSuccess { room { id calendar { url enabled syncIntervalMinutes } } }
          }
        }`,
          { input },
          actor,
        );

      it('returns SetRoomCalendarSuccess with the saved feed and syncs it at once', async () => {
        const room = await createRoomAs(context.api.gql, token('owner'), {
          name: uniqueRoomName(),
        });
        const url = context.feeds.urlFor(room.name);
        expect(
          await setRoomCalendar(
            { roomId: room.id, url, enabled: true, syncIntervalMinutes: 15 },
            'owner',
          ),
        ).toEqual({
          setRoomCalendar: {
            __typename: 'SetRoomCalendarSuccess',
            room: { id: room.id, calendar: { url, enabled: true, syncIntervalMinutes: 15 } },
          },
        });
        await waitUntil('the settings-changed sync succeeded', async () => {
          const data = dataOf(
            await gql(
              `query ($name: String!) { room(name: $name) { calendar { lastSync { status trigger eventsMatched created } } calendarEvents { edges { node { title } } } } }`,
              { name: room.name },
              'owner',
            ),
          );
          return pick(data, 'room', 'calendar', 'lastSync', 'status') === 'SUCCEEDED';
        });
        // Omitting the URL keeps it: the client never has the secret to send back.
        expect(await setRoomCalendar({ roomId: room.id, enabled: false }, 'writeKey')).toEqual({
          setRoomCalendar: {
            __typename: 'SetRoomCalendarSuccess',
            room: { id: room.id, calendar: { url, enabled: false, syncIntervalMinutes: 15 } },
          },
        });
      });

      it.each([
        { input: { url: 'ftp://calendar.example.org/team.ics' }, field: 'url' },
        { input: { url: 'file:///etc/passwd' }, field: 'url' },
        { input: { url: 'calendar.example.org/team.ics' }, field: 'url' },
        {
          input: { url: 'https://calendar.example.org/a.ics', syncIntervalMinutes: 0 },
          field: 'syncIntervalMinutes',
        },
        {
          input: { url: 'https://calendar.example.org/a.ics', syncIntervalMinutes: 1441 },
          field: 'syncIntervalMinutes',
        },
      ])(
        'refuses $input with a ValidationError on $field and keeps the feed',
        async ({ input, field }) => {
          const { sharedRoom, feedUrl } = context.scenario;
          expect(
            await setRoomCalendar({ roomId: sharedRoom.id, enabled: true, ...input }, 'owner'),
          ).toEqual({
            setRoomCalendar: invalid(field),
          });
          expect(await roomAs(sharedRoom.name)).toMatchObject({
            calendar: { url: feedUrl, enabled: true, syncIntervalMinutes: 60 },
          });
        },
      );

      it('asks for a URL when the room has no feed yet', async () => {
        const room = await createRoomAs(context.api.gql, token('owner'), {
          name: uniqueRoomName(),
        });
        expect(await setRoomCalendar({ roomId: room.id, enabled: true }, 'owner')).toEqual({
          setRoomCalendar: invalid('url', 'Enter the calendar feed URL'),
        });
        expect(await roomAs(room.name)).toMatchObject({ calendar: null });
      });

      it('returns NotFoundError and ForbiddenError without touching the feed', async () => {
        const { sharedRoom, feedUrl } = context.scenario;
        const input = { url: 'https://calendar.example.org/stolen.ics', enabled: false };
        expect(await setRoomCalendar({ roomId: unknownId('Room'), ...input }, 'owner')).toEqual({
          setRoomCalendar: notFound('No such room'),
        });
        expect(await setRoomCalendar({ roomId: sharedRoom.id, ...input }, 'participant')).toEqual({
          setRoomCalendar: forbidden('Only the room owner or an admin can manage this room'),
        });
        expect(await roomAs(sharedRoom.name)).toMatchObject({
          calendar: { url: feedUrl, enabled: true },
        });
      });
    });

    describe('syncRoomCalendar', () => {
      const syncRoomCalendar = (roomId: string, actor: Actor) =>
        mutate(
          `mutation ($roomId: ID!) {
          syncRoomCalendar(roomId: $roomId) { ${errorFields} ${rateLimitedFields} ... on SyncRoomCalendarSuccess { run { id status trigger } } }
        }`,
          { roomId },
          actor,
        );
      const runCount = async (name: string) =>
        pickArray(
          dataOf(
            await gql(
              `query ($name: String!) { room(name: $name) { calendar { recentSyncs(first: 50) { id status } } } }`,
              { name },
              'owner',
            ),
          ),
          'room',
          'calendar',
          'recentSyncs',
        );

      it('queues a MANUAL run, then refuses another within the cooldown with RateLimitedError', async () => {
        const room = await createRoomAs(context.api.gql, token('owner'), {
          name: uniqueRoomName(),
        });
        await setFeedAndSync(
          context.api.gql,
          token('owner'),
          room,
          context.feeds.urlFor(room.name),
        );
        const synced = await syncRoomCalendar(room.id, 'owner');
        expect(synced).toEqual({
          syncRoomCalendar: {
            __typename: 'SyncRoomCalendarSuccess',
            // The worker may have picked it up already.
            run: {
              id: anyString,
              status: stringMatching(/^(QUEUED|RUNNING|UNCHANGED)$/),
              trigger: 'MANUAL',
            },
          },
        });
        const runId = pickString(synced, 'syncRoomCalendar', 'run', 'id');
        await waitUntil('the manual run finished', async () =>
          (await runCount(room.name)).some(
            (run) => pick(run, 'id') === runId && pick(run, 'status') === 'UNCHANGED',
          ),
        );
        const runs = await runCount(room.name);
        expect(await syncRoomCalendar(room.id, 'owner')).toEqual({
          syncRoomCalendar: {
            __typename: 'RateLimitedError',
            message: stringContaining('try again in 10 seconds'),
            retryAfterSeconds: 10,
          },
        });
        expect(await runCount(room.name)).toEqual(runs);
      });

      it('asks for a feed first (ValidationError), and refuses unknown rooms and non-managers', async () => {
        const { privateRoom, sharedRoom } = context.scenario;
        expect(await syncRoomCalendar(privateRoom.id, 'owner')).toEqual({
          syncRoomCalendar: invalid('url', 'This room has no calendar feed yet'),
        });
        expect(await syncRoomCalendar(unknownId('Room'), 'admin')).toEqual({
          syncRoomCalendar: notFound('No such room'),
        });
        const runs = await runCount(sharedRoom.name);
        expect(await syncRoomCalendar(sharedRoom.id, 'other')).toEqual({
          syncRoomCalendar: forbidden('Only the room owner or an admin can manage this room'),
        });
        expect(await runCount(sharedRoom.name)).toEqual(runs);
      });
    });

    describe('meetings', () => {
      const startMeeting = (roomName: string, actor: Actor) =>
        mutate(
          `mutation ($roomName: String!) {
          startMeeting(roomName: $roomName) { ${errorFields} ... on StartMeetingSuccess { meeting { ${meetingFields} } } }
        }`,
          { roomName },
          actor,
        );
      const joinMeeting = (meetingId: string, displayName: string | null, actor: Actor) =>
        mutate(
          `mutation ($meetingId: ID!, $displayName: String) {
          joinMeeting(meetingId: $meetingId, displayName: $displayName) {
            ${errorFields} ${meetingEndedFields}
            ... on JoinMeetingSuccess { session { id displayName leftAt } meeting { id participantCount } joinUrl }
          }
        }`,
          { meetingId, displayName },
          actor,
        );
      const heartbeat = (sessionId: string, actor: Actor) =>
        mutate(
          `mutation ($sessionId: ID!) {
          meetingHeartbeat(sessionId: $sessionId) { ${errorFields} ${meetingEndedFields} ... on MeetingHeartbeatSuccess { session { id leftAt } } }
        }`,
          { sessionId },
          actor,
        );
      const leaveMeeting = (sessionId: string, actor: Actor) =>
        mutate(
          `mutation ($sessionId: ID!) {
          leaveMeeting(sessionId: $sessionId) { ${errorFields} ... on LeaveMeetingSuccess { meeting { id participantCount } } }
        }`,
          { sessionId },
          actor,
        );
      const endMeeting = (meetingId: string, actor: Actor) =>
        mutate(
          `mutation ($meetingId: ID!) {
          endMeeting(meetingId: $meetingId) { ${errorFields} ... on EndMeetingSuccess { meeting { ${meetingFields} } } }
        }`,
          { meetingId },
          actor,
        );
      const freshRoom = () =>
        createRoomAs(context.api.gql, token('owner'), { name: uniqueRoomName('meet') });

      it('startMeeting returns StartMeetingSuccess with an open meeting, the same one twice', async () => {
        const room = await freshRoom();
        const first = await startMeeting(room.name, 'anonymous');
        expect(first).toEqual({
          startMeeting: {
            __typename: 'StartMeetingSuccess',
            meeting: {
              id: anyString,
              title: null,
              status: 'OPEN',
              endReason: null,
              participantCount: 0,
              room: { name: room.name },
            },
          },
        });
        expect(await startMeeting(room.name.toUpperCase(), 'participant')).toEqual(first);
      });

      it('startMeeting refuses unknown rooms (NotFoundError) and read-only keys (ForbiddenError)', async () => {
        expect(await startMeeting('no-such-room-here', 'participant')).toEqual({
          startMeeting: notFound('There is no room named "no-such-room-here".'),
        });
        const room = await freshRoom();
        expect(await startMeeting(room.name, 'readKey')).toEqual({
          startMeeting: forbidden('This credential may only read: use a key with the WRITE scope'),
        });
        expect(pick(await roomAs(room.name), 'id')).toBe(room.id);
        const lobby = dataOf(
          await gql(
            `query ($name: String!) { room(name: $name) { meetings { live { id } upcoming { id } } } }`,
            { name: room.name },
            'owner',
          ),
        );
        expect(pick(lobby, 'room', 'meetings')).toEqual({ live: [], upcoming: [] });
      });

      it('joinMeeting returns the session, the meeting and a join URL', async () => {
        const room = await freshRoom();
        const meetingId = await startMeetingAs(context.api.gql, token('owner'), room.name);
        const joined = await joinMeeting(meetingId, '  Grace   Hopper ', 'participant');
        expect(joined).toEqual({
          joinMeeting: {
            __typename: 'JoinMeetingSuccess',
            session: { id: anyString, displayName: 'Grace Hopper', leftAt: null },
            meeting: { id: meetingId, participantCount: 1 },
            joinUrl: stringMatching(
              new RegExp(
                `^https://video\\.example\\.org/${room.name}-[0-9a-f]{24}#userInfo\\.displayName=`,
              ),
            ),
          },
        });
        expect(await joinMeeting(meetingId, null, 'anonymous')).toMatchObject({
          joinMeeting: { session: { displayName: 'Guest' }, meeting: { participantCount: 2 } },
        });
      });

      it('joinMeeting refuses a too long name, unknown meetings and read-only keys, joining nobody', async () => {
        const room = await freshRoom();
        const meetingId = await startMeetingAs(context.api.gql, token('owner'), room.name);
        expect(await joinMeeting(meetingId, 'x'.repeat(81), 'participant')).toEqual({
          joinMeeting: invalid('displayName', 'A display name has at most 80 characters.'),
        });
        expect(await joinMeeting(unknownId('Meeting'), 'Pat', 'participant')).toEqual({
          joinMeeting: notFound('No such meeting.'),
        });
        expect(await joinMeeting(meetingId, 'Pat', 'readKey')).toEqual({
          joinMeeting: forbidden('This credential may only read: use a key with the WRITE scope'),
        });
        expect(await meetingById(meetingId)).toMatchObject({ status: 'OPEN', participantCount: 0 });
      });

      it('joinMeeting on an ended meeting returns MeetingEndedError offering the live one', async () => {
        const room = await freshRoom();
        const endedId = await startMeetingAs(context.api.gql, token('owner'), room.name);
        expect(await endMeeting(endedId, 'owner')).toMatchObject({
          endMeeting: { __typename: 'EndMeetingSuccess' },
        });
        expect(await joinMeeting(endedId, 'Late', 'participant')).toEqual({
          joinMeeting: {
            __typename: 'MeetingEndedError',
            message: 'This meeting has ended.',
            liveMeeting: null,
          },
        });
        const liveId = await startMeetingAs(context.api.gql, token('participant'), room.name);
        expect(await joinMeeting(endedId, 'Late', 'participant')).toEqual({
          joinMeeting: {
            __typename: 'MeetingEndedError',
            message: 'This meeting has ended.',
            liveMeeting: { id: liveId, status: 'OPEN' },
          },
        });
        expect(await meetingById(endedId)).toMatchObject({ status: 'ENDED', participantCount: 0 });
      });

      it('meetingHeartbeat, leaveMeeting and their failures follow the session', async () => {
        const room = await freshRoom();
        const meetingId = await startMeetingAs(context.api.gql, token('owner'), room.name);
        const sessionId = await joinMeetingAs(context.api.gql, undefined, meetingId, 'Ada');
        expect(await heartbeat(sessionId, 'anonymous')).toEqual({
          meetingHeartbeat: {
            __typename: 'MeetingHeartbeatSuccess',
            session: { id: sessionId, leftAt: null },
          },
        });
        expect(await heartbeat(unknownId('ParticipantSession'), 'anonymous')).toEqual({
          meetingHeartbeat: notFound('No such participant session.'),
        });
        expect(await leaveMeeting(sessionId, 'anonymous')).toEqual({
          leaveMeeting: {
            __typename: 'LeaveMeetingSuccess',
            meeting: { id: meetingId, participantCount: 0 },
          },
        });
        // Leaving twice is harmless; a heartbeat never revives a closed session.
        expect(await leaveMeeting(sessionId, 'anonymous')).toMatchObject({
          leaveMeeting: { __typename: 'LeaveMeetingSuccess' },
        });
        expect(await heartbeat(sessionId, 'anonymous')).toEqual({
          meetingHeartbeat: {
            __typename: 'SessionClosedError',
            message: 'This session was closed; join the meeting again.',
          },
        });
        expect(await leaveMeeting(unknownId('ParticipantSession'), 'anonymous')).toEqual({
          leaveMeeting: notFound('No such participant session.'),
        });
        expect(await meetingById(meetingId)).toMatchObject({ status: 'OPEN', participantCount: 0 });
      });

      it('endMeeting ends it for managers, closes its sessions; a heartbeat then says it ended', async () => {
        const room = await freshRoom();
        const meetingId = await startMeetingAs(context.api.gql, token('owner'), room.name);
        const sessionId = await joinMeetingAs(
          context.api.gql,
          token('participant'),
          meetingId,
          'Pat',
        );
        expect(await endMeeting(meetingId, 'participant')).toEqual({
          endMeeting: forbidden('Only the room owner or an admin can end this meeting'),
        });
        expect(await endMeeting(unknownId('Meeting'), 'owner')).toEqual({
          endMeeting: notFound('No such meeting'),
        });
        expect(await meetingById(meetingId)).toMatchObject({ status: 'OPEN', participantCount: 1 });
        expect(await endMeeting(meetingId, 'adminKey')).toEqual({
          endMeeting: {
            __typename: 'EndMeetingSuccess',
            meeting: {
              id: meetingId,
              title: null,
              status: 'ENDED',
              endReason: 'ENDED_BY_MANAGER',
              participantCount: 0,
              room: { name: room.name },
            },
          },
        });
        expect(await heartbeat(sessionId, 'participant')).toEqual({
          meetingHeartbeat: {
            __typename: 'MeetingEndedError',
            message: 'This meeting has ended.',
            liveMeeting: null,
          },
        });
      });
    });

    describe('API keys', () => {
      const createApiKey = (input: Record<string, unknown>, actor: Actor) =>
        mutate(
          `mutation ($input: CreateApiKeyInput!) {
          createApiKey(input: $input) {
            ${errorFields}
            ... on CreateApiKeySuccess { apiKey { id name scopes secretStart lastUsedAt revokedAt } secret }
          }
        }`,
          { input },
          actor,
        );
      const revokeApiKey = (id: string, actor: Actor) =>
        mutate(
          `mutation ($id: ID!) {
          revokeApiKey(id: $id) { ${errorFields} ... on RevokeApiKeySuccess { apiKey { id revokedAt } } }
        }`,
          { id },
          actor,
        );
      const keysOf = async (actor: Actor) =>
        pickArray(
          dataOf(await gql('{ viewer { user { apiKeys { id revokedAt } } } }', {}, actor)),
          'viewer',
          'user',
          'apiKeys',
        );
      const signedIn = async (secret: string) =>
        context.api.gql('{ viewer { isSignedIn } }', {}, { token: secret });

      it('createApiKey returns the key and its secret, once; the secret works', async () => {
        const created = await createApiKey(
          { name: ' CI ', scopes: ['READ', 'WRITE', 'READ'] },
          'owner',
        );
        const secret = pickString(created, 'createApiKey', 'secret');
        expect(created).toEqual({
          createApiKey: {
            __typename: 'CreateApiKeySuccess',
            apiKey: {
              id: anyString,
              name: 'CI',
              scopes: ['READ', 'WRITE'],
              secretStart: secret.slice(0, 12),
              lastUsedAt: null,
              revokedAt: null,
            },
            secret: stringMatching(/^lobby_[A-Za-z0-9_-]{43}$/),
          },
        });
        expect((await signedIn(secret)).data).toEqual({ viewer: { isSignedIn: true } });
      });

      it.each([
        { actor: 'owner', input: { name: '', scopes: ['READ'] }, error: invalid('name') },
        { actor: 'owner', input: { name: 'none', scopes: [] }, error: invalid('scopes') },
        {
          actor: 'owner',
          input: { name: 'root', scopes: ['ADMIN'] },
          error: forbidden('Only admins can create keys with the ADMIN scope'),
        },
        {
          actor: 'readKey',
          input: { name: 'wider', scopes: ['READ', 'WRITE'] },
          error: forbidden('This credential may only read: use a key with the WRITE scope'),
        },
      ] as const)(
        'createApiKey refuses $input for $actor, creating nothing',
        async ({ actor, input, error }) => {
          const before = await keysOf('owner');
          expect(await createApiKey(input, actor)).toEqual({ createApiKey: error });
          expect(await keysOf('owner')).toEqual(before);
        },
      );

      it('createApiKey refuses anonymous callers', async () => {
        expect(await createApiKey({ name: 'anon', scopes: ['READ'] }, 'anonymous')).toEqual({
          createApiKey: forbidden('Sign in to create API keys'),
        });
      });

      it('revokeApiKey revokes the caller’s key, which then stops working', async () => {
        const key = await createApiKeyAs(context.api.gql, token('owner'), ['READ']);
        expect(await revokeApiKey(key.id, 'other')).toEqual({
          revokeApiKey: notFound('No such API key'),
        });
        expect((await signedIn(key.secret)).status).toBe(200);
        expect(await revokeApiKey(key.id, 'owner')).toEqual({
          revokeApiKey: {
            __typename: 'RevokeApiKeySuccess',
            apiKey: { id: key.id, revokedAt: anyString },
          },
        });
        expect((await signedIn(key.secret)).status).toBe(401);
        expect(await revokeApiKey(unknownId('ApiKey'), 'admin')).toEqual({
          revokeApiKey: notFound('No such API key'),
        });
      });
    });
  });
