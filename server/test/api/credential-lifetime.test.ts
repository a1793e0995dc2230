// Revocation and expiry reach open connections (issue 11): a WebSocket or an SSE subscription made
// with an API key ends when the key is revoked (in every API process), one made with a JWT when the
// token expires, and a socket that missed the revocation refuses its next operation.
import { describe, expect, it, vi } from 'vitest';
import { hashSecret } from '../../src/services/auth/api-key-secret.js';
import { connectionInitCloseCode, dataOf, recordSubscription } from '../support/api-client.js';
import {
  sharedEngineCases,
  useApiProcesses,
  useLobbyApi,
  type ApiProcessesContext,
} from '../support/api-context.js';
import { createApiKeyAs, signTestJwt } from '../support/api-seed.js';
import { openRawGraphqlSocket, subscribeOverSse } from '../support/api-streams.js';
import { databaseEngines } from '../support/database.js';
import { engineSetCases } from '../support/engines.js';

const lobbySubscription = {
  query: `subscription ($roomName: String!) { roomMeetings(roomName: $roomName) { generatedAt } }`,
};

const revokeMutation = `mutation ($id: ID!) {
  revokeApiKey(id: $id) { __typename ... on Error { message } }
}`;

const revoked = { code: 4403, reason: 'Forbidden: credential revoked' };
const expired = { code: 4401, reason: 'Unauthorized: credential expired' };

/** The last SSE messages of a subscription whose credential ended: why, then the end. */
const endedBecause = (message: string) => [
  { event: 'next', data: { errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] } },
  { event: 'complete', data: null },
];

/** Waits for a condition that arrives with an event or a timer; no assertion on how long it took. */
const eventually = (check: () => void) => vi.waitFor(check, { timeout: 15_000, interval: 50 });

function revocationCases(context: () => ApiProcessesContext) {
  const lobbyOf = () => ({ ...lobbySubscription, variables: { roomName: roomName() } });
  const roomName = () => context().scenario.sharedRoom.name;

  async function revoke(id: string) {
    const { writer, scenario } = context();
    const response = await writer.gql(revokeMutation, { id }, { token: scenario.tokens.owner });
    expect(dataOf(response)).toEqual({ revokeApiKey: { __typename: 'RevokeApiKeySuccess' } });
  }

  it('closes a WebSocket whose API key is revoked (4403) and refuses it afterwards', async () => {
    const { writer, reader, scenario } = context();
    const key = await createApiKeyAs(writer.gql, scenario.tokens.owner, ['READ', 'WRITE']);
    const subscription = recordSubscription(reader.webSocketUrl, lobbyOf(), key.secret);
    // Someone else's socket on the same process stays open.
    const bystander = recordSubscription(reader.webSocketUrl, lobbyOf(), scenario.tokens.writeKey);
    try {
      await subscription.waitFor(() => true);
      await bystander.waitFor(() => true);
      await revoke(key.id);
      await subscription.waitForEnd();
      expect(subscription.ended.error).toMatchObject(revoked);
      expect(
        await connectionInitCloseCode(reader.webSocketUrl, {
          authorization: `Bearer ${key.secret}`,
        }),
      ).toMatchObject({ code: 4403 });
      expect(bystander.ended.completed).toBe(false);
    } finally {
      await subscription.close();
      await bystander.close();
    }
  });

  it('ends an SSE subscription whose API key is revoked, saying why', async () => {
    const { writer, reader, scenario } = context();
    const key = await createApiKeyAs(writer.gql, scenario.tokens.owner, ['READ']);
    const stream = await subscribeOverSse(reader.graphqlUrl, lobbyOf(), key.secret);
    try {
      await eventually(() => {
        expect(stream.messages[0]).toMatchObject({ event: 'next' });
      });
      await revoke(key.id);
      await stream.ended;
      expect(stream.messages.slice(-2)).toEqual(endedBecause('The API key was revoked'));
    } finally {
      stream.close();
    }
  });
}

const pglite = databaseEngines().filter(({ engine }) => engine === 'pglite');

// Plain titles (`on redis`, not `on 'redis'`): CI looks for the engine's name.
for (const { open } of pglite)
  for (const engineCase of engineSetCases())
    describe(`credential lifetime in one API process on ${engineCase.engine}`, () => {
      const context = useLobbyApi({ open, engineCase });
      revocationCases(() => ({
        writer: context.api,
        reader: context.api,
        scenario: context.scenario,
        feeds: context.feeds,
      }));

      /** A JWT that expires in a few seconds: long enough to connect under load. */
      const shortLivedJwt = () =>
        signTestJwt({ subject: 'short-lived', expiresAt: new Date(Date.now() + 3_000) });

      it('closes a WebSocket whose JWT expires (4401), ending its subscription', async () => {
        const { api, scenario } = context;
        const subscription = recordSubscription(
          api.webSocketUrl,
          { ...lobbySubscription, variables: { roomName: scenario.sharedRoom.name } },
          await shortLivedJwt(),
        );
        try {
          await subscription.waitFor(() => true);
          await subscription.waitForEnd(15_000);
          expect(subscription.ended.error).toMatchObject(expired);
        } finally {
          await subscription.close();
        }
      });

      it('ends an SSE subscription whose JWT expires, saying why', async () => {
        const { api, scenario } = context;
        const stream = await subscribeOverSse(
          api.graphqlUrl,
          { ...lobbySubscription, variables: { roomName: scenario.sharedRoom.name } },
          await shortLivedJwt(),
        );
        try {
          await stream.ended;
          expect(stream.messages[0]).toMatchObject({ event: 'next' });
          expect(stream.messages.slice(-2)).toEqual(endedBecause('The token expired'));
        } finally {
          stream.close();
        }
      });

      it('checks the key again per operation: one revoked unheard of is refused, its socket closed', async () => {
        const { api, scenario } = context;
        const key = await createApiKeyAs(api.gql, scenario.tokens.owner, ['READ']);
        const socket = openRawGraphqlSocket(api.webSocketUrl, key.secret);
        try {
          await socket.acknowledged;
          const first = socket.send('{ viewer { isSignedIn } }');
          await eventually(() => {
            expect(socket.received).toContainEqual({
              id: first,
              type: 'next',
              payload: { data: { viewer: { isSignedIn: true } } },
            });
          });
          // Revoked behind the API's back: no event tells the socket, only its next check.
          await api.deps.prisma.apiKey.update({
            where: { secretHash: hashSecret(key.secret) },
            data: { revokedAt: new Date() },
          });
          await eventually(() => {
            socket.send('{ viewer { isSignedIn } }');
            const errors = socket.received.filter(({ type }) => type === 'error');
            expect(errors.map(({ payload }) => payload)).toContainEqual([
              {
                message: 'The API key is unknown or revoked',
                extensions: { code: 'UNAUTHENTICATED' },
              },
            ]);
          });
          expect(await socket.closed).toEqual(revoked);
        } finally {
          socket.close();
        }
      });
    });

for (const engines of sharedEngineCases())
  describe('credential lifetime across two API processes on postgres and redis', () => {
    revocationCases(useApiProcesses(engines));
  });
