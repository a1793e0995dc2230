import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RESERVED_ROOM_NAMES, roomUrl, validateRoomName } from './room-name.js';

describe('validateRoomName', () => {
  it.each(['team', 'a', '7', 'team-sales', 'a--b', 'q3-2026', 'x'.repeat(63)])(
    'accepts %s as is',
    (name) => {
      expect(validateRoomName(name)).toEqual({ ok: true, name });
    },
  );

  it.each([
    ['', 'A room name is required.'],
    ['x'.repeat(64), 'A room name is at most 63 characters long; this one has 64.'],
    ['Team', 'A room name is lower-case: use "team".'],
    ['TEAM-Sales', 'A room name is lower-case: use "team-sales".'],
    ['-team', 'A room name starts and ends with a letter or a digit.'],
    ['team-', 'A room name starts and ends with a letter or a digit.'],
    ['-', 'A room name starts and ends with a letter or a digit.'],
    ['team sales', 'A room name may contain only lower-case letters (a–z), digits and hyphens.'],
    ['team_sales', 'A room name may contain only lower-case letters (a–z), digits and hyphens.'],
    ['équipe', 'A room name may contain only lower-case letters (a–z), digits and hyphens.'],
    ['team/x', 'A room name may contain only lower-case letters (a–z), digits and hyphens.'],
    [' team', 'A room name may contain only lower-case letters (a–z), digits and hyphens.'],
    ['favicon.ico', 'A room name may contain only lower-case letters (a–z), digits and hyphens.'],
    ['robots.txt', 'A room name may contain only lower-case letters (a–z), digits and hyphens.'],
  ])('rejects %j: %s', (input, message) => {
    expect(validateRoomName(input)).toEqual({ ok: false, message });
  });

  it.each([...RESERVED_ROOM_NAMES])('rejects the reserved name %s', (name) => {
    expect(validateRoomName(name)).toEqual({
      ok: false,
      message: `"${name}" is reserved by Lobby; choose another room name.`,
    });
  });

  it('reserves every path the server and client own', () => {
    for (const path of ['graphql', 'health', 'ready', 'metrics', 'assets', 'settings', 'api']) {
      expect(RESERVED_ROOM_NAMES.has(path)).toBe(true);
    }
  });

  it('accepts exactly the slugs of the pattern that are not reserved', () => {
    const slug = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
    fc.assert(
      fc.property(fc.oneof(fc.stringMatching(slug), fc.string({ maxLength: 70 })), (input) => {
        const expected = slug.test(input) && !RESERVED_ROOM_NAMES.has(input);
        expect(validateRoomName(input).ok).toBe(expected);
      }),
    );
  });
});

describe('roomUrl', () => {
  it.each([
    ['https://lobby.example.com', 'team', 'https://lobby.example.com/team'],
    ['https://lobby.example.com/', 'team', 'https://lobby.example.com/team'],
    ['https://LOBBY.example.com', 'team', 'https://lobby.example.com/team'],
    ['http://127.0.0.1:4000', 'demo', 'http://127.0.0.1:4000/demo'],
    ['https://lobby.example.com:443', 'team', 'https://lobby.example.com/team'],
    ['https://example.com/lobby', 'team', 'https://example.com/lobby/team'],
    ['https://example.com/lobby//', 'team', 'https://example.com/lobby/team'],
    ['https://example.com/?x=1#top', 'team', 'https://example.com/team'],
  ])('roomUrl(%s, %s) is %s', (base, name, expected) => {
    expect(roomUrl(base, name)).toBe(expected);
  });
});
