// Reading event values as Sigma sees them: field lookup (exact key, then dotted path), values as
// strings (numbers equal their string form), numbers, IP addresses and date parts.

import type { JsonObject, JsonValue } from "../../core/index.js";
import type { CountOp, MatchMode, TimePart } from "./ast.js";

/** The value of a field: the key as written, else a dotted path into nested objects. */
export function getField(event: JsonObject, field: string): JsonValue | undefined {
  // own keys only: "constructor" or "toString" must not find Object.prototype's members (the
  // ownership test only for a found value: most fields a rule asks for are absent)
  let direct = event[field];
  if (direct !== undefined && !Object.hasOwn(event, field)) direct = undefined;
  if (direct !== undefined || !field.includes(".")) return direct;
  let cur: JsonValue | undefined = event;
  let rest = field;
  while (rest !== "") {
    if (typeof cur !== "object" || cur === null || Array.isArray(cur)) return undefined;
    const obj: JsonObject = cur;
    // Prefer the longest key that matches a prefix of the remaining path ("a.b" keys inside objects).
    let next: JsonValue | undefined;
    let consumed = -1;
    for (let dot = rest.length; dot > 0; dot = rest.lastIndexOf(".", dot - 1)) {
      const key = rest.slice(0, dot);
      if (Object.hasOwn(obj, key)) {
        next = obj[key];
        consumed = dot;
        break;
      }
    }
    if (consumed < 0) return undefined;
    cur = next;
    rest = rest.slice(consumed + 1);
  }
  return cur;
}

/** A scalar as the string Sigma compares against; undefined for null, objects and arrays. */
export function scalarText(v: JsonValue | undefined): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return undefined;
}

/** A scalar as a number, if it is one or is a numeric string (decimal or 0x hex). */
export function scalarNumber(v: JsonValue | undefined): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v !== "string") return undefined;
  const t = v.trim();
  if (t === "") return undefined;
  const n = /^0x[0-9a-f]+$/i.test(t) ? Number.parseInt(t, 16) : Number(t);
  return Number.isFinite(n) ? n : undefined;
}

/** Every scalar leaf of an event (for keyword search). */
export function leafTexts(v: JsonValue, out: string[] = []): string[] {
  if (typeof v === "string") out.push(v);
  else if (typeof v === "number" || typeof v === "boolean") out.push(String(v));
  else if (Array.isArray(v)) for (const x of v) leafTexts(x, out);
  else if (v !== null) for (const x of Object.values(v)) leafTexts(x, out);
  return out;
}

/**
 * An IP address as 32-bit words: one for IPv4, four for IPv6 (most significant first). Numbers, not
 * a BigInt: a `|cidr` list tests each value against every network, and BigInt arithmetic made that
 * a microsecond and more per value.
 */
export interface Ip {
  readonly words: readonly number[];
  readonly v4: boolean;
}

/** The value of a hex digit's character code, or -1. */
function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 32;
  return l >= 97 && l <= 102 ? l - 87 : -1;
}

/** Dotted-quad IPv4 in s[from, to) as a 32-bit number, or -1. */
function ipv4(s: string, from: number, to: number): number {
  let value = 0;
  let octets = 0;
  let i = from;
  while (octets < 4) {
    let n = 0;
    const start = i;
    for (; i < to && i - start < 4; i++) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) break;
      n = n * 10 + c - 48;
    }
    if (i === start || i - start > 3 || n > 255) return -1;
    value = value * 256 + n;
    octets++;
    if (octets < 4) {
      if (s.charCodeAt(i) !== 46 || i >= to) return -1;
      i++;
    }
  }
  return i === to ? value : -1;
}

/**
 * IPv4 or IPv6 text (IPv6 with an IPv4 tail, or a zone, too; blanks around it ignored) to its
 * words, or undefined. Read character by character: a `|cidr` rule parses each new value. A "::"
 * stands for one zero group at least, as `net.isIPv6` has it ("1:2:3:4::5:6:7:8" is refused).
 */
export function parseIp(raw: string): Ip | undefined {
  // trim() returns the string itself when there is nothing to trim
  const text = raw.trim();
  let to = text.length;
  if (to === 0) return undefined;
  if (!text.includes(":")) {
    const v = ipv4(text, 0, to);
    return v < 0 ? undefined : { words: [v], v4: true };
  }
  const zone = text.indexOf("%");
  if (zone >= 0) {
    if (zone === to - 1) return undefined;
    to = zone;
  }
  // up to 8 groups of 16 bits, before and after a "::"
  const groups: number[] = [];
  let gap = -1;
  let i = 0;
  if (text.charCodeAt(i) === 58) {
    if (text.charCodeAt(i + 1) !== 58) return undefined;
    gap = 0;
    i += 2;
  }
  while (i < to) {
    let n = 0;
    let digits = 0;
    const start = i;
    for (; i < to; i++) {
      const d = hexDigit(text.charCodeAt(i));
      if (d < 0) break;
      n = n * 16 + d;
      digits++;
    }
    if (i < to && text.charCodeAt(i) === 46) {
      // an IPv4 tail: the last 32 bits
      const v = ipv4(text, start, to);
      if (v < 0) return undefined;
      groups.push(v >>> 16, v & 0xffff);
      i = to;
      break;
    }
    if (digits === 0 || digits > 4) return undefined;
    groups.push(n);
    if (i === to) break;
    if (text.charCodeAt(i) !== 58) return undefined;
    i++;
    if (text.charCodeAt(i) === 58) {
      if (gap >= 0) return undefined;
      gap = groups.length;
      i++;
    } else if (i === to) return undefined;
  }
  if (gap < 0 ? groups.length !== 8 : groups.length > 7) return undefined;
  const full =
    gap < 0
      ? groups
      : [...groups.slice(0, gap), ...Array<number>(8 - groups.length).fill(0), ...groups.slice(gap)];
  const words: number[] = [];
  for (let w = 0; w < 8; w += 2) words.push(((full[w]! << 16) | full[w + 1]!) >>> 0);
  return { words, v4: false };
}

/** A CIDR network: its address words with the host bits cleared, and the mask of each word. */
export interface Network {
  readonly base: readonly number[];
  readonly mask: readonly number[];
  readonly v4: boolean;
}

export function parseCidr(cidr: string): Network | undefined {
  const slash = cidr.lastIndexOf("/");
  const ip = parseIp(slash < 0 ? cidr : cidr.slice(0, slash));
  if (!ip) return undefined;
  const width = ip.words.length * 32;
  const bits = slash < 0 ? width : Number(cidr.slice(slash + 1));
  if (!Number.isInteger(bits) || bits < 0 || bits > width) return undefined;
  // word i keeps the network bits that fall in it: all 32, some leading ones, or none
  const mask = ip.words.map((_, i) => {
    const n = Math.min(32, Math.max(0, bits - 32 * i));
    return n === 0 ? 0 : (0xffffffff << (32 - n)) >>> 0;
  });
  return { base: ip.words.map((w, i) => (w & mask[i]!) >>> 0), mask, v4: ip.v4 };
}

/** The last address parsed by inNetwork: a `|cidr` list tests one value against each network. */
let lastText: string | undefined;
let lastIp: Ip | undefined;

export function inNetwork(net: Network, text: string): boolean {
  if (text !== lastText) {
    lastIp = parseIp(text);
    lastText = text;
  }
  const ip = lastIp;
  if (ip === undefined || ip.v4 !== net.v4) return false;
  for (let i = 0; i < ip.words.length; i++)
    if ((ip.words[i]! & net.mask[i]!) >>> 0 !== net.base[i]) return false;
  return true;
}

/** Epoch ms of a timestamp: ISO 8601, "YYYY-MM-DD hh:mm:ss[.fff]" (taken as UTC), or epoch s/ms. */
export function parseTime(v: JsonValue | undefined): number | undefined {
  if (typeof v === "number") return v > 1e11 ? v : v * 1000;
  if (typeof v !== "string" || v.length < 10) return undefined;
  let s = v.trim();
  if (/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}/.test(s)) {
    s = s.replace(" ", "T");
    if (!/(Z|[+-]\d{2}:?\d{2})$/.test(s)) s += "Z";
  } else if (!/^\d{4}-\d{2}-\d{2}/.test(s)) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

/** ISO week number (1..53) of a UTC date. */
function isoWeek(d: Date): number {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
  return Math.ceil(((t.getTime() - yearStart) / 86400000 + 1) / 7);
}

/** The part of a date a time modifier extracts, in UTC. */
export function timePart(ms: number, part: TimePart): number {
  const d = new Date(ms);
  switch (part) {
    case "minute":
      return d.getUTCMinutes();
    case "hour":
      return d.getUTCHours();
    case "day":
      return d.getUTCDate();
    case "week":
      return isoWeek(d);
    case "month":
      return d.getUTCMonth() + 1;
    case "year":
      return d.getUTCFullYear();
  }
}

/** `a op b` for the numeric operators of modifiers (lt..gte) and correlation conditions (also eq, neq). */
export function compareHolds(op: CountOp, a: number, b: number): boolean {
  switch (op) {
    case "lt":
      return a < b;
    case "lte":
      return a <= b;
    case "gt":
      return a > b;
    case "gte":
      return a >= b;
    case "eq":
      return a === b;
    case "neq":
      return a !== b;
  }
}

/** Whether `text` relates to `other` as a match mode says (equal, contains, starts or ends with it). */
export function modeHolds(mode: MatchMode, text: string, other: string): boolean {
  switch (mode) {
    case "equals":
      return text === other;
    case "contains":
      return text.includes(other);
    case "startswith":
      return text.startsWith(other);
    case "endswith":
      return text.endsWith(other);
  }
}
