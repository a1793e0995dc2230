// Authentication (DESIGN §5): bearer API keys, JWTs and the bootstrap admin token, over HTTP and in
// the WebSocket's connection_init; anything else is refused with a clear message.
import { describe, expect, it } from 'vitest';
import { authorization, connectionInitCloseCode, dataOf, pick } from '../support/api-client.js';
import { useLobbyApi } from '../support/api-context.js';
import { createApiKeyAs, signTestJwt } from '../support/api-seed.js';
import { testSecrets } from '../support/api-server.js';
import { databaseEngines } from '../support/database.js';

const invalidToken = 'The token is invalid or expired';
const unknownKey = 'The API key is unknown or revoked';

// Plain titles (`on postgres`, not `on 'postgres'`): CI looks for the engine's name.
for (const { engine, open } of databaseEngines())
  describe(`API authentication on ${engine}`, () => {
    const context = useLobbyApi({ open });

    /** Credentials that must be refused, with the message that says why. */
    const refused = [
      {
        name: 'a made-up token',
        header: () => Promise.resolve('Bearer nonsense'),
        message: invalidToken,
      },
      {
        name: 'another scheme',
        header: () => Promise.resolve('Basic dXNlcjpwYXNz'),
        message: 'Use "Authorization: Bearer <token>"',
      },
      {
        name: 'a JWT signed with another secret',
        header: async () =>
          `Bearer ${await signTestJwt({ subject: 'mallory', secret: 'not-the-servers-secret-at-all' })}`,
        message: invalidToken,
      },
      {
        name: 'an expired JWT',
        header: async () =>
          `Bearer ${await signTestJwt({ subject: 'sleeper', expiresAt: new Date(Date.now() - 60_000) })}`,
        message: invalidToken,
      },
      {
        name: 'an unknown API key',
        header: () => Promise.resolve('Bearer lobby_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'),
        message: unknownKey,
      },
      {
        name: 'a revoked API key',
        header: async () => {
          const { gql } = context.api;
          const key = await createApiKeyAs(gql, context.scenario.tokens.owner, ['READ']);
          const revoked = await gql(
            'mutation ($id: ID!) { revokeApiKey(id: $id) { __typename } }',
            { id: key.id },
            { token: context.scenario.tokens.owner },
          );
          expect(dataOf(revoked)).toEqual({ revokeApiKey: { __typename: 'RevokeApiKeySuccess' } });
          return `Bearer ${key.secret}`;
        },
        message: unknownKey,
      },
    ];

    it.each(refused)(
      'refuses $name over HTTP with 401 and says why',
      async ({ header, message }) => {
        const response = await context.api.gql(
          '{ viewer { isSignedIn } }',
          {},
          { headers: { authorization: await header() } },
        );
        expect(response.status).toBe(401);
        expect(response.body).toEqual({
          errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }],
        });
      },
    );

    it.each(refused)(
      'closes a WebSocket whose connection_init carries $name with 4403',
      async ({ header }) => {
        const closed = await connectionInitCloseCode(context.api.webSocketUrl, {
          authorization: await header(),
        });
        expect(closed.code).toBe(4403);
      },
    );

    it.each([
      { name: 'no token', token: undefined },
      { name: 'a JWT', token: () => context.scenario.tokens.participant },
      { name: 'an API key', token: () => context.scenario.tokens.readKey },
      { name: 'the bootstrap admin token', token: () => testSecrets.bootstrapAdminToken },
    ])('acknowledges a WebSocket with $name', async ({ token }) => {
      const closed = await connectionInitCloseCode(
        context.api.webSocketUrl,
        authorization(token?.()),
      );
      expect(closed).toEqual({ code: 1000, reason: 'acknowledged' });
    });

    it('treats a request without a token as an anonymous participant', async () => {
      const response = await context.api.gql('{ viewer { isSignedIn isAdmin user { id } } }');
      expect(response.body).toEqual({
        data: { viewer: { isSignedIn: false, isAdmin: false, user: null } },
      });
    });

    it('signs JWT users in as themselves, admins by their lobby-admin role', async () => {
      const { gql } = context.api;
      const query = '{ viewer { isSignedIn isAdmin user { displayName } } }';
      expect(dataOf(await gql(query, {}, { token: context.scenario.tokens.participant }))).toEqual({
        viewer: { isSignedIn: true, isAdmin: false, user: { displayName: 'Pat' } },
      });
      expect(dataOf(await gql(query, {}, { token: context.scenario.tokens.admin }))).toEqual({
        viewer: { isSignedIn: true, isAdmin: true, user: { displayName: 'Ada Admin' } },
      });
    });

    it('accepts the bootstrap admin token as an admin: any room, ADMIN keys', async () => {
      const { gql } = context.api;
      const token = testSecrets.bootstrapAdminToken;
      expect(dataOf(await gql('{ viewer { isSignedIn isAdmin } }', {}, { token }))).toEqual({
        viewer: { isSignedIn: true, isAdmin: true },
      });
      const updated = await gql(
        `mutation ($input: UpdateRoomInput!) { updateRoom(input: $input) { __typename } }`,
        { input: { id: context.scenario.otherRoom.id, gracePeriodMinutes: 15 } },
        { token },
      );
      expect(dataOf(updated)).toEqual({ updateRoom: { __typename: 'UpdateRoomSuccess' } });
      const adminKey = await createApiKeyAs(gql, token, ['ADMIN']);
      expect(
        pick(dataOf(await gql('{ viewer { isAdmin } }', {}, { token: adminKey.secret })), 'viewer'),
      ).toEqual({ isAdmin: true });
    });
  });
