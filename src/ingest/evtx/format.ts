// Text forms of Windows binary types, matching evtx_dump: FILETIME/SYSTEMTIME as ISO 8601 with
// microseconds, GUIDs upper-case without braces, SIDs as S-R-A-S..., hex integers lower-case with 0x.

const HEX_UPPER = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, "0"));
const WINDOWS_TO_UNIX_MS = 11_644_473_600_000;
const TICKS_PER_MS = 10_000n;

const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`);

/** `YYYY-MM-DDTHH:MM:SS.ffffffZ`, or undefined when the year falls outside 0..9999 (evtx rejects those). */
export function isoMicros(unixMs: number, micros: number): string | undefined {
  const d = new Date(unixMs);
  const y = d.getUTCFullYear();
  if (!(y >= 0 && y <= 9999)) return undefined;
  const frac = String(micros).padStart(6, "0");
  return `${String(y).padStart(4, "0")}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}T${pad2(
    d.getUTCHours(),
  )}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}.${frac}Z`;
}

/** FILETIME (100 ns ticks since 1601) read from `dv` at `pos`; BigInt because ticks exceed 2^53. */
export function filetime(dv: DataView, pos: number): string | undefined {
  const ticks = dv.getBigUint64(pos, true);
  const ms = ticks / TICKS_PER_MS;
  const micros = Number((ticks / 10n) % 1_000_000n);
  return isoMicros(Number(ms) - WINDOWS_TO_UNIX_MS, micros);
}

/** SYSTEMTIME: eight u16 fields (year, month, weekday, day, hour, minute, second, millisecond). */
export function systemtime(dv: DataView, pos: number): string | undefined {
  const f = (i: number): number => dv.getUint16(pos + 2 * i, true);
  const [year, month, day, hour, minute, second, ms] = [f(0), f(1), f(3), f(4), f(5), f(6), f(7)];
  if (year + month + day + hour + minute + second + ms === 0) return "1601-01-01T00:00:00.000000Z";
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59 || ms > 999) {
    return undefined;
  }
  // setUTCFullYear, unlike Date.UTC, keeps years 0..99 as they are.
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, ms);
  if (d.getUTCDate() !== day || d.getUTCMonth() !== month - 1) return undefined;
  return isoMicros(d.getTime(), ms * 1000);
}

/** GUID: Data1..3 little-endian, Data4 as stored. */
export function guid(b: Uint8Array, p: number): string {
  const h = (i: number): string => HEX_UPPER[b[p + i]!]!;
  return `${h(3)}${h(2)}${h(1)}${h(0)}-${h(5)}${h(4)}-${h(7)}${h(6)}-${h(8)}${h(9)}-${h(10)}${h(11)}${h(12)}${h(13)}${h(14)}${h(15)}`;
}

/** Byte length of the SID at `p` (8 + 4 per sub-authority), or -1 when it does not fit in `end`. */
export function sidLength(b: Uint8Array, p: number, end: number): number {
  if (p + 8 > end) return -1;
  const len = 8 + 4 * b[p + 1]!;
  return p + len > end ? -1 : len;
}

/** SID as `S-revision-authority-sub-...`; authority is a 48-bit big-endian number. */
export function sid(dv: DataView, b: Uint8Array, p: number, end: number): string {
  if (p + 8 > end) return "S-?";
  let authority = 0;
  for (let i = 2; i < 8; i++) authority = authority * 256 + b[p + i]!;
  const parts = [`S-${b[p]}-${authority}`];
  const count = b[p + 1]!;
  for (let i = 0; i < count && p + 12 + 4 * i <= end; i++)
    parts.push(String(dv.getUint32(p + 8 + 4 * i, true)));
  return parts.join("-");
}

/** Binary data as upper-case hex without separators. */
export function hexBytes(b: Uint8Array, p: number, len: number): string {
  const parts = new Array<string>(len);
  for (let i = 0; i < len; i++) parts[i] = HEX_UPPER[b[p + i]!]!;
  return parts.join("");
}

export const hex32 = (v: number): string => `0x${v.toString(16)}`;

export function hex64(dv: DataView, p: number): string {
  const lo = dv.getUint32(p, true);
  const hi = dv.getUint32(p + 4, true);
  return hi === 0 ? `0x${lo.toString(16)}` : `0x${hi.toString(16)}${lo.toString(16).padStart(8, "0")}`;
}

/** Shortest round-trip text of a double, written the way Rust float formatting does ("1.0", "1e21"). */
export function real64(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  const s = String(v);
  if (Number.isInteger(v) && !s.includes("e")) return `${s}.0`;
  return s.replace("e+", "e");
}

/** Shortest text that reads back as the same single-precision float. */
export function real32(v: number): string {
  if (!Number.isFinite(v)) return real64(v);
  for (let p = 1; p < 10; p++) {
    const candidate = Number(v.toPrecision(p));
    if (Math.fround(candidate) === v) return real64(candidate);
  }
  return real64(v);
}
