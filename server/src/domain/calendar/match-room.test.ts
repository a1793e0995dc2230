import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRoomMatcher, type MatchableOccurrence } from './match-room.js';

const ROOM_URL = 'https://lobby.example.com/team';
const matcher = createRoomMatcher(ROOM_URL);

const inLocation = (location: string): MatchableOccurrence => ({
  location,
  description: null,
  links: [],
});
const inDescription = (description: string): MatchableOccurrence => ({
  location: null,
  description,
  links: [],
});

describe('createRoomMatcher().matches', () => {
  it.each([
    ['the exact URL', 'https://lobby.example.com/team'],
    ['a trailing slash', 'https://lobby.example.com/team/'],
    ['http instead of https', 'http://lobby.example.com/team'],
    ['an upper-case scheme and host', 'HTTPS://LOBBY.EXAMPLE.COM/team'],
    [
      'the name in another case (the client opens /Team as /team)',
      'https://lobby.example.com/Team',
    ],
    ['everything in upper case', 'HTTPS://LOBBY.EXAMPLE.COM/TEAM/'],
    ['the explicit default port', 'https://lobby.example.com:443/team'],
    ['a query', 'https://lobby.example.com/team?utm_source=calendar&x=1'],
    ['a fragment', 'https://lobby.example.com/team#join'],
    ['a percent-encoded path', 'https://lobby.example.com/%74%65%61%6D'],
    ['lower-case percent-encoding', 'https://lobby.example.com/te%61m/'],
    ['a dot segment', 'https://lobby.example.com/x/../team'],
    ['surrounding text', 'Room 4 or online: https://lobby.example.com/team (video)'],
    ['sentence punctuation', 'Join at https://lobby.example.com/team.'],
    ['a comma list', 'https://lobby.example.com/team, https://other.example.com/x'],
    ['angle brackets', 'Lobby <https://lobby.example.com/team>'],
    ['Markdown', '[Join](https://lobby.example.com/team)'],
    ['quotes', '"https://lobby.example.com/team"'],
    ['an ICS escape left in place', 'https://lobby.example.com/team\\, room 4'],
  ])('accepts %s in LOCATION', (_case, location) => {
    expect(matcher.matches(inLocation(location))).toBe(true);
  });

  it.each([
    ['an href', '<p>Join <a href="https://lobby.example.com/team">here</a></p>'],
    ['a single-quoted href', "<a href='https://lobby.example.com/team'>x</a>"],
    ['an unquoted href', '<a href=https://lobby.example.com/team>x</a>'],
    ['text inside tags', '<p><b>https://lobby.example.com/team</b></p>'],
    ['an entity in the query', '<a href="https://lobby.example.com/team?a=1&amp;b=2">x</a>'],
    ['an entity-encoded path', 'https:&#x2F;&#x2F;lobby.example.com&#47;team'],
    ['named entities', 'https&colon;&sol;&sol;lobby&period;example.com/team'],
    ['entity-encoded angle brackets', '&lt;https://lobby.example.com/team&gt;'],
    ['a non-breaking space after it', 'https://lobby.example.com/team&nbsp;now'],
    ['a line break after it', 'Lobby:\nhttps://lobby.example.com/team\nAgenda: …'],
    ['a <br> after it', 'Lobby: https://lobby.example.com/team<br>Agenda'],
  ])('accepts %s in DESCRIPTION', (_case, description) => {
    expect(matcher.matches(inDescription(description))).toBe(true);
  });

  it('accepts the URL among the links (URL and conference properties)', () => {
    expect(
      matcher.matches({
        location: 'Room 4',
        description: 'Agenda',
        links: ['https://calendar.example.com/event/1', 'https://lobby.example.com/team'],
      }),
    ).toBe(true);
  });

  it.each([
    ['a longer name', 'https://lobby.example.com/team-sales'],
    ['a plural', 'https://lobby.example.com/teams'],
    ['a sub-path', 'https://lobby.example.com/team/x'],
    ['a meeting page of the room', 'https://lobby.example.com/team/0b9c6a4e'],
    ['two trailing slashes', 'https://lobby.example.com/team//'],
    ['an encoded slash', 'https://lobby.example.com/team%2F'],
    ['a prefix of the name', 'https://lobby.example.com/tea'],
    ['the site root', 'https://lobby.example.com/'],
    ['the name in the query', 'https://lobby.example.com/?room=team'],
    ['the name in the fragment', 'https://lobby.example.com/#/team'],
    ['a www. host', 'https://www.lobby.example.com/team'],
    ['a host that ends like ours', 'https://evil-lobby.example.com/team'],
    ['our host as a sub-domain', 'https://lobby.example.com.evil.test/team'],
    ['our host as user info', 'https://lobby.example.com@evil.test/team'],
    ['another port', 'https://lobby.example.com:8443/team'],
    ['the http port over https', 'https://lobby.example.com:80/team'],
    ['another scheme', 'webcal://lobby.example.com/team'],
    ['no scheme', 'lobby.example.com/team'],
    ['a path under another prefix', 'https://lobby.example.com/x/team'],
    ['nothing at all', ''],
  ])('rejects %s', (_case, location) => {
    expect(matcher.matches(inLocation(location))).toBe(false);
    expect(matcher.matches(inDescription(location))).toBe(false);
    expect(matcher.matches({ location: null, description: null, links: [location] })).toBe(false);
  });

  it('rejects an occurrence with no text', () => {
    expect(matcher.matches({ location: null, description: null, links: [] })).toBe(false);
  });

  it('decodes entities once, as a browser shows them', () => {
    // `&amp;lt;` is the text "&lt;", so the URL runs on into "&lt;…" rather than ending there.
    expect(matcher.matches(inDescription('https://lobby.example.com/team&amp;lt;b'))).toBe(false);
  });

  it('matches rooms whose base URL has a port or a path prefix', () => {
    const local = createRoomMatcher('http://127.0.0.1:4000/demo');
    expect(local.matches(inLocation('http://127.0.0.1:4000/demo/'))).toBe(true);
    expect(local.matches(inLocation('http://127.0.0.1/demo'))).toBe(false);
    expect(local.matches(inLocation('http://127.0.0.1:4001/demo'))).toBe(false);

    const prefixed = createRoomMatcher('https://example.com/lobby/team');
    expect(prefixed.matches(inLocation('https://example.com/lobby/team'))).toBe(true);
    expect(prefixed.matches(inLocation('https://example.com/team'))).toBe(false);
  });

  it('refuses a room URL that is not http(s)', () => {
    expect(() => createRoomMatcher('webcal://lobby.example.com/team')).toThrow(
      'Not an http(s) room URL: webcal://lobby.example.com/team',
    );
    expect(() => createRoomMatcher('not a url')).toThrow('Not an http(s) room URL: not a url');
  });
});

describe('createRoomMatcher().nearMisses', () => {
  it('lists URLs on our host with another path, and our path on other hosts, once each', () => {
    const occurrence: MatchableOccurrence = {
      location: 'https://lobby.example.com/team-sales',
      description:
        '<a href="https://lobby.example.com/team/x">a</a> https://www.lobby.example.com/team ' +
        'https://lobby.example.com/team-sales https://unrelated.example.com/other ' +
        'https://lobby.example.com/team',
      links: ['https://staging.example.com/team/'],
    };
    expect(matcher.nearMisses(occurrence)).toEqual([
      'https://lobby.example.com/team-sales',
      'https://lobby.example.com/team/x',
      'https://www.lobby.example.com/team',
      'https://staging.example.com/team/',
    ]);
  });

  it('is empty when the room URL is the only close URL', () => {
    expect(
      matcher.nearMisses(inLocation('https://lobby.example.com/team/ https://other.example.com/')),
    ).toEqual([]);
  });
});

const slug = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,20}[a-z0-9])?$/);
const slugChars = fc.stringMatching(/^[a-z0-9-]{1,10}$/);
const pathSegment = fc.stringMatching(/^[a-zA-Z0-9\-_~]{1,10}$/);
const context = fc.constantFrom(
  (url: string) => url,
  (url: string) => `Join: ${url}.`,
  (url: string) => `<${url}>`,
  (url: string) => `<a href="${url}">join</a>`,
  (url: string) => `<p>${url}</p>`,
  (url: string) => `(${url})`,
);
const queryOrFragment = fc.constantFrom('', '?', '?x=1', '#', '#/team', '?a=1&b=/team#c');

describe('matching properties', () => {
  it('never accepts another path than the room name', () => {
    const otherPath = fc.oneof(
      // The name extended: team-sales, teams, team2.
      fc.tuple(slug, slugChars).map(([name, suffix]) => ({ name, path: `${name}${suffix}` })),
      // A page below the room.
      fc
        .tuple(slug, pathSegment, fc.boolean())
        .map(([name, segment, slash]) => ({ name, path: `${name}/${segment}${slash ? '/' : ''}` })),
      // Another room entirely.
      fc
        .tuple(slug, slug)
        .filter(([name, other]) => name !== other)
        .map(([name, path]) => ({ name, path })),
    );
    fc.assert(
      fc.property(otherPath, queryOrFragment, context, ({ name, path }, tail, wrap) => {
        const roomMatcher = createRoomMatcher(`https://lobby.example.com/${name}`);
        const text = wrap(`https://lobby.example.com/${path}${tail}`);
        expect(roomMatcher.matches(inDescription(text))).toBe(false);
      }),
    );
  });

  it('always accepts the room URL, whatever its query, fragment and surroundings', () => {
    fc.assert(
      fc.property(
        slug,
        fc.boolean(),
        fc.constantFrom('http', 'https', 'HTTPS'),
        queryOrFragment,
        context,
        (name, slash, scheme, tail, wrap) => {
          const roomMatcher = createRoomMatcher(`https://lobby.example.com/${name}`);
          const text = wrap(`${scheme}://Lobby.Example.com/${name}${slash ? '/' : ''}${tail}`);
          expect(roomMatcher.matches(inDescription(text))).toBe(true);
        },
      ),
    );
  });

  it('never accepts the room path on another host', () => {
    const host = fc.stringMatching(/^[a-z0-9-]{1,10}(\.[a-z0-9-]{1,10}){0,2}$/);
    fc.assert(
      fc.property(slug, host, (name, otherHost) => {
        fc.pre(otherHost !== 'lobby.example.com');
        const roomMatcher = createRoomMatcher(`https://lobby.example.com/${name}`);
        expect(roomMatcher.matches(inLocation(`https://${otherHost}/${name}`))).toBe(false);
      }),
    );
  });
});
