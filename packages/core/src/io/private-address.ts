import { isIPv4, isIPv6 } from 'node:net';

/**
 * IPv4 ranges a URL from someone else must not make us reach (SSRF): this machine, its networks and the cloud's
 * metadata service. [first octets as a number, prefix length, what it is].
 */
const IPV4_RANGES: readonly (readonly [number, number, string])[] = [
  [0x00000000, 8, 'an unspecified ("this network") address'],
  [0x0a000000, 8, 'a private address'],
  [0x64400000, 10, 'a shared (carrier-grade NAT) address'],
  [0x7f000000, 8, 'a loopback address'],
  [0xa9fe0000, 16, 'a link-local address'],
  [0xac100000, 12, 'a private address'],
  [0xc0000000, 24, 'a reserved (IETF protocol) address'],
  [0xc0a80000, 16, 'a private address'],
  [0xc6120000, 15, 'a benchmarking address'],
  [0xe0000000, 4, 'a multicast address'],
  [0xf0000000, 4, 'a reserved or broadcast address'],
];

function ipv4Number(address: string): number {
  return address.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function classifyIPv4(address: string): string | undefined {
  const n = ipv4Number(address);
  for (const [base, bits, what] of IPV4_RANGES) {
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    if (((n & mask) >>> 0) === base) return what;
  }
  return undefined;
}

/** The eight 16-bit groups of an IPv6 address (a trailing dotted IPv4 part becomes the last two). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase().replace(/%.*$/, '');
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const n = ipv4Number(dotted[1]!);
    text = `${text.slice(0, -dotted[1]!.length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => Number.parseInt(g, 16)));
  const front = parse(head);
  const back = tail === undefined ? [] : parse(tail);
  return [...front, ...Array<number>(8 - front.length - back.length).fill(0), ...back];
}

const v4From = (high: number, low: number) => `${high >>> 8}.${high & 0xff}.${low >>> 8}.${low & 0xff}`;

/**
 * An IPv4 address carried inside an IPv6 one, which reaches the IPv4 host: IPv4-mapped (::ffff:a.b.c.d),
 * IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::a.b.c.d) and 6to4 (2002:aabb:ccdd::).
 */
function embeddedIPv4(g: number[]): string | undefined {
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && g[5] === 0xffff) return v4From(g[6]!, g[7]!);
  if (zeros(0, 6) && (g[6] !== 0 || g[7]! > 1)) return v4From(g[6]!, g[7]!);
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return v4From(g[6]!, g[7]!);
  if (g[0] === 0x2002) return v4From(g[1]!, g[2]!);
  return undefined;
}

function classifyIPv6(address: string): string | undefined {
  const g = ipv6Groups(address);
  if (g.every((x) => x === 0)) return 'an unspecified address';
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return 'a loopback address';
  const v4 = embeddedIPv4(g);
  if (v4 !== undefined) return classifyIPv4(v4);
  const first = g[0]!;
  if ((first & 0xfe00) === 0xfc00) return 'a private (unique local) address';
  if ((first & 0xffc0) === 0xfe80) return 'a link-local address';
  if ((first & 0xffc0) === 0xfec0) return 'a private (site-local) address';
  if ((first & 0xff00) === 0xff00) return 'a multicast address';
  if (first === 0x2001 && g[1] === 0x0db8) return 'a documentation address';
  return undefined;
}

/**
 * What `address` (an IP literal, IPv6 with or without brackets) is when it is not a public unicast address a URL
 * input may reach: loopback, private (RFC 1918, fc00::/7), link-local (169.254/16 with the cloud metadata
 * service, fe80::/10), unspecified, multicast, reserved, and the IPv6 forms that carry one of those IPv4
 * addresses. `undefined` for a public address (and for a string that is not an IP address).
 */
export function nonPublicAddress(address: string): string | undefined {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  if (isIPv4(bare)) return classifyIPv4(bare);
  if (isIPv6(bare)) return classifyIPv6(bare);
  return undefined;
}
