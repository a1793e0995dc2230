import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BlockedAddressReason, classifyAddress } from './address-policy.js';

function reasonFor(address: string): BlockedAddressReason | 'public' {
  const verdict = classifyAddress(address);
  return verdict.isPublic ? 'public' : verdict.reason;
}

const ipv4 = (value: number) =>
  [value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff].join('.');

const hex16 = (high: number, low: number) => ((high << 8) | low).toString(16);

/** The IPv4 address's 32 bits as two IPv6 groups, e.g. 127.0.0.1 → "7f00:1". */
function ipv4AsGroups(address: string): string {
  const [a = 0, b = 0, c = 0, d = 0] = address.split('.').map(Number);
  return `${hex16(a, b)}:${hex16(c, d)}`;
}

/** A random address inside an IPv4 CIDR block. */
function ipv4In(cidr: string): fc.Arbitrary<string> {
  const [base = '', prefixText = ''] = cidr.split('/');
  const prefixLength = Number(prefixText);
  const [a = 0, b = 0, c = 0, d = 0] = base.split('.').map(Number);
  const network = ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
  const size = 2 ** (32 - prefixLength);
  return fc.integer({ min: 0, max: size - 1 }).map((offset) => ipv4(network + offset));
}

/** A random IPv6 address whose first group is drawn from [min, max]. */
function ipv6FirstGroupIn(min: number, max: number): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.integer({ min, max }),
      fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 7, maxLength: 7 }),
    )
    .map(([first, rest]) => [first, ...rest].map((group) => group.toString(16)).join(':'));
}

describe('classifyAddress', () => {
  it('lets public unicast addresses through', () => {
    for (const address of [
      '8.8.8.8',
      '1.1.1.1',
      '93.184.216.34',
      '2606:4700:4700::1111',
      '2a00:1450:4001:80b::200e',
    ]) {
      expect(reasonFor(address)).toBe('public');
    }
  });

  it.each<[string, string, BlockedAddressReason]>([
    ['IPv4 loopback', '127.0.0.1', 'loopback'],
    ['IPv4 loopback, anywhere in 127/8', '127.255.3.4', 'loopback'],
    ['IPv6 loopback', '::1', 'loopback'],
    ['RFC 1918 10/8', '10.0.0.1', 'private'],
    ['RFC 1918 172.16/12', '172.31.255.254', 'private'],
    ['RFC 1918 192.168/16', '192.168.1.1', 'private'],
    ['IPv6 unique-local fc00::/7', 'fd12:3456:789a::1', 'private'],
    ['IPv6 unique-local, fc half', 'fc00::1', 'private'],
    ['IPv6 site-local (deprecated)', 'fec0::1', 'private'],
    ['IPv4 link-local', '169.254.10.20', 'link-local'],
    ['cloud metadata', '169.254.169.254', 'link-local'],
    ['IPv6 link-local', 'fe80::1', 'link-local'],
    ['IPv6 link-local with a zone', 'fe80::1%eth0', 'link-local'],
    ['CGNAT 100.64/10', '100.64.0.1', 'carrier-grade-nat'],
    ['CGNAT, top of the range', '100.127.255.254', 'carrier-grade-nat'],
    ['benchmarking 198.18/15', '198.19.255.1', 'reserved'],
    ['IPv6 benchmarking', '2001:2::1', 'reserved'],
    ['documentation 192.0.2/24', '192.0.2.10', 'reserved'],
    ['documentation 198.51.100/24', '198.51.100.7', 'reserved'],
    ['documentation 203.0.113/24', '203.0.113.99', 'reserved'],
    ['IPv6 documentation 2001:db8::/32', '2001:db8::1', 'reserved'],
    ['IPv6 documentation 3fff::/20', '3fff::1', 'reserved'],
    ['IETF protocol assignments 192.0.0/24', '192.0.0.8', 'reserved'],
    ['future use 240/4', '240.0.0.1', 'reserved'],
    ['IPv6 discard prefix', '100::1', 'reserved'],
    ['IPv6 outside global unicast', '4000::1', 'reserved'],
    ['IPv4 multicast', '224.0.0.251', 'multicast'],
    ['IPv4 multicast, top', '239.255.255.250', 'multicast'],
    ['IPv6 multicast', 'ff02::1', 'multicast'],
    ['IPv4 limited broadcast', '255.255.255.255', 'broadcast'],
    ['IPv4 unspecified', '0.0.0.0', 'unspecified'],
    ['IPv4 "this network" 0/8', '0.1.2.3', 'unspecified'],
    ['IPv6 unspecified', '::', 'unspecified'],
    ['not an address', 'localhost', 'not-an-address'],
    ['empty', '', 'not-an-address'],
  ])('refuses %s (%s)', (_name, address, reason) => {
    expect(reasonFor(address)).toBe(reason);
  });

  describe('IPv6 forms that embed an IPv4', () => {
    it.each<[string, string, BlockedAddressReason | 'public']>([
      ['IPv4-mapped loopback', '::ffff:127.0.0.1', 'loopback'],
      ['IPv4-mapped metadata', '::ffff:a9fe:a9fe', 'link-local'],
      ['IPv4-mapped public', '::ffff:8.8.8.8', 'public'],
      ['IPv4-translated (RFC 6145)', '::ffff:0:10.0.0.1', 'private'],
      ['NAT64 well-known prefix, private', '64:ff9b::10.1.2.3', 'private'],
      ['NAT64 well-known prefix, public', '64:ff9b::8.8.8.8', 'public'],
      ['NAT64 local-use prefix (never public)', '64:ff9b:1::808:808', 'reserved'],
      ['6to4 of loopback', '2002:7f00:1::1', 'loopback'],
      ['6to4 of CGNAT', '2002:6440:1::', 'carrier-grade-nat'],
      ['6to4 of a public address', '2002:808:808::1', 'public'],
      ['Teredo, public server and client', '2001:0:808:808::f7f7:f7f7', 'public'],
      ['Teredo, client is loopback (inverted bits)', '2001:0:808:808::80ff:fffe', 'loopback'],
      ['Teredo, server is private', '2001:0:a00:1::f7f7:f7f7', 'private'],
      ['IPv4-compatible loopback', '::127.0.0.1', 'loopback'],
      ['IPv4-compatible private', '::192.168.0.1', 'private'],
    ])('%s (%s)', (_name, address, expected) => {
      expect(reasonFor(address)).toBe(expected);
    });
  });

  describe('properties over random addresses', () => {
    const blockedIpv4Ranges: [string, BlockedAddressReason][] = [
      ['0.0.0.0/8', 'unspecified'],
      ['10.0.0.0/8', 'private'],
      ['100.64.0.0/10', 'carrier-grade-nat'],
      ['127.0.0.0/8', 'loopback'],
      ['169.254.0.0/16', 'link-local'],
      ['172.16.0.0/12', 'private'],
      ['192.0.0.0/24', 'reserved'],
      ['192.0.2.0/24', 'reserved'],
      ['192.168.0.0/16', 'private'],
      ['198.18.0.0/15', 'reserved'],
      ['198.51.100.0/24', 'reserved'],
      ['203.0.113.0/24', 'reserved'],
      ['224.0.0.0/4', 'multicast'],
      ['240.0.0.0/5', 'reserved'],
    ];

    it.each(blockedIpv4Ranges)(
      'refuses every address in %s as %s, however it is wrapped',
      (cidr, reason) => {
        fc.assert(
          fc.property(ipv4In(cidr), (address) => {
            const groups = ipv4AsGroups(address);
            for (const form of [
              address,
              `::ffff:${address}`,
              `64:ff9b::${groups}`,
              `2002:${groups}::1`,
            ]) {
              expect(reasonFor(form)).toBe(reason);
            }
            // In the IPv4-compatible form, 0.0.0.0 and 0.0.0.1 read as :: and ::1 instead.
            expect(reasonFor(`::${groups}`)).not.toBe('public');
          }),
        );
      },
    );

    it('judges every IPv6 wrapping of an IPv4 exactly like the IPv4 itself', () => {
      fc.assert(
        fc.property(fc.ipV4(), (address) => {
          const groups = ipv4AsGroups(address);
          const expected = reasonFor(address);
          expect(reasonFor(`::ffff:${address}`)).toBe(expected);
          expect(reasonFor(`64:ff9b::${groups}`)).toBe(expected);
          expect(reasonFor(`2002:${groups}::`)).toBe(expected);
        }),
      );
    });

    it.each<[string, number, number, BlockedAddressReason]>([
      ['unique-local fc00::/7', 0xfc00, 0xfdff, 'private'],
      ['link-local fe80::/10', 0xfe80, 0xfebf, 'link-local'],
      ['multicast ff00::/8', 0xff00, 0xffff, 'multicast'],
      ['outside 2000::/3, above it', 0x4000, 0x5eff, 'reserved'],
    ])('refuses every IPv6 address in %s', (_name, firstGroupMin, firstGroupMax, reason) => {
      fc.assert(
        fc.property(ipv6FirstGroupIn(firstGroupMin, firstGroupMax), (address) => {
          expect(reasonFor(address)).toBe(reason);
        }),
      );
    });
  });
});
