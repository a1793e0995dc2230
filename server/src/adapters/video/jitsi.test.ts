import { describe, expect, it } from 'vitest';
import { createJitsiPlatform } from './jitsi.js';
import { videoPlatformFor } from './video-platform.js';

/** Jitsi's own reading of a fragment parameter: split on '&' and '=', URI-decode, JSON-parse. */
function jitsiFragmentParameters(url: string): Map<string, unknown> {
  const fragment = new URL(url).hash.slice(1);
  return new Map(
    fragment.split('&').map((part) => {
      const [key = '', value = ''] = part.split('=');
      return [key, JSON.parse(decodeURIComponent(value))];
    }),
  );
}

describe('the Jitsi-style video platform', () => {
  const platform = createJitsiPlatform({ baseUrl: 'https://video.example.org/' });

  it('names video rooms after the Lobby room with a long random lower-case suffix', () => {
    const names = Array.from({ length: 100 }, () => platform.newVideoRoomName('team-sales'));
    for (const name of names) {
      expect(name).toMatch(/^team-sales-[0-9a-f]{24}$/);
    }
    expect(new Set(names).size).toBe(names.length);
  });

  it('joins the video room on the base URL, without a doubled slash', () => {
    const url = platform.joinUrl({ videoRoomName: 'team-0a1b' }, { displayName: 'Ann' });
    expect(url).toBe('https://video.example.org/team-0a1b#userInfo.displayName=%22Ann%22');
  });

  it.each(['Ann & Bob', 'Zoë "the boss"', 'a=b#c', 'back\\slash', '100% 😀 名前'])(
    'passes the display name %j so that Jitsi reads it back unchanged',
    (displayName) => {
      const url = platform.joinUrl({ videoRoomName: 'team-0a1b' }, { displayName });
      const parsed = new URL(url);
      expect(parsed.pathname).toBe('/team-0a1b');
      expect(jitsiFragmentParameters(url)).toEqual(
        new Map([['userInfo.displayName', displayName]]),
      );
    },
  );

  it('is the platform chosen from the configuration', () => {
    const configured = videoPlatformFor({
      VIDEO_BASE_URL: 'https://meet.example.com',
      VIDEO_PLATFORM: 'jitsi',
      DAILY_WEBHOOK_SECRET: undefined,
      DAILY_API_KEY: undefined,
      DAILY_API_URL: 'https://api.daily.co/v1',
    });
    expect(configured.joinUrl({ videoRoomName: 'r-1' }, { displayName: 'A' })).toMatch(
      /^https:\/\/meet\.example\.com\/r-1#/,
    );
  });
});
