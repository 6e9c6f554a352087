// Bounds-checked little-endian reads over one chunk (or the file header), with chunk-relative positions.
import { EvtxFormatError } from "./model.js";

const utf16 = new TextDecoder("utf-16le");

export class ByteReader {
  readonly dv: DataView;
  pos: number;

  constructor(
    readonly buf: Uint8Array,
    pos = 0,
    /** Absolute file offset of buf[0], for problem reports. */
    readonly base = 0,
  ) {
    this.dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
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
const codes: number[] = [];

/** Decodes UTF-16LE up to the first NUL unit; short strings skip the TextDecoder call overhead. */
export function decodeUtf16(buf: Uint8Array, start: number, units: number): string {
  let n = 0;
  while (n < units) {
    const i = start + 2 * n;
    if (buf[i] === 0 && buf[i + 1] === 0) break;
    n++;
  }
  if (n === 0) return "";
  if (n <= SMALL) {
    let plain = true;
    codes.length = n;
    for (let j = 0; j < n; j++) {
      const c = buf[start + 2 * j]! | (buf[start + 2 * j + 1]! << 8);
      if (c >= 0xd800 && c <= 0xdfff) plain = false;
      codes[j] = c;
    }
    // Surrogates go through TextDecoder so lone halves become U+FFFD, as in evtx_dump.
    if (plain) return String.fromCharCode.apply(null, codes);
  }
  return utf16.decode(buf.subarray(start, start + 2 * n));
}
