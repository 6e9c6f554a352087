// Bounds-checked little-endian reads over one chunk (or the file header), with chunk-relative positions.
import { EvtxFormatError } from "./model.js";

const utf16 = new TextDecoder("utf-16le");

export class ByteReader {
  readonly dv: DataView;
  pos: number;

  constructor(
    readonly buf: Buffer,
    pos = 0,
    /** Absolute file offset of buf[0], for problem reports. */
    readonly base = 0,
    dv?: DataView,
  ) {
    this.dv = dv ?? new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.pos = pos;
  }

  need(n: number, what: string): void {
    if (n < 0 || this.pos + n > this.buf.length) {
      throw new EvtxFormatError(
        "bad-record",
        `${what}: needs ${n} bytes past the end of the chunk`,
        this.at(),
      );
    }
  }

  /** Absolute file offset of the current position. */
  at(): number {
    return this.base + this.pos;
  }

  u8(): number {
    this.need(1, "byte");
    return this.buf[this.pos++]!;
  }

  u16(): number {
    this.need(2, "u16");
    const v = this.dv.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }

  u32(): number {
    this.need(4, "u32");
    const v = this.dv.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  skip(n: number, what: string): void {
    this.need(n, what);
    this.pos += n;
  }

  /** `units` UTF-16LE code units, cut at the first NUL as evtx does. */
  utf16(units: number, what: string): string {
    this.need(units * 2, what);
    const s = decodeUtf16(this.buf, this.pos, units);
    this.pos += units * 2;
    return s;
  }
}

const SMALL = 24;
// One scratch array per length: resizing a single array costs more than the decode itself.
const scratch: number[][] = Array.from({ length: SMALL + 1 }, (_, n) => new Array<number>(n).fill(0));

/**
 * Decodes UTF-16LE up to the first NUL unit. Strings with lone surrogates go through TextDecoder
 * so that they become U+FFFD, as in evtx_dump.
 */
export function decodeUtf16(buf: Buffer, start: number, units: number): string {
  let n = 0;
  let surrogates = false;
  const codes = units <= SMALL ? scratch[units]! : undefined;
  for (; n < units; n++) {
    const c = buf[start + 2 * n]! | (buf[start + 2 * n + 1]! << 8);
    if (c === 0) break;
    if (c >= 0xd800 && c <= 0xdfff) surrogates = true;
    if (codes) codes[n] = c;
  }
  if (n === 0) return "";
  if (surrogates) return utf16.decode(buf.subarray(start, start + 2 * n));
  if (codes) {
    if (n === units) return String.fromCharCode.apply(null, codes);
    return String.fromCharCode.apply(null, codes.slice(0, n));
  }
  // Buffer's UTF-16 decoding is ~3x TextDecoder's; it would keep lone surrogates, but those went above.
  return buf.toString("utf16le", start, start + 2 * n);
}
