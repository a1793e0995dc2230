// What browser tests set up and check through the API, as an integrator would: calendar feeds,
// manual syncs, and the lobby as the server sees it.
import { vi } from 'vitest';
import {
  dataOf,
  pick,
  pickArray,
  pickString,
  type Gql,
} from '../../../server/test/support/api-client.js';
import { icsCalendar, icsEvent } from '../../../server/test/support/ics-builder.js';

/** `20261127T100000Z`: an instant as ICS writes it in UTC. */
function icsInstant(instant: Date): string {
  return instant.toISOString().replace(/[-:]|\.\d{3}/g, '');
}

export type FeedEvent = {
  uid: string;
  title: string;
  startsAt: Date;
  endsAt: Date;
  /** The room URL the event links to, as managers paste it into the location. */
  location: string;
  cancelled?: boolean;
};

/** A calendar holding the given timed events. */
export function feedOf(events: readonly FeedEvent[]): string {
  return icsCalendar(
    ...events.map((event) =>
      icsEvent(
        `UID:${event.uid}`,
        'DTSTAMP:20260101T000000Z',
        `DTSTART:${icsInstant(event.startsAt)}`,
        `DTEND:${icsInstant(event.endsAt)}`,
        `SUMMARY:${event.title}`,
        `LOCATION:${event.location}`,
        ...(event.cancelled === true ? ['STATUS:CANCELLED'] : []),
      ),
    ),
  );
}

/** `seconds` from now, on a whole second (ICS has no finer unit). */
export function secondsFromNow(seconds: number): Date {
  return new Date(Math.ceil(Date.now() / 1000 + seconds) * 1000);
}

const syncNowMutation = `mutation ($roomId: ID!) {
  syncRoomCalendar(roomId: $roomId) {
    __typename ... on SyncRoomCalendarSuccess { run { id } } ... on Error { message }
  }
}`;

/** Sync now; a manual sync shortly after another is refused for seconds, so this asks until it is not. */
export async function syncNowAs(gql: Gql, token: string, roomId: string): Promise<string> {
  return vi.waitFor(
    async () => {
      const data = dataOf(await gql(syncNowMutation, { roomId }, { token }));
      return pickString(data, 'syncRoomCalendar', 'run', 'id');
    },
    { timeout: 20_000, interval: 1_000 },
  );
}

export type LobbyMeeting = { id: string; title: string | null; participantCount: number };
export type ServerLobby = { live: LobbyMeeting[]; upcoming: LobbyMeeting[] };

function lobbyMeeting(value: unknown): LobbyMeeting {
  const title = pick(value, 'title');
  const participantCount = pick(value, 'participantCount');
  if (typeof participantCount !== 'number') {
    throw new Error(`No participant count in ${JSON.stringify(value)}`);
  }
  return {
    id: pickString(value, 'id'),
    title: typeof title === 'string' ? title : null,
    participantCount,
  };
}

/** The room's lobby as the API answers it (what every browser should end up showing). */
export async function serverLobbyOf(gql: Gql, roomName: string): Promise<ServerLobby> {
  const data = dataOf(
    await gql(
      `query ($name: String!) {
        room(name: $name) {
          meetings {
            live { id title participantCount }
            upcoming { id title participantCount }
          }
        }
      }`,
      { name: roomName },
    ),
  );
  return {
    live: pickArray(data, 'room', 'meetings', 'live').map(lobbyMeeting),
    upcoming: pickArray(data, 'room', 'meetings', 'upcoming').map(lobbyMeeting),
  };
}
