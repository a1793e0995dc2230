import type { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { clientAddress } from './client-address.js';

function request(peer: string, forwardedFor?: string): Pick<IncomingMessage, 'headers' | 'socket'> {
  const socket = new Socket();
  Object.defineProperty(socket, 'remoteAddress', { value: peer });
  return { socket, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } };
}

describe('client address', () => {
  it('is the socket peer when no proxy is trusted, whatever X-Forwarded-For says', () => {
    expect(clientAddress(request('203.0.113.7', '198.51.100.1'), 0)).toBe('203.0.113.7');
    expect(clientAddress(request('::ffff:203.0.113.7'), 0)).toBe('203.0.113.7');
  });

  it('believes only the entries our proxies appended', () => {
    // A caller wrote 192.0.2.66 themself; our one proxy appended the peer it saw.
    const viaProxy = request('10.0.0.5', '192.0.2.66, 203.0.113.7');
    expect(clientAddress(viaProxy, 1)).toBe('203.0.113.7');
    expect(clientAddress(request('10.0.0.5', '192.0.2.66, 203.0.113.7, 10.0.0.9'), 2)).toBe(
      '203.0.113.7',
    );
  });

  it('takes the farthest address there is when fewer proxies than trusted stood in front', () => {
    expect(clientAddress(request('203.0.113.7'), 1)).toBe('203.0.113.7');
    expect(clientAddress(request('10.0.0.5', '203.0.113.7'), 3)).toBe('203.0.113.7');
  });

  it('falls back to the peer when the vouched-for entry is no address', () => {
    expect(clientAddress(request('10.0.0.5', 'unknown'), 1)).toBe('10.0.0.5');
  });

  it('counts an IPv6 /64 as one caller', () => {
    expect(clientAddress(request('2001:db8:1:2:aaaa::1'), 0)).toBe('2001:db8:1:2::/64');
    expect(clientAddress(request('2001:db8:1:2:bbbb::9'), 0)).toBe('2001:db8:1:2::/64');
  });
});
