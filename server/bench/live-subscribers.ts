// Subscribers for `npm run bench:live` and `bench:rooms`, in a child process with an IPC channel:
// opens `count` graphql-ws connections (round robin over the API URLs), subscribes each to its
// room's roomMeetings, and measures, per change the parent announces, when each connection receives the
// lobby that change produces. Plain `ws` with the graphql-transport-ws protocol keeps clients small.
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { pick, pickArray } from '../test/support/api-client.js';
import { lobbyKey, parentMessage, subscriberOptions, type ChildMessage } from './live-protocol.js';

/** The lobby key of a `next` message, read without a schema: ten thousand arrive per change. */
function lobbyKeyOf(message: unknown): string | undefined {
  const lobby = pick(message, 'payload', 'data', 'roomMeetings');
  if (pick(message, 'type') !== 'next' || lobby === undefined) return undefined;
  const live = pickArray(lobby, 'live').map((meeting) => ({
    participantCount: Number(pick(meeting, 'participantCount')),
  }));
  return lobbyKey(live, pickArray(lobby, 'upcoming').length);
}

const subscription = `subscription ($roomName: String!) {
  roomMeetings(roomName: $roomName) { live { id participantCount } upcoming { id } generatedAt }
}`;
/** Connections being opened at once: enough to be quick, few enough not to time out. */
const openingAtOnce = 100;
const epochMs = () => performance.timeOrigin + performance.now();

function send(message: ChildMessage): void {
  process.send?.(message);
}

async function run(): Promise<void> {
  const options = subscriberOptions.parse(JSON.parse(process.argv[2] ?? '{}'));
  const sockets: WebSocket[] = [];
  /** Subscribers whose subscription is running: the ones each change must reach. */
  const subscribedIndexes = new Set<number>();
  const roomNameOf = (index: number) => options.roomNames[index % options.roomNames.length];
  let armed: { change: number; expectedLobby: string } | undefined;
  let waiting = new Set<number>();
  let receivedAtMs: number[] = [];

  const report = () => {
    if (armed === undefined) return;
    send({ type: 'received', change: armed.change, receivedAtMs, missing: waiting.size });
    armed = undefined;
  };

  const onLobby = (index: number, key: string) => {
    if (armed === undefined || key !== armed.expectedLobby || !waiting.has(index)) return;
    receivedAtMs.push(epochMs());
    waiting.delete(index);
    if (waiting.size === 0) report();
  };

  /** Opens one subscriber; resolves once its first lobby arrived (true) or it failed (false). */
  const open = (index: number) =>
    new Promise<boolean>((resolve) => {
      const url =
        options.webSocketUrls[(options.firstIndex + index) % options.webSocketUrls.length];
      const socket = new WebSocket(url ?? '', 'graphql-transport-ws');
      sockets.push(socket);
      let subscribed = false;
      socket.on('open', () => {
        socket.send(JSON.stringify({ type: 'connection_init', payload: {} }));
      });
      socket.on('message', (data: WebSocket.RawData) => {
        const text = Array.isArray(data)
          ? Buffer.concat(data).toString()
          : Buffer.from(new Uint8Array(data)).toString();
        if (text.includes('"connection_ack"')) {
          socket.send(
            JSON.stringify({
              id: '1',
              type: 'subscribe',
              payload: { query: subscription, variables: { roomName: roomNameOf(index) } },
            }),
          );
          return;
        }
        if (text.includes('"ping"')) {
          socket.send(JSON.stringify({ type: 'pong' }));
          return;
        }
        const key = lobbyKeyOf(JSON.parse(text));
        if (key === undefined) return;
        if (!subscribed) {
          subscribed = true;
          subscribedIndexes.add(index);
          resolve(true);
        }
        onLobby(index, key);
      });
      socket.on('error', () => {
        resolve(false);
      });
      socket.on('close', () => {
        subscribedIndexes.delete(index);
        resolve(false);
      });
    });

  let failed = 0;
  for (let first = 0; first < options.count; first += openingAtOnce) {
    const batch = Array.from(
      { length: Math.min(openingAtOnce, options.count - first) },
      (_, offset) => open(first + offset),
    );
    failed += (await Promise.all(batch)).filter((opened) => !opened).length;
  }
  send({ type: 'ready', failed });

  process.on('message', (raw) => {
    const message = parentMessage.parse(raw);
    if (message.type === 'arm') {
      armed = { change: message.change, expectedLobby: message.expectedLobby };
      const { roomName } = message;
      waiting = new Set(
        [...subscribedIndexes].filter(
          (index) => roomName === undefined || roomNameOf(index) === roomName,
        ),
      );
      receivedAtMs = [];
      send({ type: 'armed', change: message.change });
      // None of these subscribers follows the changed room: nothing to wait for.
      if (waiting.size === 0) report();
    } else if (message.type === 'collect') {
      if (armed?.change === message.change) report();
    } else {
      for (const socket of sockets) socket.terminate();
      process.exit(0);
    }
  });
}

await run();
