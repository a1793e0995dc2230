// Turns a bearer token into a Viewer (and what ends it): an API key, a JWT (HS256 secret or an
// issuer's JWKS), or the bootstrap admin token. Users come into existence from verified tokens.
import { timingSafeEqual } from 'node:crypto';
import {
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import {
  anonymousViewer,
  apiKeyScopes,
  type ApiKeyScope,
  type Viewer,
} from '../../domain/access.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import { hashSecret, looksLikeApiKey } from './api-key-secret.js';

export class AuthenticationError extends Error {
  override name = 'AuthenticationError';
}

export type AuthSettings = {
  jwtSecret: string | undefined;
  jwksUrl: string | undefined;
  jwtIssuer: string | undefined;
  jwtAudience: string | undefined;
  bootstrapAdminToken: string | undefined;
};

/** What ends a credential before the next check: a JWT's `exp`, an API key's revocation. */
export type CredentialLifetime = {
  /** When the credential stops being valid by itself; null when it does not expire. */
  expiresAt: Date | null;
  /** The API key it is (its revocation ends it); null for other credentials. */
  apiKeyId: string | null;
};

export type Authenticated = { viewer: Viewer; lifetime: CredentialLifetime };

export type Authenticate = (authorization: string | undefined | null) => Promise<Authenticated>;

const lasting: CredentialLifetime = { expiresAt: null, apiKeyId: null };

const allScopes: ReadonlySet<ApiKeyScope> = new Set(apiKeyScopes);
const userScopes: ReadonlySet<ApiKeyScope> = new Set(['READ', 'WRITE']);
export const bootstrapAdminSubject = 'bootstrap:admin';
const adminRole = 'lobby-admin';

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function claimsAdmin(payload: JWTPayload): boolean {
  return [payload.roles, payload.groups].some(
    (claim) => Array.isArray(claim) && claim.includes(adminRole),
  );
}

function displayNameOf(payload: JWTPayload): string | null {
  const name = payload.name ?? payload.preferred_username ?? payload.email;
  return typeof name === 'string' ? name : null;
}

export function createAuthenticator(prisma: PrismaClient, settings: AuthSettings): Authenticate {
  const hmacKey =
    settings.jwtSecret === undefined ? undefined : new TextEncoder().encode(settings.jwtSecret);
  const jwks: JWTVerifyGetKey | undefined =
    settings.jwksUrl === undefined ? undefined : createRemoteJWKSet(new URL(settings.jwksUrl));

  async function verifyJwt(token: string): Promise<JWTPayload> {
    const options = {
      issuer: settings.jwtIssuer,
      audience: settings.jwtAudience,
      // A token without an expiry would work forever; one without a subject names nobody.
      requiredClaims: ['exp', 'sub'],
    };
    const { alg } = decodeProtectedHeader(token);
    if (alg !== 'HS256' && jwks !== undefined) {
      return (await jwtVerify(token, jwks, options)).payload;
    }
    if (alg === 'HS256' && hmacKey !== undefined) {
      return (await jwtVerify(token, hmacKey, { ...options, algorithms: ['HS256'] })).payload;
    }
    throw new AuthenticationError(
      `Tokens signed with ${alg ?? 'no algorithm'} are not accepted here`,
    );
  }

  async function fromJwt(token: string): Promise<Authenticated> {
    const payload = await verifyJwt(token).catch((error: unknown) => {
      if (error instanceof AuthenticationError) throw error;
      if (error instanceof errors.JWTClaimValidationFailed && error.reason === 'missing') {
        throw new AuthenticationError(`The token has no "${error.claim}" claim`);
      }
      throw new AuthenticationError('The token is invalid or expired');
    });
    if (typeof payload.sub !== 'string' || payload.sub === '') {
      throw new AuthenticationError('The token has no subject');
    }
    const { exp } = payload;
    if (exp === undefined) throw new AuthenticationError('The token has no "exp" claim');
    const isAdmin = claimsAdmin(payload);
    const subject = `jwt:${payload.iss ?? ''}:${payload.sub}`;
    const displayName = displayNameOf(payload);
    const user = await prisma.user.upsert({
      where: { subject },
      create: { subject, displayName, isAdmin },
      update: { displayName, isAdmin },
    });
    return {
      viewer: {
        kind: 'user',
        userId: user.id,
        isAdmin,
        scopes: isAdmin ? allScopes : userScopes,
        credential: 'jwt',
      },
      lifetime: { expiresAt: new Date(exp * 1000), apiKeyId: null },
    };
  }

  async function fromApiKey(secret: string): Promise<Authenticated> {
    const key = await prisma.apiKey.findUnique({
      where: { secretHash: hashSecret(secret) },
      include: { owner: true },
    });
    if (key === null || key.revokedAt !== null) {
      throw new AuthenticationError('The API key is unknown or revoked');
    }
    // Best effort: a lost update of lastUsedAt must not fail the request.
    void prisma.apiKey
      .update({ where: { id: key.id }, data: { lastUsedAt: new Date() } })
      .catch(() => undefined);
    return {
      viewer: {
        kind: 'user',
        userId: key.ownerId,
        isAdmin: key.owner.isAdmin,
        scopes: new Set(key.scopes),
        credential: 'api-key',
      },
      lifetime: { expiresAt: null, apiKeyId: key.id },
    };
  }

  async function fromBootstrapToken(): Promise<Authenticated> {
    const user = await prisma.user.upsert({
      where: { subject: bootstrapAdminSubject },
      create: { subject: bootstrapAdminSubject, displayName: 'Administrator', isAdmin: true },
      update: {},
    });
    return {
      viewer: {
        kind: 'user',
        userId: user.id,
        isAdmin: true,
        scopes: allScopes,
        credential: 'bootstrap-token',
      },
      lifetime: lasting,
    };
  }

  return async (authorization) => {
    if (authorization === undefined || authorization === null || authorization.trim() === '') {
      return { viewer: anonymousViewer, lifetime: lasting };
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    const token = match?.[1];
    if (token === undefined) {
      throw new AuthenticationError('Use "Authorization: Bearer <token>"');
    }
    if (
      settings.bootstrapAdminToken !== undefined &&
      sameSecret(token, settings.bootstrapAdminToken)
    ) {
      return fromBootstrapToken();
    }
    return looksLikeApiKey(token) ? fromApiKey(token) : fromJwt(token);
  };
}
