// Subscriptions (DESIGN §5, §6): roomMeetings sends the lobby at once and after every change (a
// start time arriving included), calendarSync every run state, meeting(id) its meeting; in one
// process on each event bus, and across two API processes and a worker sharing PostgreSQL and Redis.
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  dataOf,
  pick,
  pickArray,
  pickString,
  recordSubscription,
  type Emission,
  type Gql,
  type RecordedSubscription,
} from '../support/api-client.js';
import { anyString } from '../support/api-matchers.js';
import {
  sharedEngineCases,
  useApiProcesses,
  useLobbyApi,
  type ApiProcessesContext,
} from '../support/api-context.js';
import {
  createRoomAs,
  joinMeetingAs,
  startMeetingAs,
  uniqueRoomName,
  type FeedEvent,
} from '../support/api-seed.js';
import { databaseEngines } from '../support/database.js';
import { engineSetCases } from '../support/engines.js';

const lobbySubscription = `subscription ($roomName: String!) {
  roomMeetings(roomName: $roomName) {
    live { id participantCount status }
    upcoming { id status }
    generatedAt
  }
}`;

type Lobby = { live: { id: unknown; participantCount: unknown }[]; upcoming: unknown[] };

function lobbyOf(emission: Emission): Lobby {
  return {
    live: pickArray(emission.data, 'roomMeetings', 'live').map((meeting) => ({
      id: pick(meeting, 'id'),
      participantCount: pick(meeting, 'participantCount'),
    })),
    upcoming: pickArray(emission.data, 'roomMeetings', 'upcoming').map((meeting) =>
      pick(meeting, 'id'),
    ),
  };
}

/** Waits for an emission, from index `from` on, whose lists are `expected`. */
function lobbyShows(subscription: RecordedSubscription, from: number, expected: Lobby) {
  return subscription.waitFor((emission) => isDeepStrictEqual(lobbyOf(emission), expected), {
    from,
  });
}

const mutation = async (gql: Gql, token: string | undefined, query: string, variables: object) =>
  dataOf(await gql(query, { ...variables }, { token }));

const leave = (gql: Gql, sessionId: string) =>
  mutation(gql, undefined, 'mutation ($id: ID!) { leaveMeeting(sessionId: $id) { __typename } }', {
    id: sessionId,
  });

const end = (gql: Gql, token: string | undefined, meetingId: string) =>
  mutation(gql, token, 'mutation ($id: ID!) { endMeeting(meetingId: $id) { __typename } }', {
    id: meetingId,
  });

const startsInSeconds = (seconds: number) =>
  new Date(Math.ceil(Date.now() / 1000) * 1000 + seconds * 1000);

/** A calendar occurrence a few seconds ahead and a few seconds long: it gets a meeting at once. */
function imminentEvent(roomName: string): FeedEvent {
  const startsAt = startsInSeconds(4);
  return {
    uid: `standup-${roomName}@example.org`,
    title: 'Stand-up',
    description: 'Private agenda',
    startsAt,
    endsAt: new Date(startsAt.getTime() + 3_000),
    organizer: { email: 'olivia@example.org', name: 'Olivia' },
    attendees: [{ email: 'ada@example.org', name: 'Ada' }],
  };
}

/**
 * The suite both topologies run: `writer` makes changes, `reader` serves the subscriptions (the
 * same API in one process, another process across processes).
 */
function subscriptionCases(apis: () => ApiProcessesContext) {
  it('roomMeetings shares a change between subscribers only where their rights agree', async () => {
    const { writer, reader, scenario } = apis();
    const { owner, participant } = scenario.tokens;
    const room = await createRoomAs(writer.gql, owner, {
      name: uniqueRoomName('rights'),
      isShared: true,
    });
    const query = `subscription ($roomName: String!) {
      roomMeetings(roomName: $roomName) { live { participantCount room { viewerCanManage } } }
    }`;
    const viewers = { anonymous: undefined, anonymousToo: undefined, participant, owner };
    const subscriptions = Object.entries(viewers).map(([viewer, token]) => ({
      viewer,
      subscription: recordSubscription(
        reader.webSocketUrl,
        { query, variables: { roomName: room.name } },
        token,
      ),
    }));
    try {
      await Promise.all(subscriptions.map(({ subscription }) => subscription.waitFor(() => true)));
      const meetingId = await startMeetingAs(writer.gql, undefined, room.name);
      const froms = subscriptions.map(({ subscription }) => subscription.emissions.length);
      await joinMeetingAs(writer.gql, participant, meetingId, 'Pat');
      const seen = await Promise.all(
        subscriptions.map(async ({ viewer, subscription }, index) => {
          const emission = await subscription.waitFor(
            (candidate) =>
              pick(pickArray(candidate.data, 'roomMeetings', 'live')[0], 'participantCount') === 1,
            { from: froms[index] },
          );
          const [meeting] = pickArray(emission.data, 'roomMeetings', 'live');
          return [viewer, pick(meeting, 'room', 'viewerCanManage')];
        }),
      );
      expect(Object.fromEntries(seen)).toEqual({
        anonymous: false,
        anonymousToo: false,
        participant: false,
        owner: true,
      });
    } finally {
      await Promise.all(subscriptions.map(({ subscription }) => subscription.close()));
    }
  });

  it('roomMeetings sends the lobby at once, then after start, join, leave and end', async () => {
    const { writer, reader, scenario } = apis();
    const owner = scenario.tokens.owner;
    const room = await createRoomAs(writer.gql, owner, { name: uniqueRoomName('live') });
    const subscription = recordSubscription(reader.webSocketUrl, {
      query: lobbySubscription,
      variables: { roomName: room.name },
    });
    try {
      const first = await subscription.waitFor(() => true);
      expect(first).toEqual({
        data: { roomMeetings: { live: [], upcoming: [], generatedAt: anyString } },
        errors: undefined,
      });
      let from = subscription.emissions.length;
      const meetingId = await startMeetingAs(writer.gql, undefined, room.name);
      await lobbyShows(subscription, from, {
        live: [{ id: meetingId, participantCount: 0 }],
        upcoming: [],
      });
      from = subscription.emissions.length;
      const sessionId = await joinMeetingAs(
        writer.gql,
        scenario.tokens.participant,
        meetingId,
        'Pat',
      );
      await lobbyShows(subscription, from, {
        live: [{ id: meetingId, participantCount: 1 }],
        upcoming: [],
      });
      from = subscription.emissions.length;
      await leave(writer.gql, sessionId);
      await lobbyShows(subscription, from, {
        live: [{ id: meetingId, participantCount: 0 }],
        upcoming: [],
      });
      from = subscription.emissions.length;
      await end(writer.gql, owner, meetingId);
      await lobbyShows(subscription, from, { live: [], upcoming: [] });
      expect(subscription.ended.completed).toBe(false);
    } finally {
      await subscription.close();
    }
  });

  it('roomMeetings shows a calendar meeting appear, go live at its start time and end', async () => {
    const { writer, reader, scenario, feeds } = apis();
    const owner = scenario.tokens.owner;
    const room = await createRoomAs(writer.gql, owner, { name: uniqueRoomName('cal') });
    const event = imminentEvent(room.name);
    feeds.setEvents(room.name, [event]);
    const subscription = recordSubscription(reader.webSocketUrl, {
      query: lobbySubscription,
      variables: { roomName: room.name },
    });
    try {
      await subscription.waitFor(() => true);
      const saved = await mutation(
        writer.gql,
        owner,
        `mutation ($input: SetRoomCalendarInput!) { setRoomCalendar(input: $input) { __typename } }`,
        { input: { roomId: room.id, url: feeds.urlFor(room.name), enabled: true } },
      );
      expect(saved).toEqual({ setRoomCalendar: { __typename: 'SetRoomCalendarSuccess' } });
      const appeared = await subscription.waitFor(
        (emission) => lobbyOf(emission).upcoming.length === 1,
      );
      const meetingId = lobbyOf(appeared).upcoming[0];
      // Nothing changes in the database at the start time: the server's timer pushes the lobby.
      const live = await subscription.waitFor((emission) =>
        isDeepStrictEqual(lobbyOf(emission), {
          live: [{ id: meetingId, participantCount: 0 }],
          upcoming: [],
        }),
      );
      expect(
        new Date(pickString(live.data, 'roomMeetings', 'generatedAt')).getTime(),
      ).toBeGreaterThanOrEqual(event.startsAt.getTime());
      // Nobody came: it ends at its scheduled end.
      await lobbyShows(subscription, subscription.emissions.indexOf(live) + 1, {
        live: [],
        upcoming: [],
      });
      const ended = await mutation(
        writer.gql,
        owner,
        `query ($id: ID!) { node(id: $id) { ... on Meeting { status endReason calendarEvent { title } } } }`,
        { id: meetingId },
      );
      expect(ended).toEqual({
        node: {
          status: 'ENDED',
          endReason: 'SCHEDULE_ELAPSED',
          calendarEvent: { title: 'Stand-up' },
        },
      });
    } finally {
      await subscription.close();
    }
  });

  it('calendarSync sends each state of a run, up to its result', async () => {
    const { writer, reader, scenario } = apis();
    const owner = scenario.tokens.owner;
    const subscription = recordSubscription(
      reader.webSocketUrl,
      {
        query: `subscription ($roomId: ID!) {
          calendarSync(roomId: $roomId) { id status trigger eventsInFeed eventsMatched errorCode }
        }`,
        variables: { roomId: scenario.sharedRoom.id },
      },
      owner,
    );
    try {
      // The subscription is sent right after the acknowledgement, ahead of the mutation below.
      await subscription.connected;
      const started = await mutation(
        writer.gql,
        owner,
        `mutation ($roomId: ID!) { syncRoomCalendar(roomId: $roomId) { ... on SyncRoomCalendarSuccess { run { id } } } }`,
        { roomId: scenario.sharedRoom.id },
      );
      const runId = pickString(started, 'syncRoomCalendar', 'run', 'id');
      const finished = await subscription.waitFor(
        (emission) => pick(emission.data, 'calendarSync', 'status') === 'UNCHANGED',
      );
      expect(finished.data).toEqual({
        calendarSync: {
          id: runId,
          status: 'UNCHANGED',
          trigger: 'MANUAL',
          eventsInFeed: 1,
          eventsMatched: 1,
          errorCode: null,
        },
      });
      const states = subscription.emissions.map((emission) =>
        pick(emission.data, 'calendarSync', 'status'),
      );
      // Every state, in order, even when the run finished before a state was delivered.
      expect(states).toEqual(['QUEUED', 'RUNNING', 'UNCHANGED']);
    } finally {
      await subscription.close();
    }
  });

  it('meeting(id) sends the meeting at once, then after presence changes and its end', async () => {
    const { writer, reader, scenario } = apis();
    const room = await createRoomAs(writer.gql, scenario.tokens.owner, {
      name: uniqueRoomName('one'),
    });
    const meetingId = await startMeetingAs(writer.gql, undefined, room.name);
    const subscription = recordSubscription(reader.webSocketUrl, {
      query:
        'subscription ($id: ID!) { meeting(id: $id) { id status endReason participantCount } }',
      variables: { id: meetingId },
    });
    const meetingIs = (fields: object) => (emission: Emission) =>
      isDeepStrictEqual(pick(emission.data, 'meeting'), { id: meetingId, ...fields });
    try {
      await subscription.waitFor(
        meetingIs({ status: 'OPEN', endReason: null, participantCount: 0 }),
      );
      await joinMeetingAs(writer.gql, undefined, meetingId, 'Guest');
      await subscription.waitFor(
        meetingIs({ status: 'OPEN', endReason: null, participantCount: 1 }),
      );
      await end(writer.gql, scenario.tokens.owner, meetingId);
      await subscription.waitFor(
        meetingIs({ status: 'ENDED', endReason: 'ENDED_BY_MANAGER', participantCount: 0 }),
      );
    } finally {
      await subscription.close();
    }
  });
}

const pglite = databaseEngines().filter(({ engine }) => engine === 'pglite');

// Plain titles (`on redis`, not `on 'redis'`): CI looks for the engine's name.
for (const { open } of pglite)
  for (const engineCase of engineSetCases())
    describe(`subscriptions in one API process on ${engineCase.engine}`, () => {
      const context = useLobbyApi({ open, engineCase });
      subscriptionCases(() => ({
        writer: context.api,
        reader: context.api,
        scenario: context.scenario,
        feeds: context.feeds,
      }));

      it('roomMeetings shows a meeting whose start time arrives, though no row changes', async () => {
        const { api, scenario } = context;
        const room = await createRoomAs(api.gql, scenario.tokens.owner, {
          name: uniqueRoomName('soon'),
        });
        const startsAt = startsInSeconds(2);
        const { id: roomId } = await api.deps.prisma.room.findUniqueOrThrow({
          where: { name: room.name },
        });
        const meeting = await api.deps.prisma.meeting.create({
          data: {
            roomId,
            title: 'Soon',
            startsAt,
            endsAt: new Date(startsAt.getTime() + 60 * 60_000),
            videoRoomName: `${room.name}-soon`,
          },
        });
        const subscription = recordSubscription(api.webSocketUrl, {
          query: lobbySubscription,
          variables: { roomName: room.name },
        });
        try {
          const first = await subscription.waitFor(() => true);
          expect(lobbyOf(first).live).toEqual([]);
          expect(lobbyOf(first).upcoming).toHaveLength(1);
          const live = await subscription.waitFor(
            (emission) => lobbyOf(emission).live.length === 1,
          );
          expect(lobbyOf(live)).toEqual({
            live: [{ id: lobbyOf(first).upcoming[0], participantCount: 0 }],
            upcoming: [],
          });
          expect(
            await api.deps.prisma.meeting.findUniqueOrThrow({ where: { id: meeting.id } }),
          ).toEqual(meeting);
        } finally {
          await subscription.close();
        }
      });
    });

for (const engines of sharedEngineCases())
  describe('subscriptions across two API processes and a worker on postgres and redis', () => {
    subscriptionCases(useApiProcesses(engines));
  });
