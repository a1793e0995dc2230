import { describe, expect, it } from 'vitest';
import { readIcsFixtureBytes } from '../../../../test/support/ics-fixtures.js';
import { decodeFeedBytes } from './feed-bytes.js';

const text = 'BEGIN:VCALENDAR\r\nSUMMARY:Zähne putzen – 5 €\r\n';

function utf16(value: string, littleEndian: boolean): Uint8Array {
  const bytes = new Uint8Array(value.length * 2);
  const view = new DataView(bytes.buffer);
  for (let index = 0; index < value.length; index++) {
    view.setUint16(index * 2, value.charCodeAt(index), littleEndian);
  }
  return bytes;
}

describe('decodeFeedBytes', () => {
  it('reads UTF-8 and drops its byte-order mark', () => {
    const bytes = new TextEncoder().encode(text);
    expect(decodeFeedBytes(bytes)).toBe(text);
    expect(decodeFeedBytes(new Uint8Array([0xef, 0xbb, 0xbf, ...bytes]))).toBe(text);
  });

  it.each([
    ['UTF-16LE with a byte-order mark', [0xff, 0xfe], true],
    ['UTF-16BE with a byte-order mark', [0xfe, 0xff], false],
    ['UTF-16LE without one', [], true],
    ['UTF-16BE without one', [], false],
  ])('reads %s', (_case, mark, littleEndian) => {
    expect(decodeFeedBytes(new Uint8Array([...mark, ...utf16(text, littleEndian)]))).toBe(text);
  });

  it('reads the UTF-16LE Windows Calendar export of the corpus', () => {
    const decoded = decodeFeedBytes(readIcsFixtureBytes('ical.net/Bug2912657.ics'));
    expect(decoded.startsWith('BEGIN:VCALENDAR')).toBe(true);
  });

  it('falls back to Latin-1 for bytes that are not UTF-8', () => {
    const latin1 = new Uint8Array([
      ...new TextEncoder().encode('SUMMARY:Z'),
      0xe4,
      ...new TextEncoder().encode('hne '),
      0xa3,
    ]);
    expect(decodeFeedBytes(latin1)).toBe('SUMMARY:Zähne £');
  });
});
