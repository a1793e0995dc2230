import { describe, expect, it } from 'vitest';
import {
  calendarInput,
  createRoomInput,
  maskFeedUrl,
  parseWholeNumber,
  roomSettingsInput,
} from './settings-form.js';

describe('calendarInput (the feed URL check)', () => {
  const base = { enabled: true, syncIntervalMinutes: '5' };

  it('accepts https, http, webcal and webcals feeds', () => {
    for (const url of [
      'https://calendar.example.com/feed.ics',
      'http://calendar.example.com/feed.ics',
      'webcal://calendar.example.com/feed.ics',
      'webcals://calendar.example.com/feed.ics',
    ]) {
      expect(calendarInput({ ...base, url }, false)).toEqual({
        ok: true,
        value: { url, enabled: true, syncIntervalMinutes: 5 },
      });
    }
  });

  it('refuses other schemes next to the URL field', () => {
    for (const url of [
      'ftp://calendar.example.com/feed.ics',
      'file:///etc/passwd',
      'javascript:alert(1)',
    ]) {
      const outcome = calendarInput({ ...base, url }, false);
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) expect(outcome.field).toBe('url');
    }
  });

  it('asks for a full URL when the scheme is missing', () => {
    const outcome = calendarInput({ ...base, url: 'calendar.example.com/feed.ics' }, false);
    expect(outcome).toMatchObject({ ok: false, field: 'url' });
    expect(outcome.ok ? '' : outcome.message).toContain('https://');
  });

  it('trims what was pasted', () => {
    expect(calendarInput({ ...base, url: '  https://example.com/a.ics \n' }, false)).toMatchObject({
      ok: true,
      value: { url: 'https://example.com/a.ics' },
    });
  });

  it('keeps the stored URL when it was not changed (the form never saw it in clear)', () => {
    expect(calendarInput({ ...base, url: null }, true)).toEqual({
      ok: true,
      value: { enabled: true, syncIntervalMinutes: 5 },
    });
  });

  it('needs a URL before syncing can be turned on', () => {
    expect(calendarInput({ ...base, url: null }, false)).toMatchObject({ ok: false, field: 'url' });
    expect(calendarInput({ ...base, url: null, enabled: false }, false)).toMatchObject({
      ok: true,
    });
  });

  it('takes the interval in whole minutes from 1 to 1440', () => {
    const url = 'https://example.com/a.ics';
    expect(calendarInput({ url, enabled: true, syncIntervalMinutes: '1440' }, false)).toMatchObject(
      {
        ok: true,
        value: { syncIntervalMinutes: 1440 },
      },
    );
    for (const syncIntervalMinutes of ['0', '1441', '2.5', '', 'five', '-3']) {
      expect(calendarInput({ url, enabled: true, syncIntervalMinutes }, false)).toMatchObject({
        ok: false,
        field: 'syncIntervalMinutes',
      });
    }
  });
});

describe('maskFeedUrl', () => {
  it('shows the host and hides the path and query that carry the secret', () => {
    const masked = maskFeedUrl(
      'https://calendar.example.com/private-0123abcd/basic.ics?token=s3cret',
    );
    expect(masked).toBe('https://calendar.example.com/••••••••');
    expect(masked).not.toContain('0123abcd');
    expect(masked).not.toContain('s3cret');
  });

  it('hides everything it cannot read', () => {
    expect(maskFeedUrl('not a url with s3cret')).toBe('••••••••');
  });
});

describe('room forms', () => {
  it('checks a new room name like the server does', () => {
    expect(createRoomInput({ name: ' team ', isShared: true, timezone: 'UTC' })).toEqual({
      ok: true,
      value: { name: 'team', isShared: true, timezone: 'UTC' },
    });
    const upperCase = createRoomInput({ name: 'Team', isShared: false, timezone: 'UTC' });
    expect(upperCase).toMatchObject({ ok: false, field: 'name' });
    expect(upperCase.ok ? '' : upperCase.message).toContain('"team"');
    expect(createRoomInput({ name: 'graphql', isShared: false, timezone: 'UTC' })).toMatchObject({
      ok: false,
      field: 'name',
    });
  });

  it('checks the time zone and the grace period', () => {
    expect(
      roomSettingsInput({ isShared: false, timezone: 'Europe/Paris', gracePeriodMinutes: '15' }),
    ).toEqual({
      ok: true,
      value: { isShared: false, timezone: 'Europe/Paris', gracePeriodMinutes: 15 },
    });
    expect(
      roomSettingsInput({ isShared: false, timezone: 'Mars/Olympus', gracePeriodMinutes: '15' }),
    ).toMatchObject({ ok: false, field: 'timezone' });
    expect(
      roomSettingsInput({ isShared: false, timezone: 'UTC', gracePeriodMinutes: '121' }),
    ).toMatchObject({ ok: false, field: 'gracePeriodMinutes' });
  });

  it('reads whole numbers only', () => {
    expect(parseWholeNumber(' 7 ', 0, 10)).toBe(7);
    expect(parseWholeNumber('0', 0, 10)).toBe(0);
    expect(parseWholeNumber('1e1', 0, 10)).toBeNull();
    expect(parseWholeNumber('11', 0, 10)).toBeNull();
  });
});
