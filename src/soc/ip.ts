// IP addresses and CIDR ranges: strict parsing, canonical text, and which addresses are internal.
// Blocking and personal-data decisions rest on this, so parsing is strict and hand-written.

export type IpVersion = 4 | 6;

/** An address as a number: 32 bits for v4, 128 for v6 (bigint keeps both in one type). */
export interface IpAddress {
  readonly version: IpVersion;
  readonly value: bigint;
}

export interface Cidr {
  readonly version: IpVersion;
  /** The network address (host bits cleared). */
  readonly network: bigint;
  readonly prefix: number;
}

const bits = (v: IpVersion): number => (v === 4 ? 32 : 128);

/** Dotted-quad only: four decimal parts 0..255, no leading zeros (which some stacks read as octal). */
export function parseIPv4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const p of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

/** RFC 4291 text forms, with `::` and a trailing dotted quad; zone ids (`%eth0`) are refused. */
export function parseIPv6(text: string): bigint | undefined {
  if (text.length < 2 || text.length > 45) return undefined;
  let head = text;
  let v4Tail: bigint | undefined;
  const lastColon = text.lastIndexOf(":");
  if (text.includes(".", lastColon)) {
    v4Tail = parseIPv4(text.slice(lastColon + 1));
    if (v4Tail === undefined) return undefined;
    // Two placeholder groups stand for the dotted quad, so "::1.2.3.4" splits like "::0:0".
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split("::");
  if (halves.length > 2) return undefined;
  const groups = (s: string): string[] | undefined => {
    if (s === "") return [];
    const g = s.split(":");
    return g.every((x) => /^[0-9a-fA-F]{1,4}$/.test(x)) ? g : undefined;
  };
  const left = groups(halves[0] ?? "");
  const right = halves.length === 2 ? groups(halves[1] ?? "") : [];
  if (left === undefined || right === undefined) return undefined;
  const count = left.length + right.length;
  if (halves.length === 2 ? count > 7 : count !== 8) return undefined;
  const all = [...left, ...Array<string>(8 - count).fill("0"), ...right];
  let value = 0n;
  for (const g of all) value = (value << 16n) | BigInt(Number.parseInt(g, 16));
  if (v4Tail !== undefined) value = (value & ~0xffffffffn) | v4Tail;
  return value;
}

export function parseIp(text: string): IpAddress | undefined {
  const v4 = parseIPv4(text);
  if (v4 !== undefined) return { version: 4, value: v4 };
  const v6 = parseIPv6(text);
  return v6 === undefined ? undefined : { version: 6, value: v6 };
}

export function formatIPv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join(".");
}

/** RFC 5952 canonical form: lower case, no leading zeros, the longest run (>1) of zero groups as `::`. */
export function formatIPv6(value: bigint): string {
  const g = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) [bestAt, bestLen] = [i, j - i];
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (bestAt < 0) return hex.join(":");
  return `${hex.slice(0, bestAt).join(":")}::${hex.slice(bestAt + bestLen).join(":")}`;
}

export function formatIp(ip: IpAddress): string {
  return ip.version === 4 ? formatIPv4(ip.value) : formatIPv6(ip.value);
}

const V4_MAPPED = 0xffff00000000n;

/**
 * The address an analyst means: `::ffff:10.0.0.5` (how Windows logs IPv4 logons on dual-stack
 * hosts) is the IPv4 address 10.0.0.5, so it dedupes and classifies as one.
 */
export function unmapIp(ip: IpAddress): IpAddress {
  if (ip.version === 6 && ip.value >> 32n === V4_MAPPED >> 32n) {
    return { version: 4, value: ip.value & 0xffffffffn };
  }
  return ip;
}

/** "a.b.c.d/n" or "v6/n"; host bits must be zero unless `loose` (then they are cleared). */
export function parseCidr(text: string, loose = false): Cidr | undefined {
  const slash = text.indexOf("/");
  if (slash < 0) return undefined;
  const ip = parseIp(text.slice(0, slash));
  const p = text.slice(slash + 1);
  if (!ip || !/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
  const prefix = Number(p);
  if (prefix > bits(ip.version)) return undefined;
  const network = ip.value & mask(ip.version, prefix);
  if (network !== ip.value && !loose) return undefined;
  return { version: ip.version, network, prefix };
}

export function formatCidr(c: Cidr): string {
  return `${formatIp({ version: c.version, value: c.network })}/${c.prefix}`;
}

function mask(version: IpVersion, prefix: number): bigint {
  const total = BigInt(bits(version));
  const all = (1n << total) - 1n;
  return (all << (total - BigInt(prefix))) & all;
}

export function cidrContains(c: Cidr, ip: IpAddress): boolean {
  return c.version === ip.version && (ip.value & mask(c.version, c.prefix)) === c.network;
}

/** Two ranges overlap exactly when one contains the other's network address. */
export function cidrOverlaps(a: Cidr, b: Cidr): boolean {
  if (a.version !== b.version) return false;
  const shorter = a.prefix <= b.prefix ? a : b;
  const longer = shorter === a ? b : a;
  return cidrContains(shorter, { version: longer.version, value: longer.network });
}

const ranges = (list: readonly string[]): Cidr[] => list.map((t) => parseCidr(t)!);

/**
 * Not public unicast internet addresses: never block them, and treat them as someone's machine.
 * Documentation ranges (192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32) are deliberately
 * NOT here: they never route, so blocking them harms nothing, and exercises and samples use them
 * to stand for internet attackers, which is how they must behave.
 */
export const INTERNAL_RANGES: readonly Cidr[] = ranges([
  "0.0.0.0/8", // "this network", includes the unspecified address
  "10.0.0.0/8", // RFC 1918
  "100.64.0.0/10", // carrier-grade NAT, RFC 6598
  "127.0.0.0/8", // loopback
  "169.254.0.0/16", // link-local
  "172.16.0.0/12", // RFC 1918
  "192.0.0.0/24", // IETF protocol assignments
  "192.168.0.0/16", // RFC 1918
  "198.18.0.0/15", // benchmarking, RFC 2544
  "224.0.0.0/4", // multicast
  "240.0.0.0/4", // reserved, includes the broadcast address
  "::/127", // unspecified and loopback
  "100::/64", // discard-only
  "fc00::/7", // unique local addresses
  "fec0::/10", // deprecated site-local: still internal where it lingers
  "fe80::/10", // link-local
  "ff00::/8", // multicast
]);

/** IPv6 forms that carry an IPv4 address, classified by that address. */
const EMBEDS_V4: readonly Cidr[] = ranges(["::ffff:0:0/96", "64:ff9b::/96"]);

export function isInternalAddress(ip: IpAddress): boolean {
  if (ip.version === 6 && EMBEDS_V4.some((c) => cidrContains(c, ip))) {
    return isInternalAddress({ version: 4, value: ip.value & 0xffffffffn });
  }
  return INTERNAL_RANGES.some((c) => cidrContains(c, ip));
}

/** True for private, loopback, link-local, CGNAT, ULA, multicast and reserved addresses; also for text that is not an IP. */
export function isPrivateOrInternal(text: string): boolean {
  const ip = parseIp(text);
  return ip === undefined || isInternalAddress(ip);
}

/** A range touches internal space when it overlaps any internal range (0.0.0.0/0 does). */
export function cidrTouchesInternal(c: Cidr): boolean {
  if (c.version === 6 && c.prefix >= 96) {
    for (const e of EMBEDS_V4) {
      if (cidrContains(e, { version: 6, value: c.network })) {
        return cidrTouchesInternal({ version: 4, network: c.network & 0xffffffffn, prefix: c.prefix - 96 });
      }
    }
  }
  return INTERNAL_RANGES.some((r) => cidrOverlaps(r, c)) || EMBEDS_V4.some((r) => cidrOverlaps(r, c));
}
