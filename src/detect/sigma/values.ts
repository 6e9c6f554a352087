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

/** IPv4 or IPv6 text to a 128-bit integer (IPv4 mapped into ::ffff:0:0/96), or undefined. */
export function parseIp(text: string): { value: bigint; v4: boolean } | undefined {
  const s = text.trim();
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (v4) {
    const o = v4.slice(1, 5).map(Number);
    if (o.some((x) => x > 255)) return undefined;
    return { value: BigInt(((o[0]! << 24) >>> 0) + (o[1]! << 16) + (o[2]! << 8) + o[3]!), v4: true };
  }
  if (!s.includes(":") || !/^[0-9a-fA-F:.]+(%.+)?$/.test(s)) return undefined;
  let addr = s.replace(/%.*$/, "");
  // an embedded IPv4 tail (::ffff:1.2.3.4)
  const tail = /(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/.exec(addr);
  if (tail) {
    const ip4 = parseIp(tail[1]!);
    if (!ip4) return undefined;
    const n = Number(ip4.value);
    addr = `${addr.slice(0, -tail[1]!.length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const halves = addr.split("::");
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(":") : [];
  const rest = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const missing = 8 - head.length - rest.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...rest];
  let value = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    value = (value << 16n) | BigInt(Number.parseInt(g, 16));
  }
  return { value, v4: false };
}

export interface Network {
  readonly base: bigint;
  readonly mask: bigint;
  readonly v4: boolean;
}

export function parseCidr(cidr: string): Network | undefined {
  const slash = cidr.lastIndexOf("/");
  const ip = parseIp(slash < 0 ? cidr : cidr.slice(0, slash));
  if (!ip) return undefined;
  const width = ip.v4 ? 32 : 128;
  const bits = slash < 0 ? width : Number(cidr.slice(slash + 1));
  if (!Number.isInteger(bits) || bits < 0 || bits > width) return undefined;
  const all = (1n << BigInt(width)) - 1n;
  const mask = (all << BigInt(width - bits)) & all;
  return { base: ip.value & mask, mask, v4: ip.v4 };
}

/** The last address parsed by inNetwork: a `|cidr` list tests one value against each network. */
let lastText: string | undefined;
let lastIp: ReturnType<typeof parseIp>;

export function inNetwork(net: Network, text: string): boolean {
  if (text !== lastText) {
    lastIp = parseIp(text);
    lastText = text;
  }
  const ip = lastIp;
  return ip !== undefined && ip.v4 === net.v4 && (ip.value & net.mask) === net.base;
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
