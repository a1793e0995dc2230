// Named scenarios for black-box API tests, made through the API itself: who is asking (tokens for
// every kind of caller), rooms of each kind, a synced calendar feed served on loopback, a live
// meeting with someone in it.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { SignJWT } from 'jose';
import {
  dataOf,
  pick,
  pickArray,
  pickString,
  recordSubscription,
  waitUntil,
  type Gql,
  type RecordedSubscription,
} from './api-client.js';
import { testPublicBaseUrl, testSecrets } from './api-server.js';
import { icsCalendar, icsEvent } from './ics-builder.js';

/** Every kind of caller DESIGN §1 names; the API keys belong to the owner (READ, WRITE) and admin. */
export const actors = [
  'anonymous',
  'participant',
  'owner',
  'other',
  'admin',
  'readKey',
  'writeKey',
  'adminKey',
] as const;

export type Actor = (typeof actors)[number];

export type JwtClaims = {
  subject: string;
  name?: string;
  admin?: boolean;
  /** Defaults to an hour from now; a past instant makes an expired token. */
  expiresAt?: Date;
  secret?: string;
};

/** An HS256 JWT as an identity provider would issue it; admins carry the `lobby-admin` role. */
export function signTestJwt(claims: JwtClaims): Promise<string> {
  const expiresAt = claims.expiresAt ?? new Date(Date.now() + 60 * 60_000);
  return new SignJWT({
    name: claims.name ?? claims.subject,
    ...(claims.admin === true && { roles: ['lobby-admin'] }),
  })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.subject)
    .setIssuedAt(Math.floor(expiresAt.getTime() / 1000) - 3600)
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(new TextEncoder().encode(claims.secret ?? testSecrets.jwtSecret));
}

/** A fresh, valid, unique room name. */
export function uniqueRoomName(prefix = 'room'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export const roomUrlOf = (name: string) => `${testPublicBaseUrl}/${name}`;

export type FeedEvent = {
  uid: string;
  title: string;
  description: string;
  startsAt: Date;
  endsAt: Date;
  organizer: { email: string; name: string };
  attendees: { email: string; name: string }[];
};

/** One timed event of `roomName`, three hours ahead: listed, but too far ahead for a meeting. */
export function feedEventFor(roomName: string): FeedEvent {
  const startsAt = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 3 * 3_600_000);
  return {
    uid: `planning-${roomName}@example.org`,
    title: `Planning in ${roomName}`,
    description: `Dial-in secret for ${roomName}: 4711`,
    startsAt,
    endsAt: new Date(startsAt.getTime() + 30 * 60_000),
    organizer: { email: 'olivia@example.org', name: 'Olivia' },
    attendees: [
      { email: 'ada@example.org', name: 'Ada' },
      { email: 'grace@example.org', name: 'Grace' },
    ],
  };
}

const icsInstant = (instant: Date) => instant.toISOString().replace(/[-:]|\.\d{3}/g, '');

function feedIcs(roomName: string, events: readonly FeedEvent[]): string {
  return icsCalendar(
    ...events.map((event) =>
      icsEvent(
        `UID:${event.uid}`,
        'DTSTAMP:20260101T000000Z',
        `DTSTART:${icsInstant(event.startsAt)}`,
        `DTEND:${icsInstant(event.endsAt)}`,
        `SUMMARY:${event.title}`,
        `LOCATION:${roomUrlOf(roomName)}`,
        `DESCRIPTION:${event.description}`,
        `ORGANIZER;CN=${event.organizer.name}:mailto:${event.organizer.email}`,
        ...event.attendees.map(
          (attendee) =>
            `ATTENDEE;CN=${attendee.name};ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:${attendee.email}`,
        ),
      ),
    ),
  );
}

export type CalendarFeeds = {
  /** `host:port`, for CALENDAR_FETCH_ALLOWED_HOSTS. */
  host: string;
  /** The secret feed URL of a room (its token is what managers must never leak). */
  urlFor(roomName: string): string;
  /** What the room's feed serves: `feedEventFor(roomName)` until replaced. */
  eventsOf(roomName: string): readonly FeedEvent[];
  setEvents(roomName: string, events: readonly FeedEvent[]): void;
  /** How many times the room's feed was fetched. */
  requestsFor(roomName: string): number;
  close(): Promise<void>;
};

/** Serves one ICS feed per room on 127.0.0.1, at `/feeds/<room>.ics?token=…`. */
export async function serveCalendarFeeds(): Promise<CalendarFeeds> {
  const eventsByRoom = new Map<string, readonly FeedEvent[]>();
  const requestsByRoom = new Map<string, number>();
  const eventsOf = (roomName: string) => {
    const events = eventsByRoom.get(roomName) ?? [feedEventFor(roomName)];
    eventsByRoom.set(roomName, events);
    return events;
  };
  const server: Server = createServer((request, response) => {
    const match = /^\/feeds\/([a-z0-9-]+)\.ics$/.exec(
      new URL(request.url ?? '/', 'http://x').pathname,
    );
    const roomName = match?.[1];
    if (roomName === undefined) {
      response.writeHead(404).end();
      return;
    }
    requestsByRoom.set(roomName, (requestsByRoom.get(roomName) ?? 0) + 1);
    response.writeHead(200, { 'content-type': 'text/calendar; charset=utf-8' });
    response.end(feedIcs(roomName, eventsOf(roomName)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const host = `127.0.0.1:${port}`;
  return {
    host,
    urlFor: (roomName) => `http://${host}/feeds/${roomName}.ics?token=feed-secret-${roomName}`,
    eventsOf,
    setEvents(roomName, events) {
      eventsByRoom.set(roomName, events);
    },
    requestsFor: (roomName) => requestsByRoom.get(roomName) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}

export type SeededRoom = { id: string; name: string };

export type LobbyScenario = {
  tokens: Record<Actor, string | undefined>;
  /** Global ids of users and keys, for node(id). */
  ownerUserId: string;
  ownerReadKeyId: string;
  /** The owner's shared room: a synced feed with one event, and a live meeting with one person. */
  sharedRoom: SeededRoom;
  /** The owner's private room. */
  privateRoom: SeededRoom;
  /** The other user's private room. */
  otherRoom: SeededRoom;
  feedUrl: string;
  event: FeedEvent & { id: string };
  syncRunId: string;
  liveMeetingId: string;
  sessionId: string;
};

const roomFields = 'room { id name }';

export async function createRoomAs(
  gql: Gql,
  token: string | undefined,
  input: { name: string; isShared?: boolean; gracePeriodMinutes?: number },
): Promise<SeededRoom> {
  const response = await gql(
    `mutation ($input: CreateRoomInput!) {
      createRoom(input: $input) { __typename ... on CreateRoomSuccess { ${roomFields} } ... on Error { message } }
    }`,
    { input },
    { token },
  );
  const data = dataOf(response);
  return {
    id: pickString(data, 'createRoom', 'room', 'id'),
    name: pickString(data, 'createRoom', 'room', 'name'),
  };
}

export async function createApiKeyAs(
  gql: Gql,
  token: string | undefined,
  scopes: readonly ('READ' | 'WRITE' | 'ADMIN')[],
): Promise<{ id: string; secret: string }> {
  const response = await gql(
    `mutation ($input: CreateApiKeyInput!) {
      createApiKey(input: $input) {
        __typename ... on CreateApiKeySuccess { apiKey { id } secret } ... on Error { message }
      }
    }`,
    { input: { name: `${scopes.join('+')} key`, scopes } },
    { token },
  );
  const data = dataOf(response);
  return {
    id: pickString(data, 'createApiKey', 'apiKey', 'id'),
    secret: pickString(data, 'createApiKey', 'secret'),
  };
}

/** Sets the room's feed and waits until its first sync has finished. */
export async function setFeedAndSync(
  gql: Gql,
  token: string | undefined,
  room: SeededRoom,
  feedUrl: string,
): Promise<void> {
  const saved = await gql(
    `mutation ($input: SetRoomCalendarInput!) {
      setRoomCalendar(input: $input) { __typename ... on Error { message } }
    }`,
    { input: { roomId: room.id, url: feedUrl, enabled: true, syncIntervalMinutes: 60 } },
    { token },
  );
  if (pick(dataOf(saved), 'setRoomCalendar', '__typename') !== 'SetRoomCalendarSuccess') {
    throw new Error(`setRoomCalendar failed: ${JSON.stringify(saved.body)}`);
  }
  await waitUntil(`the first sync of ${room.name} finished`, async () => {
    const response = await gql(
      `query ($name: String!) { room(name: $name) { calendar { lastSync { status } } } }`,
      { name: room.name },
      { token },
    );
    return pick(dataOf(response), 'room', 'calendar', 'lastSync', 'status') === 'SUCCEEDED';
  });
}

export async function startMeetingAs(
  gql: Gql,
  token: string | undefined,
  roomName: string,
): Promise<string> {
  const response = await gql(
    `mutation ($roomName: String!) {
      startMeeting(roomName: $roomName) { __typename ... on StartMeetingSuccess { meeting { id } } ... on Error { message } }
    }`,
    { roomName },
    { token },
  );
  return pickString(dataOf(response), 'startMeeting', 'meeting', 'id');
}

export type WatchedMeeting = {
  owner: string;
  participant: string;
  meetingId: string;
  /** The room's lobby, subscribed as the participant through the watching process. */
  lobby: RecordedSubscription;
};

/**
 * An owner's shared room (named after `label`) with a meeting a participant started through
 * `gql`, and the room's lobby (`lobbyQuery`, variable `$roomName`) watched on `webSocketUrl`:
 * the set-up of a change made through one API process and seen through another.
 */
export async function seedWatchedMeeting(
  gql: Gql,
  webSocketUrl: string,
  label: string,
  lobbyQuery: string,
): Promise<WatchedMeeting> {
  const owner = await signTestJwt({ subject: `owner-${label}` });
  const participant = await signTestJwt({ subject: `participant-${label}`, name: 'Pat' });
  const room = await createRoomAs(gql, owner, { name: uniqueRoomName(label), isShared: true });
  const meetingId = await startMeetingAs(gql, participant, room.name);
  const lobby = recordSubscription(
    webSocketUrl,
    { query: lobbyQuery, variables: { roomName: room.name } },
    participant,
  );
  return { owner, participant, meetingId, lobby };
}

export async function joinMeetingAs(
  gql: Gql,
  token: string | undefined,
  meetingId: string,
  displayName: string,
): Promise<string> {
  const response = await gql(
    `mutation ($meetingId: ID!, $displayName: String) {
      joinMeeting(meetingId: $meetingId, displayName: $displayName) {
        __typename ... on JoinMeetingSuccess { session { id } } ... on Error { message }
      }
    }`,
    { meetingId, displayName },
    { token },
  );
  return pickString(dataOf(response), 'joinMeeting', 'session', 'id');
}

/**
 * The full cast and set (see LobbyScenario). The API must run a worker and be allowed to fetch
 * from `feeds.host`. Names are unique, so several scenarios can share one database.
 */
export async function seedLobbyScenario(gql: Gql, feeds: CalendarFeeds): Promise<LobbyScenario> {
  const suffix = randomBytes(4).toString('hex');
  const owner = await signTestJwt({ subject: `owner-${suffix}`, name: 'Olivia Owner' });
  const participant = await signTestJwt({ subject: `participant-${suffix}`, name: 'Pat' });
  const other = await signTestJwt({ subject: `other-${suffix}`, name: 'Otto Other' });
  const admin = await signTestJwt({ subject: `admin-${suffix}`, name: 'Ada Admin', admin: true });

  const ownerUser = dataOf(await gql('{ viewer { user { id } } }', {}, { token: owner }));
  const readKey = await createApiKeyAs(gql, owner, ['READ']);
  const writeKey = await createApiKeyAs(gql, owner, ['READ', 'WRITE']);
  const adminKey = await createApiKeyAs(gql, admin, ['READ', 'WRITE', 'ADMIN']);

  const sharedRoom = await createRoomAs(gql, owner, {
    name: uniqueRoomName('shared'),
    isShared: true,
  });
  const privateRoom = await createRoomAs(gql, owner, { name: uniqueRoomName('private') });
  const otherRoom = await createRoomAs(gql, other, { name: uniqueRoomName('others') });

  const feedUrl = feeds.urlFor(sharedRoom.name);
  const [event] = feeds.eventsOf(sharedRoom.name);
  if (event === undefined) throw new Error('The feed serves no event');
  await setFeedAndSync(gql, owner, sharedRoom, feedUrl);
  const synced = dataOf(
    await gql(
      `query ($name: String!) {
        room(name: $name) { calendarEvents { edges { node { id } } } calendar { recentSyncs { id } } }
      }`,
      { name: sharedRoom.name },
      { token: owner },
    ),
  );

  const liveMeetingId = await startMeetingAs(gql, participant, sharedRoom.name);
  const sessionId = await joinMeetingAs(gql, participant, liveMeetingId, 'Pat');

  return {
    tokens: {
      anonymous: undefined,
      participant,
      owner,
      other,
      admin,
      readKey: readKey.secret,
      writeKey: writeKey.secret,
      adminKey: adminKey.secret,
    },
    ownerUserId: pickString(ownerUser, 'viewer', 'user', 'id'),
    ownerReadKeyId: readKey.id,
    sharedRoom,
    privateRoom,
    otherRoom,
    feedUrl,
    event: {
      ...event,
      id: pickString(pickArray(synced, 'room', 'calendarEvents', 'edges')[0], 'node', 'id'),
    },
    syncRunId: pickString(pickArray(synced, 'room', 'calendar', 'recentSyncs')[0], 'id'),
    liveMeetingId,
    sessionId,
  };
}
