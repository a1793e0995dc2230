import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.js';

describe('config', () => {
  it('runs on embedded engines with nothing set', () => {
    const config = parseConfig({});
    expect(config).toMatchObject({
      PORT: 4000,
      PUBLIC_BASE_URL: 'http://localhost:4000',
      REDIS_KEY_PREFIX: 'lobby',
      CALENDAR_LOOKAHEAD_DAYS: 7,
      CALENDAR_FETCH_ALLOWED_HOSTS: [],
    });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.REDIS_URL).toBeUndefined();
  });

  it('takes a Redis key prefix for deployments that share one Redis', () => {
    expect(parseConfig({ REDIS_KEY_PREFIX: 'lobby-staging' }).REDIS_KEY_PREFIX).toBe(
      'lobby-staging',
    );
  });

  it('has quotas and rate limits by default, each overridable', () => {
    expect(parseConfig({})).toMatchObject({
      TRUSTED_PROXY_HOPS: 0,
      ROOMS_PER_USER_MAX: 50,
      FEED_INSPECTIONS_PER_USER_PER_MINUTE: 10,
      CALENDAR_SYNCS_PER_USER_PER_MINUTE: 10,
      MEETING_STARTS_PER_IP_PER_MINUTE: 10,
      MEETING_STARTS_PER_ROOM_PER_MINUTE: 20,
      MEETING_JOINS_PER_IP_PER_MINUTE: 30,
      MEETING_JOINS_PER_MEETING_PER_MINUTE: 100,
    });
    expect(parseConfig({ ROOMS_PER_USER_MAX: '5', TRUSTED_PROXY_HOPS: '1' })).toMatchObject({
      ROOMS_PER_USER_MAX: 5,
      TRUSTED_PROXY_HOPS: 1,
    });
    expect(() => parseConfig({ MEETING_JOINS_PER_IP_PER_MINUTE: '0' })).toThrow(
      /MEETING_JOINS_PER_IP_PER_MINUTE: /,
    );
  });

  it('names every variable that is wrong, and why', () => {
    const parse = () =>
      parseConfig({ REDIS_URL: 'http://redis', REDIS_KEY_PREFIX: 'a:b', PORT: 'eighty' });
    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow(/REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/);
    expect(parse).toThrow(/REDIS_KEY_PREFIX: letters, digits, "-" and "_" only/);
    expect(parse).toThrow(/PORT: /);
  });

  it('uses Jitsi unless told to use Daily, which needs its base64 webhook secret', () => {
    expect(parseConfig({})).toMatchObject({ VIDEO_PLATFORM: 'jitsi' });
    const secret = Buffer.from('sixteen-bytes-or-more').toString('base64');
    expect(parseConfig({ VIDEO_PLATFORM: 'daily', DAILY_WEBHOOK_SECRET: secret })).toMatchObject({
      VIDEO_PLATFORM: 'daily',
      DAILY_WEBHOOK_SECRET: secret,
    });
    expect(() => parseConfig({ VIDEO_PLATFORM: 'daily' })).toThrow(
      /DAILY_WEBHOOK_SECRET: required with VIDEO_PLATFORM=daily/,
    );
    expect(() =>
      parseConfig({ VIDEO_PLATFORM: 'daily', DAILY_WEBHOOK_SECRET: 'c2hvcnQ=' }),
    ).toThrow(/DAILY_WEBHOOK_SECRET: must be base64 of at least 16 bytes/);
    expect(() => parseConfig({ VIDEO_PLATFORM: 'zoom' })).toThrow(/VIDEO_PLATFORM/);
  });

  describe('JWT verification', () => {
    const jwks = {
      AUTH_JWKS_URL: 'https://id.example.org/.well-known/jwks.json',
      AUTH_JWT_ISSUER: 'https://id.example.org/',
      AUTH_JWT_AUDIENCE: 'lobby',
    };

    it('takes an HS256 secret of 32 bytes or more, and a JWKS with issuer and audience', () => {
      const secret = 'x'.repeat(32);
      expect(parseConfig({ AUTH_JWT_SECRET: secret }).AUTH_JWT_SECRET).toBe(secret);
      expect(parseConfig(jwks)).toMatchObject(jwks);
    });

    it.each([
      {
        name: 'an HS256 secret shorter than 32 bytes',
        environment: { AUTH_JWT_SECRET: 'x'.repeat(31) },
        message: /AUTH_JWT_SECRET: must be at least 32 bytes/,
      },
      {
        name: 'a JWKS over plain http',
        environment: { ...jwks, AUTH_JWKS_URL: 'http://id.example.org/jwks.json' },
        message: /AUTH_JWKS_URL: must be an https:\/\/ URL/,
      },
      {
        name: 'a JWKS without an issuer',
        environment: { ...jwks, AUTH_JWT_ISSUER: '' },
        message: /AUTH_JWT_ISSUER: required with AUTH_JWKS_URL/,
      },
      {
        name: 'a JWKS without an audience',
        environment: { AUTH_JWKS_URL: jwks.AUTH_JWKS_URL, AUTH_JWT_ISSUER: jwks.AUTH_JWT_ISSUER },
        message: /AUTH_JWT_AUDIENCE: required with AUTH_JWKS_URL/,
      },
    ])('refuses $name at start, saying why', ({ environment, message }) => {
      const parse = () => parseConfig(environment);
      expect(parse).toThrow(ConfigError);
      expect(parse).toThrow(message);
    });
  });
});
