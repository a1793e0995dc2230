// The address per-address limits count a caller by. Anyone can send X-Forwarded-For: only the
// entries appended by the proxies of ours in front of the API (TRUSTED_PROXY_HOPS) are believed.
import type { IncomingMessage } from 'node:http';
import ipaddr from 'ipaddr.js';

/**
 * With no trusted proxy, the socket's peer. With N, the address the outermost of our proxies saw:
 * each one appends its own peer to X-Forwarded-For, so it is the Nth entry from the right.
 */
export function clientAddress(
  request: Pick<IncomingMessage, 'headers' | 'socket'>,
  trustedProxyHops: number,
): string {
  const peer = request.socket.remoteAddress ?? '';
  const header = request.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  // Nearest first: the peer, then what each proxy in turn says it saw.
  const chain = [peer, ...forwarded.reverse()];
  const vouchedFor = chain[Math.min(trustedProxyHops, chain.length - 1)] ?? peer;
  return addressBucket(ipaddr.isValid(vouchedFor) ? vouchedFor : peer);
}

/** IPv6 subscribers hold a whole /64: its addresses count as one, or a /64 would be 2^64 callers. */
function addressBucket(address: string): string {
  if (!ipaddr.isValid(address)) return 'unknown';
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  return `${ipaddr.IPv6.networkAddressFromCIDR(`${parsed.toString()}/64`).toString()}/64`;
}
