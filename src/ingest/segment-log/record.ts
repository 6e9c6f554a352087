// The on-disk record and segment header. A record is `length u32 LE | crc32 u32 LE | payload`, the CRC
// (zlib's CRC-32) covering length and payload, so a zero-filled or torn tail never passes for a record.
import { crc32 } from "node:zlib";

export const RECORD_HEADER = 8;
/** Larger payloads are refused on append and a larger length on disk is corruption. */
export const MAX_RECORD_BYTES = 256 * 1024 * 1024;
export const SEGMENT_HEADER = 16;
const MAGIC = 0x314c5343; // "CSL1" little-endian

const checksum = (buf: Uint8Array, start: number, len: number): number =>
  crc32(
    buf.subarray(start + RECORD_HEADER, start + RECORD_HEADER + len),
    crc32(buf.subarray(start, start + 4)),
  );

/** Encodes a batch of payloads into one buffer, ready for one write. */
export function encodeRecords(payloads: readonly Buffer[]): Buffer {
  let total = 0;
  for (const p of payloads) total += RECORD_HEADER + p.length;
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (const p of payloads) {
    out.writeUInt32LE(p.length, at);
    p.copy(out, at + RECORD_HEADER);
    out.writeUInt32LE(checksum(out, at, p.length), at + 4);
    at += RECORD_HEADER + p.length;
  }
  return out;
}

export type Decoded =
  | { readonly kind: "record"; readonly start: number; readonly end: number }
  /** Not enough bytes for the header or the payload the header announces. */
  | { readonly kind: "short"; readonly length?: number }
  | { readonly kind: "bad"; readonly reason: string };

/** Decodes the record at `pos` of `buf` (which holds the file from some position up to `end`). */
export function decodeRecord(buf: Buffer, pos: number, end: number): Decoded {
  if (end - pos < RECORD_HEADER) return { kind: "short" };
  const len = buf.readUInt32LE(pos);
  if (len > MAX_RECORD_BYTES)
    return { kind: "bad", reason: `record length ${len} exceeds ${MAX_RECORD_BYTES}` };
  if (end - pos - RECORD_HEADER < len) return { kind: "short", length: len };
  if (buf.readUInt32LE(pos + 4) !== checksum(buf, pos, len)) return { kind: "bad", reason: "CRC mismatch" };
  return { kind: "record", start: pos + RECORD_HEADER, end: pos + RECORD_HEADER + len };
}

export function segmentHeader(firstOffset: number): Buffer {
  const h = Buffer.alloc(SEGMENT_HEADER);
  h.writeUInt32LE(MAGIC, 0);
  h.writeBigUInt64LE(BigInt(firstOffset), 4);
  return h;
}

/** The first offset a segment header records, or undefined when it is not a segment header. */
export function readSegmentHeader(h: Buffer): number | undefined {
  if (h.length < SEGMENT_HEADER || h.readUInt32LE(0) !== MAGIC) return undefined;
  return Number(h.readBigUInt64LE(4));
}

export const segmentName = (firstOffset: number): string => `${String(firstOffset).padStart(20, "0")}.seg`;
export const SEGMENT_NAME = /^(\d{20})\.seg$/;
