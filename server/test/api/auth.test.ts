// Authentication (DESIGN §5): bearer API keys, JWTs and the bootstrap admin token, over HTTP and in
// the WebSocket's connection_init; anything else is refused with a clear message.
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  authorization,
  connectionInitCloseCode,
  dataOf,
  pick,
  pickArray,
} from '../support/api-client.js';
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
        name: 'a JWT without an expiry',
        header: async () =>
          `Bearer ${await new SignJWT({ name: 'Forever' })
            .setProtectedHeader({ alg: 'HS256' })
            .setSubject('forever')
            .sign(new TextEncoder().encode(testSecrets.jwtSecret))}`,
        message: 'The token has no "exp" claim',
      },
      {
        name: 'a JWT without a subject',
        header: async () =>
          `Bearer ${await new SignJWT({ name: 'Nobody' })
            .setProtectedHeader({ alg: 'HS256' })
            .setExpirationTime('1h')
            .sign(new TextEncoder().encode(testSecrets.jwtSecret))}`,
        message: 'The token has no "sub" claim',
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

    const createKeyMutation = `mutation ($input: CreateApiKeyInput!) {
      createApiKey(input: $input) { __typename ... on Error { message } }
    }`;
    const revokeKeyMutation = `mutation ($id: ID!) {
      revokeApiKey(id: $id) { __typename ... on Error { message } }
    }`;
    const readOnly = {
      __typename: 'ForbiddenError',
      message: 'This credential may only read: use a key with the WRITE scope',
    };

    it('refuses to mint keys with a READ key, and creates none', async () => {
      const { gql } = context.api;
      const { tokens } = context.scenario;
      const keyCount = async () =>
        pickArray(
          dataOf(await gql('{ viewer { user { apiKeys { id } } } }', {}, { token: tokens.owner })),
          'viewer',
          'user',
          'apiKeys',
        ).length;
      const before = await keyCount();
      const created = await gql(
        createKeyMutation,
        { input: { name: 'escalation', scopes: ['READ'] } },
        { token: tokens.readKey },
      );
      expect(dataOf(created)).toEqual({ createApiKey: readOnly });
      expect(await keyCount()).toBe(before);
    });

    it("refuses to revoke a key with a READ key: the owner's WRITE key keeps working", async () => {
      const { gql } = context.api;
      const { tokens } = context.scenario;
      const writeKey = await createApiKeyAs(gql, tokens.owner, ['READ', 'WRITE']);
      const revoked = await gql(revokeKeyMutation, { id: writeKey.id }, { token: tokens.readKey });
      expect(dataOf(revoked)).toEqual({ revokeApiKey: readOnly });
      expect(
        dataOf(await gql('{ viewer { isSignedIn } }', {}, { token: writeKey.secret })),
      ).toEqual({ viewer: { isSignedIn: true } });
      // A WRITE key may revoke its owner's keys, itself included.
      const byWriteKey = await gql(
        revokeKeyMutation,
        { id: writeKey.id },
        { token: tokens.writeKey },
      );
      expect(dataOf(byWriteKey)).toEqual({ revokeApiKey: { __typename: 'RevokeApiKeySuccess' } });
    });

    it("gives an admin's READ key no admin rights: not an admin, no private rooms of others", async () => {
      const { gql } = context.api;
      const { tokens, sharedRoom, privateRoom, otherRoom } = context.scenario;
      const adminReadKey = await createApiKeyAs(gql, tokens.admin, ['READ']);
      const data = dataOf(
        await gql(
          '{ viewer { isAdmin } rooms(first: 100) { edges { node { name } } } }',
          {},
          { token: adminReadKey.secret },
        ),
      );
      expect(pick(data, 'viewer')).toEqual({ isAdmin: false });
      const listed = pickArray(data, 'rooms', 'edges').map((edge) => pick(edge, 'node', 'name'));
      expect(listed).toContain(sharedRoom.name);
      expect(listed).not.toContain(privateRoom.name);
      expect(listed).not.toContain(otherRoom.name);
    });
  });
