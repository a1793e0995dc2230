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

  it('traces nothing unless an OTLP endpoint is set, and then needs an http(s) URL', () => {
    expect(parseConfig({})).toMatchObject({ OTEL_SERVICE_NAME: 'lobby' });
    expect(parseConfig({}).OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
    expect(
      parseConfig({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
        OTEL_SERVICE_NAME: 'api',
      }),
    ).toMatchObject({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_SERVICE_NAME: 'api',
    });
    expect(() => parseConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4317' })).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT: /,
    );
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

  describe('development sign-in', () => {
    it('is off unless asked for, and then listens on loopback only', () => {
      expect(parseConfig({})).toMatchObject({ DEV_SIGN_IN: false, HOST: '0.0.0.0' });
      expect(parseConfig({ DEV_SIGN_IN: 'true' })).toMatchObject({
        DEV_SIGN_IN: true,
        HOST: '127.0.0.1',
        PUBLIC_BASE_URL: 'http://localhost:4000',
      });
      expect(
        parseConfig({ DEV_SIGN_IN: 'true', HOST: '::1', PUBLIC_BASE_URL: 'http://[::1]:4000' }),
      ).toMatchObject({ DEV_SIGN_IN: true, HOST: '::1' });
      expect(
        parseConfig({ DEV_SIGN_IN: 'false', PUBLIC_BASE_URL: 'https://lobby.example.org' }),
      ).toMatchObject({ DEV_SIGN_IN: false, HOST: '0.0.0.0' });
    });

    it.each([
      {
        name: 'a public PUBLIC_BASE_URL',
        environment: { DEV_SIGN_IN: 'true', PUBLIC_BASE_URL: 'https://lobby.example.org' },
        message: /DEV_SIGN_IN: development sign-in hands out admin tokens, so it needs a loopback/,
      },
      {
        name: 'a PUBLIC_BASE_URL on a private address',
        environment: { DEV_SIGN_IN: 'true', PUBLIC_BASE_URL: 'http://192.168.1.20:4000' },
        message: /DEV_SIGN_IN: .*needs a loopback PUBLIC_BASE_URL/,
      },
      {
        name: 'every interface',
        environment: { DEV_SIGN_IN: 'true', HOST: '0.0.0.0' },
        message: /HOST: must be a loopback address .* while DEV_SIGN_IN is on/,
      },
      {
        name: 'a value that is not true or false',
        environment: { DEV_SIGN_IN: 'yes' },
        message: /DEV_SIGN_IN: must be true or false/,
      },
    ])('refuses to start with $name, saying why', ({ environment, message }) => {
      const parse = () => parseConfig(environment);
      expect(parse).toThrow(ConfigError);
      expect(parse).toThrow(message);
    });
  });

  describe('HTTP surface', () => {
    it('keeps introspection for development and lets production opt in', () => {
      expect(parseConfig({}).GRAPHQL_INTROSPECTION).toBe(true);
      expect(parseConfig({ NODE_ENV: 'production' }).GRAPHQL_INTROSPECTION).toBe(false);
      expect(
        parseConfig({ NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'true' })
          .GRAPHQL_INTROSPECTION,
      ).toBe(true);
    });

    it('takes CORS origins and a metrics token and port', () => {
      expect(
        parseConfig({
          CORS_ALLOWED_ORIGINS: 'https://app.example.org, http://localhost:5173',
          METRICS_TOKEN: 'm'.repeat(24),
          METRICS_PORT: '9464',
        }),
      ).toMatchObject({
        CORS_ALLOWED_ORIGINS: ['https://app.example.org', 'http://localhost:5173'],
        METRICS_TOKEN: 'm'.repeat(24),
        METRICS_PORT: 9464,
      });
      expect(parseConfig({}).CORS_ALLOWED_ORIGINS).toEqual([]);
    });

    it.each([
      {
        name: 'a CORS origin with a path',
        environment: { CORS_ALLOWED_ORIGINS: 'https://app.example.org/lobby' },
        message: /CORS_ALLOWED_ORIGINS: comma-separated origins/,
      },
      {
        name: 'a CORS wildcard',
        environment: { CORS_ALLOWED_ORIGINS: '*' },
        message: /CORS_ALLOWED_ORIGINS: comma-separated origins/,
      },
      {
        name: 'a short metrics token',
        environment: { METRICS_TOKEN: 'short' },
        message: /METRICS_TOKEN: must be at least 24 characters/,
      },
      {
        name: 'metrics on the API port',
        environment: { PORT: '4000', METRICS_PORT: '4000' },
        message: /METRICS_PORT: must differ from PORT/,
      },
      {
        name: 'an introspection flag that is not true or false',
        environment: { GRAPHQL_INTROSPECTION: '1' },
        message: /GRAPHQL_INTROSPECTION: must be true or false/,
      },
    ])('refuses $name at start, saying why', ({ environment, message }) => {
      const parse = () => parseConfig(environment);
      expect(parse).toThrow(ConfigError);
      expect(parse).toThrow(message);
    });
  });
});
