// Development sign-in (`npm start` with DEV_SIGN_IN): a token that the API's own JWT check
// (authenticate.ts, AUTH_JWT_SECRET) accepts, for an administrator named as typed.
import { SignJWT } from 'jose';

export type DevelopmentTokenIssuer = (displayName: string) => Promise<string>;

export function developmentTokenIssuer(secret: string): DevelopmentTokenIssuer {
  const key = new TextEncoder().encode(secret);
  return async (displayName: string) =>
    new SignJWT({ name: displayName, roles: ['lobby-admin'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(`dev:${displayName.trim().toLowerCase()}`)
      .setIssuedAt()
      .setExpirationTime('30d')
      .sign(key);
}
