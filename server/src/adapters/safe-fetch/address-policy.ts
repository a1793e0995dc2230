// Which resolved addresses a feed may be fetched from: public unicast only (DESIGN §3, fetching 2).
import ipaddr from 'ipaddr.js';

export type BlockedAddressReason =
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'carrier-grade-nat'
  | 'multicast'
  | 'broadcast'
  | 'reserved'
  | 'not-an-address';

export type AddressVerdict = { isPublic: true } | { isPublic: false; reason: BlockedAddressReason };

const PUBLIC: AddressVerdict = { isPublic: true };

// Ranges ipaddr.js does not name: IPv6 global unicast, IPv4-compatible and the well-known NAT64 prefix.
const IPV6_GLOBAL_UNICAST = ipaddr.IPv6.parseCIDR('2000::/3');
const IPV4_COMPATIBLE = ipaddr.IPv6.parseCIDR('::/96');
const NAT64_WELL_KNOWN = ipaddr.IPv6.parseCIDR('64:ff9b::/96');

const IPV4_REASONS: Readonly<Record<string, BlockedAddressReason>> = {
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  multicast: 'multicast',
  linkLocal: 'link-local',
  loopback: 'loopback',
  carrierGradeNat: 'carrier-grade-nat',
  private: 'private',
};

const IPV6_REASONS: Readonly<Record<string, BlockedAddressReason>> = {
  unspecified: 'unspecified',
  loopback: 'loopback',
  multicast: 'multicast',
  linkLocal: 'link-local',
  uniqueLocal: 'private',
  deprecatedSiteLocal: 'private',
};

/**
 * Classifies one address as resolved by DNS or written literally. Anything ipaddr.js puts in a
 * special range is refused (documentation, benchmarking, 240/4 … land in `reserved`), and IPv6
 * forms that carry an IPv4 (mapped, translated, NAT64, 6to4, Teredo, IPv4-compatible) are judged
 * by the IPv4 they carry.
 */
export function classifyAddress(address: string): AddressVerdict {
  if (!ipaddr.isValid(address)) {
    return { isPublic: false, reason: 'not-an-address' };
  }
  return classifyParsed(ipaddr.parse(address));
}

function classifyParsed(address: ipaddr.IPv4 | ipaddr.IPv6): AddressVerdict {
  return address instanceof ipaddr.IPv6 ? classifyIpv6(address) : classifyIpv4(address.range());
}

function classifyIpv4(range: string): AddressVerdict {
  return range === 'unicast'
    ? PUBLIC
    : { isPublic: false, reason: IPV4_REASONS[range] ?? 'reserved' };
}

function classifyIpv6(address: ipaddr.IPv6): AddressVerdict {
  const bytes = address.toByteArray();
  const range = address.range();
  switch (range) {
    case 'ipv4Mapped':
    case 'rfc6145':
      return classifyEmbeddedIpv4(bytes, 12);
    case 'rfc6052':
      // Only the well-known /96 has a fixed IPv4 position; 64:ff9b:1::/48 is local-use and never public.
      return address.match(NAT64_WELL_KNOWN)
        ? classifyEmbeddedIpv4(bytes, 12)
        : { isPublic: false, reason: 'reserved' };
    case '6to4':
      return classifyEmbeddedIpv4(bytes, 2);
    case 'teredo':
      return firstBlocked([classifyEmbeddedIpv4(bytes, 4), classifyTeredoClient(bytes)]);
    case 'unicast':
      if (address.match(IPV4_COMPATIBLE)) {
        return classifyEmbeddedIpv4(bytes, 12);
      }
      return address.match(IPV6_GLOBAL_UNICAST) ? PUBLIC : { isPublic: false, reason: 'reserved' };
    default:
      return { isPublic: false, reason: IPV6_REASONS[range] ?? 'reserved' };
  }
}

function classifyEmbeddedIpv4(bytes: readonly number[], offset: number): AddressVerdict {
  return classifyParsed(ipaddr.fromByteArray(bytes.slice(offset, offset + 4)));
}

// A Teredo client's IPv4 sits in the last 32 bits, inverted (RFC 4380 §4).
function classifyTeredoClient(bytes: readonly number[]): AddressVerdict {
  const inverted = bytes.map((byte) => byte ^ 0xff);
  return classifyEmbeddedIpv4(inverted, 12);
}

function firstBlocked(verdicts: readonly AddressVerdict[]): AddressVerdict {
  return verdicts.find((verdict) => !verdict.isPublic) ?? PUBLIC;
}
