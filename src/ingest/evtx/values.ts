// Decodes typed substitution values (MS-EVEN6 value types) into tree nodes, with evtx_dump's text forms.
// Strings become text nodes; integers and booleans keep a JSON number/boolean; arrays keep their items.
import {
  filetime,
  guid,
  hex32,
  hex64,
  hexBytes,
  real32,
  real64,
  sid,
  sidLength,
  systemtime,
} from "./format.js";
import { EvtxFormatError, type Substitution, text, value, type XNode, type XValue } from "./model.js";
import { decodeUtf16 } from "./reader.js";

export const BINXML_TYPE = 0x21;
const ARRAY_FLAG = 0x80;

const ansi = new TextDecoder("windows-1252");
const NULL_VALUE = value("", undefined, true);

/** Fixed byte width of each scalar type that arrays can hold; 0 for variable-size types. */
const WIDTH: Record<number, number> = {
  3: 1,
  4: 1,
  5: 2,
  6: 2,
  7: 4,
  8: 4,
  9: 8,
  10: 8,
  11: 4,
  12: 8,
  13: 4,
  15: 16,
  17: 8,
  18: 16,
  20: 4,
  21: 8,
};

function fail(message: string, offset: number): never {
  throw new EvtxFormatError("bad-record", message, offset);
}

/**
 * Decodes one value of `type` stored in `buf[p, p + size)`. `base` turns positions into file offsets
 * for problem messages. BinXml (0x21) is handled by the caller, which owns the BinXml parser.
 */
export function decodeValue(
  buf: Buffer,
  dv: DataView,
  p: number,
  size: number,
  type: number,
  base: number,
): Substitution {
  if (p + size > buf.length) fail(`value of type 0x${type.toString(16)} runs past the chunk`, base + p);
  if (type === 0x00) return NULL_VALUE;
  if (type === 0x01) {
    if (size % 2 !== 0) fail("odd-sized UTF-16 string value", base + p);
    return text(trimEnd(decodeUtf16(buf, p, size / 2)));
  }
  if (type === 0x02) return text(decodeAnsi(buf, p, size));
  if (type === 0x0e) return value(hexBytes(buf, p, size), undefined, size === 0);
  if (type === 0x10) {
    if (size === 4) return value(hex32(dv.getUint32(p, true)));
    if (size === 8) return value(hex64(dv, p));
    return fail(`SizeT value of ${size} bytes`, base + p);
  }
  if (type === 0x13) {
    if (sidLength(buf, p, buf.length) < 0) fail("SID runs past the chunk", base + p);
    return value(sid(dv, buf, p, buf.length));
  }
  if (type === 0x81) return stringArray(buf, p, size);
  if (type & ARRAY_FLAG) return scalarArray(buf, dv, p, size, type & ~ARRAY_FLAG, base);
  const width = WIDTH[type];
  if (width === undefined) return fail(`unsupported value type 0x${type.toString(16)}`, base + p);
  if (p + width > buf.length) fail(`value of type 0x${type.toString(16)} runs past the chunk`, base + p);
  return scalar(buf, dv, p, type, base);
}

/** One fixed-width scalar. Only called with types listed in WIDTH and enough bytes. */
function scalar(buf: Buffer, dv: DataView, p: number, type: number, base: number): XValue {
  switch (type) {
    case 0x03:
      return num(dv.getInt8(p));
    case 0x04:
      return num(buf[p]!);
    case 0x05:
      return num(dv.getInt16(p, true));
    case 0x06:
      return num(dv.getUint16(p, true));
    case 0x07:
      return num(dv.getInt32(p, true));
    case 0x08:
      return num(dv.getUint32(p, true));
    case 0x09:
      return big(dv.getBigInt64(p, true));
    case 0x0a:
      return big(dv.getBigUint64(p, true));
    case 0x0b:
      return value(real32(dv.getFloat32(p, true)));
    case 0x0c:
      return value(real64(dv.getFloat64(p, true)));
    case 0x0d: {
      const b = dv.getInt32(p, true) !== 0;
      return value(b ? "true" : "false", b);
    }
    case 0x0f:
      return value(guid(buf, p));
    case 0x11:
      return value(filetime(dv, p) ?? fail("FILETIME out of range", base + p));
    case 0x12:
      return value(systemtime(dv, p) ?? fail("invalid SYSTEMTIME", base + p));
    case 0x14:
      return value(hex32(dv.getUint32(p, true)));
    case 0x15:
      return value(hex64(dv, p));
    default:
      return fail(`unsupported value type 0x${type.toString(16)}`, base + p);
  }
}

// evtx_dump 0.8.5-0.9 (which wrote the reference JSON) trims trailing Unicode White_Space from
// string values; JS trimEnd differs from Rust's on U+0085 and U+FEFF, hence the explicit class.
const TRAILING_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/;

function trimEnd(s: string): string {
  const last = s.charCodeAt(s.length - 1);
  if (last > 0x20 && last !== 0x85 && last !== 0xa0 && last < 0x1680) return s;
  return s.replace(TRAILING_SPACE, "");
}

const num = (n: number): XValue => value(String(n), n);

// The exact decimal is kept as text; the JSON number rounds like JSON.parse does on evtx_dump output.
const big = (n: bigint): XValue => value(n.toString(), Number(n));

function decodeAnsi(buf: Buffer, p: number, size: number): string {
  // evtx drops embedded NUL bytes rather than stopping at the first one.
  const slice: Uint8Array = buf.subarray(p, p + size);
  return ansi.decode(slice.includes(0) ? slice.filter((b) => b !== 0) : slice);
}

/** An array value; items with more than one entry make the containing element repeat. */
function arrayValue(items: XValue[] | (XNode | undefined)[], texts: string[]): XValue {
  return {
    k: "val",
    s: texts.join(","),
    n: undefined,
    empty: items.length === 0,
    items: items.length > 1 ? items : undefined,
  };
}

/** NUL-terminated UTF-16 strings packed in `size` bytes; empty items expand to empty elements. */
function stringArray(buf: Buffer, p: number, size: number): XValue {
  const items: (XNode | undefined)[] = [];
  const texts: string[] = [];
  const end = p + size - (size % 2);
  let start = p;
  for (let q = p; q < end; q += 2) {
    if (buf[q] === 0 && buf[q + 1] === 0) {
      const s = decodeUtf16(buf, start, (q - start) / 2);
      items.push(s === "" ? undefined : text(s));
      texts.push(s);
      start = q + 2;
    }
  }
  if (start < end) {
    const s = decodeUtf16(buf, start, (end - start) / 2);
    items.push(s === "" ? undefined : text(s));
    texts.push(s);
  }
  return arrayValue(items, texts);
}

function scalarArray(buf: Buffer, dv: DataView, p: number, size: number, type: number, base: number): XValue {
  const items: XValue[] = [];
  const end = p + size;
  if (type === 0x13) {
    for (let q = p; q < end; ) {
      const len = sidLength(buf, q, end);
      if (len < 0) break;
      items.push(value(sid(dv, buf, q, end)));
      q += len;
    }
  } else {
    const width = WIDTH[type];
    if (width === undefined) fail(`unsupported array type 0x${(type | ARRAY_FLAG).toString(16)}`, base + p);
    for (let q = p; q + width <= end; q += width) {
      const item = scalar(buf, dv, q, type, base);
      items.push(item);
    }
  }
  // Array items print as text: a one-item integer array is a string, not a JSON number.
  return arrayValue(
    items,
    items.map((i) => i.s),
  );
}
