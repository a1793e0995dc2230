import { describe, expect, it } from 'vitest';
import { icsCalendar, icsEvent } from '../../../../test/support/ics-builder.js';
import { normalizedFeedHash } from './feed-hash.js';

const feed = (...lines: string[]) =>
  icsCalendar(
    icsEvent(
      'UID:a',
      'DTSTART:20250110T100000Z',
      'SUMMARY:A rather long summary that is folded',
      ...lines,
    ),
  );

describe('normalizedFeedHash', () => {
  const base = normalizedFeedHash(feed('DTSTAMP:20250101T000000Z'));

  it('ignores stamps exporters renew on every download', () => {
    expect(
      normalizedFeedHash(
        feed(
          'DTSTAMP:20250301T101010Z',
          'LAST-MODIFIED:20250301T101010Z',
          'CREATED:20240101T000000Z',
        ),
      ),
    ).toBe(base);
    expect(
      normalizedFeedHash(
        feed().replace(
          'PRODID:-//Lobby tests//EN',
          'PRODID:-//Google Inc//Google Calendar 70.9054//EN',
        ),
      ),
    ).toBe(base);
  });

  it('ignores line endings, folding and blank lines', () => {
    const text = feed('DTSTAMP:20250101T000000Z');
    expect(normalizedFeedHash(text.replaceAll('\r\n', '\n'))).toBe(base);
    expect(normalizedFeedHash(text.replace('that is folded', 'that\r\n  is folded'))).toBe(base);
    expect(normalizedFeedHash(`\uFEFF${text}\r\n\r\n`)).toBe(base);
  });

  it('ignores calendar labels and refresh hints, but not X-WR-TIMEZONE', () => {
    const labelled = (...lines: string[]) =>
      normalizedFeedHash(
        icsCalendar(
          ...lines,
          icsEvent(
            'UID:a',
            'DTSTART:20250110T100000Z',
            'SUMMARY:A rather long summary that is folded',
          ),
        ),
      );
    expect(
      labelled('X-WR-CALNAME:Team', 'X-WR-CALDESC:Updated 10:04', 'X-PUBLISHED-TTL:PT1H'),
    ).toBe(base);
    expect(labelled('X-WR-TIMEZONE:Europe/Berlin')).not.toBe(base);
  });

  it('changes with anything a reading depends on', () => {
    expect(normalizedFeedHash(feed('SEQUENCE:2'))).not.toBe(base);
    expect(normalizedFeedHash(feed('STATUS:CANCELLED'))).not.toBe(base);
    expect(
      normalizedFeedHash(feed().replace('DTSTART:20250110T100000Z', 'DTSTART:20250110T110000Z')),
    ).not.toBe(base);
  });

  it('drops only whole volatile properties, not lines that resemble them', () => {
    expect(normalizedFeedHash(feed('X-MOZ-SNOOZE-TIME-1709650000:20250301T101010Z'))).toBe(base);
    expect(normalizedFeedHash(feed('DTSTAMPED:20250101T000000Z'))).not.toBe(base);
    expect(normalizedFeedHash(feed('DESCRIPTION:see', ' DTSTAMP:1'))).not.toBe(
      normalizedFeedHash(feed('DESCRIPTION:see', ' DTSTAMP:2')),
    );
  });
});
