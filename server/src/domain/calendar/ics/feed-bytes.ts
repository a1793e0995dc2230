// Bytes of a downloaded feed to text: byte-order marks first, then UTF-8, else Latin-1.

function decode(bytes: Uint8Array, encoding: string, options?: TextDecoderOptions): string {
  return new TextDecoder(encoding, options).decode(bytes);
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((byte, index) => bytes[index] === byte);
}

/**
 * UTF-8 (a byte-order mark is dropped), UTF-16 LE/BE by their byte-order mark or by the zero bytes
 * of "BEGIN" without one; bodies that are not valid UTF-8 are read as Latin-1 (ISO-8859-1), which
 * is what old exporters write.
 */
export function decodeFeedBytes(bytes: Uint8Array): string {
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) {
    return decode(bytes.subarray(3), 'utf-8');
  }
  if (startsWith(bytes, [0xff, 0xfe]) || (bytes[0] !== 0 && bytes[1] === 0)) {
    return decode(bytes, 'utf-16le');
  }
  if (startsWith(bytes, [0xfe, 0xff]) || (bytes[0] === 0 && bytes[1] !== 0 && bytes.length > 1)) {
    return decode(bytes, 'utf-16be');
  }
  try {
    return decode(bytes, 'utf-8', { fatal: true });
  } catch {
    return decode(bytes, 'latin1');
  }
}
