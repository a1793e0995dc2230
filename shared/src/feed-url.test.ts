import { describe, expect, it } from 'vitest';
import { FEED_URL_MAX_LENGTH, parseFeedUrl } from './feed-url.js';

function acceptedHref(input: string): string {
  const result = parseFeedUrl(input);
  if (!result.ok) {
    throw new Error(`expected "${input}" to be accepted, got: ${result.message}`);
  }
  return result.url.href;
}

function rejectionMessage(input: string): string {
  const result = parseFeedUrl(input);
  if (result.ok) {
    throw new Error(`expected "${input}" to be rejected, got ${result.url.href}`);
  }
  return result.message;
}

describe('parseFeedUrl', () => {
  it('accepts https and http URLs as they are, query included', () => {
    expect(acceptedHref('https://calendar.example.com/feeds/abc123/basic.ics?key=s3cret')).toBe(
      'https://calendar.example.com/feeds/abc123/basic.ics?key=s3cret',
    );
    expect(acceptedHref('http://calendar.example.com:8080/team.ics')).toBe(
      'http://calendar.example.com:8080/team.ics',
    );
  });

  it('turns webcal and webcals into https, whatever their case', () => {
    expect(acceptedHref('webcal://p42-caldav.icloud.com/published/2/AbC')).toBe(
      'https://p42-caldav.icloud.com/published/2/AbC',
    );
    expect(acceptedHref('WEBCALS://Calendar.Example.COM/x.ics')).toBe(
      'https://calendar.example.com/x.ics',
    );
  });

  it('normalises the host the way the fetcher will see it', () => {
    expect(acceptedHref('  HTTPS://Calendar.EXAMPLE.com/Team.ics  ')).toBe(
      'https://calendar.example.com/Team.ics',
    );
    expect(acceptedHref('https://bücher.example/cal.ics')).toBe(
      'https://xn--bcher-kva.example/cal.ics',
    );
    expect(acceptedHref('webcal://2130706433/cal.ics')).toBe('https://127.0.0.1/cal.ics');
  });

  it('drops the fragment, which is never sent to the server', () => {
    expect(acceptedHref('https://example.com/cal.ics#week')).toBe('https://example.com/cal.ics');
  });

  it('leaves the address check to fetch time, so allowed local demo feeds can be saved', () => {
    expect(acceptedHref('http://127.0.0.1:4000/demo.ics')).toBe('http://127.0.0.1:4000/demo.ics');
  });

  it('rejects other schemes, naming the ones that work', () => {
    for (const input of [
      'ftp://example.com/cal.ics',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'data:text/calendar,BEGIN:VCALENDAR',
      'gopher://example.com/',
    ]) {
      expect(rejectionMessage(input)).toMatch(/https, http, webcal or webcals/);
    }
  });

  it('asks for a full URL when the scheme is missing', () => {
    expect(rejectionMessage('example.com/cal.ics')).toBe(
      'Enter the full URL of the calendar feed, starting with https://.',
    );
  });

  it('rejects an empty input and an unparsable URL', () => {
    expect(rejectionMessage('   ')).toBe('Enter the URL of the calendar feed.');
    expect(rejectionMessage('https://exa mple.com/cal.ics')).toBe(
      'This is not a valid calendar feed URL.',
    );
    expect(rejectionMessage('http://[::1/cal.ics')).toBe('This is not a valid calendar feed URL.');
  });

  it('refuses credentials in the URL rather than silently dropping them', () => {
    expect(rejectionMessage('https://alice:secret@example.com/cal.ics')).toMatch(
      /Remove the user name and password/,
    );
    expect(rejectionMessage('webcal://alice@example.com/cal.ics')).toMatch(
      /Remove the user name and password/,
    );
  });

  it('accepts URLs up to the maximum length and refuses longer ones', () => {
    const prefix = 'https://example.com/';
    const longest = prefix + 'a'.repeat(FEED_URL_MAX_LENGTH - prefix.length);
    expect(acceptedHref(longest)).toBe(longest);
    expect(rejectionMessage(`${longest}a`)).toBe(
      `A calendar feed URL is at most ${FEED_URL_MAX_LENGTH} characters long; this one has ${FEED_URL_MAX_LENGTH + 1}.`,
    );
  });
});
