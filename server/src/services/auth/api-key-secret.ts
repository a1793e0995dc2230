// API key secrets: random, shown once, stored only as a SHA-256 hash.
import { createHash, randomBytes } from 'node:crypto';

const secretPrefix = 'lobby_';

export function generateApiKeySecret(): string {
  return `${secretPrefix}${randomBytes(32).toString('base64url')}`;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** What a user sees to tell keys apart, never enough to use one. */
export function secretStart(secret: string): string {
  return secret.slice(0, secretPrefix.length + 6);
}

export function looksLikeApiKey(token: string): boolean {
  return token.startsWith(secretPrefix);
}
