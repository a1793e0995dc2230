// Daily's REST API, faked on loopback: GET /rooms/:name/presence answers, in the shape of Daily's
// documented example (server/test/fixtures/daily/room-presence.json), whoever the test puts in a
// room; a wrong key gets 401, and a room can be made to fail.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { z } from 'zod';

export const testDailyApiKey = 'lobby-test-daily-api-key';

export type FakeParticipant = { sessionId: string; userName: string; joinedAt: Date };

export type FakeDailyApi = {
  /** The base URL, as DAILY_API_URL. */
  url: string;
  /** Who Daily says is in the room from now on (nobody unless set). */
  setRoom(videoRoomName: string, participants: FakeParticipant[]): void;
  /** The room's presence answers this status with Daily's error body instead. */
  failRoom(videoRoomName: string, status: number): void;
  /** The number of presence requests answered so far. */
  requestCount(): number;
  close(): Promise<void>;
};

const documentedAnswer = z.object({
  total_count: z.number(),
  data: z.array(z.looseObject({ id: z.string(), userName: z.string(), joinTime: z.string() })),
});

const example = documentedAnswer.parse(
  JSON.parse(
    readFileSync(new URL('../fixtures/daily/room-presence.json', import.meta.url), 'utf8'),
  ),
);
const exampleParticipant = example.data[0];

function presenceAnswer(videoRoomName: string, participants: FakeParticipant[]): string {
  const data = participants.map((participant) => ({
    ...exampleParticipant,
    room: videoRoomName,
    id: participant.sessionId,
    userName: participant.userName,
    joinTime: participant.joinedAt.toISOString(),
  }));
  return JSON.stringify({ total_count: data.length, data });
}

export async function startFakeDailyApi(): Promise<FakeDailyApi> {
  const rooms = new Map<string, FakeParticipant[]>();
  const failures = new Map<string, number>();
  let requests = 0;
  const server = createServer((request, response) => {
    const match = /^\/rooms\/([^/?]+)\/presence(?:\?.*)?$/.exec(request.url ?? '');
    const send = (status: number, body: string) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(body);
    };
    if (request.headers.authorization !== `Bearer ${testDailyApiKey}`) {
      send(401, JSON.stringify({ error: 'authorization-error', info: 'Unauthorized' }));
      return;
    }
    if (request.method !== 'GET' || match?.[1] === undefined) {
      send(404, JSON.stringify({ error: 'not-found' }));
      return;
    }
    requests += 1;
    const videoRoomName = decodeURIComponent(match[1]);
    const failure = failures.get(videoRoomName);
    if (failure !== undefined) {
      send(failure, JSON.stringify({ error: 'server-error', info: 'try again later' }));
      return;
    }
    send(200, presenceAnswer(videoRoomName, rooms.get(videoRoomName) ?? []));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('No TCP port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    setRoom(videoRoomName, participants) {
      failures.delete(videoRoomName);
      rooms.set(videoRoomName, participants);
    },
    failRoom(videoRoomName, status) {
      failures.set(videoRoomName, status);
    },
    requestCount: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}
