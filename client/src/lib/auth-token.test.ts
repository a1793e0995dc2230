import { describe, expect, it } from 'vitest';
import { authorizationHeader, normalizeToken } from './auth-token.js';

describe('normalizeToken', () => {
  it('takes a pasted token as is, without surrounding blanks', () => {
    expect(normalizeToken('  lobby_key_abc123\n')).toBe('lobby_key_abc123');
  });

  it('drops a "Bearer" prefix copied along with the token', () => {
    expect(normalizeToken('Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.sig')).toBe(
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.sig',
    );
    expect(normalizeToken('bearer   abc')).toBe('abc');
  });

  it('refuses empty input and text with blanks inside', () => {
    expect(normalizeToken('   ')).toBeNull();
    expect(normalizeToken('Bearer ')).toBeNull();
    expect(normalizeToken('two words')).toBeNull();
  });
});

describe('authorizationHeader', () => {
  it('is a bearer header', () => {
    expect(authorizationHeader('abc')).toBe('Bearer abc');
  });
});
