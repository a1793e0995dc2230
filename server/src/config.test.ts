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

  it('names every variable that is wrong, and why', () => {
    const parse = () =>
      parseConfig({ REDIS_URL: 'http://redis', REDIS_KEY_PREFIX: 'a:b', PORT: 'eighty' });
    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow(/REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/);
    expect(parse).toThrow(/REDIS_KEY_PREFIX: letters, digits, "-" and "_" only/);
    expect(parse).toThrow(/PORT: /);
  });
});
