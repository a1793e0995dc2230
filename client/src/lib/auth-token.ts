// Reading what a person pastes into the sign-in box: an API key or a JWT, with or without "Bearer".

/** The bare token, or null when nothing usable was pasted. */
export function normalizeToken(input: string): string | null {
  const token = input.trim().replace(/^bearer(?:\s+|$)/i, '');
  return token === '' || /\s/.test(token) ? null : token;
}

export function authorizationHeader(token: string): string {
  return `Bearer ${token}`;
}
