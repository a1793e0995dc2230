// Issue 11.10: errors a caller causes are answered, not logged. Logging them would write
// caller-supplied text (and a stack) to the operator's log on every bad request. The real
// all-in-one process; its whole output is read after it has exited.
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitUntil } from '../support/api-client.js';
import { arrayContaining, objectContaining } from '../support/api-matchers.js';
import { startLobbyProcess } from '../support/api-server.js';
import { openRawGraphqlSocket, subscribeOverSse } from '../support/api-streams.js';
import { freePort } from '../support/free-port.js';

const roomMeetings = `subscription ($roomName: String!) {
  roomMeetings(roomName: $roomName) { generatedAt }
}`;

describe('logging of errors callers cause', { timeout: 120_000 }, () => {
  it('answers NOT_FOUND with the caller text but logs none of it, over SSE and WebSocket', async () => {
    const marker = `no-such-room-${String(Date.now())}`;
    const dataDirectory = await mkdtemp(path.join(os.tmpdir(), 'lobby-error-logging-'));
    const port = await freePort();
    const lobby = await startLobbyProcess({
      script: 'all-in-one.ts',
      environment: {
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: String(port),
        LOBBY_DATA_DIR: dataDirectory,
      },
      readyLine: /Lobby is running: (\S+)/,
    });
    const closed = once(lobby.child, 'close');
    try {
      const graphqlUrl = `http://127.0.0.1:${String(port)}/graphql`;
      const overSse = await subscribeOverSse(graphqlUrl, {
        query: roomMeetings,
        variables: { roomName: marker },
      });
      await overSse.ended;
      expect(overSse.messages).toContainEqual(
        objectContaining({
          event: 'next',
          data: objectContaining({
            errors: arrayContaining([
              objectContaining({
                message: `No room named "${marker}"`,
                extensions: { code: 'NOT_FOUND' },
              }),
            ]),
          }),
        }),
      );

      const socket = openRawGraphqlSocket(`ws://127.0.0.1:${String(port)}/graphql`);
      await socket.acknowledged;
      const id = socket.send(roomMeetings, { roomName: `${marker}-ws` });
      await waitUntil('the socket answers', () =>
        Promise.resolve(socket.received.some((message) => message.id === id)),
      );
      expect(JSON.stringify(socket.received)).toContain(`No room named \\"${marker}-ws\\"`);
      socket.close();
    } finally {
      await lobby.stop();
      await closed;
      await rm(dataDirectory, { recursive: true, force: true });
    }
    expect(lobby.output.filter((line) => line.includes(marker))).toEqual([]);
  });
});
