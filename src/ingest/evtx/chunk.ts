// One 64 KiB chunk: header and checksum checks, then its event records in order. Every failure
// becomes a problem item; a broken record is skipped and the walk goes on to the next one.
import type { JsonObject } from "../../core/index.js";
import { type ChunkContext, parseFragment } from "./binxml.js";
import { crc32 } from "./crc32.js";
import { filetime } from "./format.js";
import { renderEvent } from "./json.js";
import { EvtxFormatError } from "./model.js";

export const CHUNK_SIZE = 0x10000;
const CHUNK_HEADER_SIZE = 512;
const RECORD_HEADER_SIZE = 24;
const RECORD_MAGIC = 0x00002a2a;
const NO_CRC32 = 0x4;

export type EvtxItem =
  | { kind: "record"; recordId: number; written: string; event: JsonObject }
  | { kind: "problem"; code: string; message: string; offset: number };

export const problem = (code: string, message: string, offset: number): EvtxItem => ({
  kind: "problem",
  code,
  message,
  offset,
});

const CHUNK_MAGIC = [0x45, 0x6c, 0x66, 0x43, 0x68, 0x6e, 0x6b, 0x00]; // "ElfChnk\0"

const isZero = (buf: Uint8Array, start: number, end: number): boolean => {
  for (let i = start; i < end; i++) if (buf[i] !== 0) return false;
  return true;
};

/**
 * Reads the records of the chunk in `buf` (a full chunk, or the shorter tail of a truncated file).
 * `base` is the chunk's absolute file offset.
 */
export function* readChunk(buf: Uint8Array, base: number): Generator<EvtxItem> {
  const truncated = buf.length < CHUNK_SIZE;
  if (truncated) {
    yield problem(
      "truncated",
      `file ends ${buf.length} bytes into a ${CHUNK_SIZE}-byte chunk`,
      base + buf.length,
    );
  }
  // Unused chunks at the end of a log are zero-filled: nothing to read, nothing wrong.
  if (buf.length < CHUNK_HEADER_SIZE || isZero(buf, 0, 8)) return;
  if (CHUNK_MAGIC.some((b, i) => buf[i] !== b)) {
    yield problem("bad-chunk", "chunk does not start with ElfChnk", base);
    return;
  }
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const lastRecordId = dv.getBigUint64(32, true);
  const freeSpace = dv.getUint32(48, true);
  const end = Math.min(freeSpace, buf.length);
  if (!truncated && (dv.getUint32(120, true) & NO_CRC32) === 0) {
    const header = crc32(buf, 128, CHUNK_HEADER_SIZE, crc32(buf, 0, 120));
    if (header !== dv.getUint32(124, true)) {
      yield problem("bad-chunk-checksum", "chunk header CRC32 mismatch; reading its records anyway", base);
    }
    const data =
      freeSpace <= CHUNK_SIZE && freeSpace >= CHUNK_HEADER_SIZE
        ? crc32(buf, CHUNK_HEADER_SIZE, freeSpace)
        : -1;
    if (data !== dv.getUint32(52, true)) {
      yield problem(
        "bad-chunk-checksum",
        "chunk record data CRC32 mismatch; reading its records anyway",
        base,
      );
    }
  }

  // A Buffer view (no copy) for its fast UTF-16 decoding.
  const text = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const ctx: ChunkContext = { buf: text, dv, base, names: new Map(), templates: new Map() };
  let offset = CHUNK_HEADER_SIZE;
  while (offset + RECORD_HEADER_SIZE <= end) {
    const magic = dv.getUint32(offset, true);
    const size = dv.getUint32(offset + 4, true);
    // Some writers leave free-space offsets too large: zeros after the last record end the chunk.
    if (magic === 0 && size === 0) return;
    if (truncated && magic === RECORD_MAGIC && offset + size > buf.length) break;
    if (magic !== RECORD_MAGIC || size < RECORD_HEADER_SIZE + 4 || offset + size > buf.length) {
      yield problem(
        "bad-record",
        `bad record header (magic 0x${magic.toString(16)}, size ${size})`,
        base + offset,
      );
      const next = resync(buf, dv, offset + 8, end);
      if (next < 0) return;
      offset = next;
      continue;
    }
    const recordId = dv.getBigUint64(offset + 8, true);
    yield record(ctx, offset, size, recordId);
    offset += size;
    if (recordId === lastRecordId) return;
  }
  if (truncated && offset < freeSpace) {
    yield problem("truncated", "chunk records cut off by the end of the file", base + offset);
  }
}

function record(ctx: ChunkContext, offset: number, size: number, recordId: bigint): EvtxItem {
  try {
    const written = filetime(ctx.dv, offset + 16);
    if (written === undefined)
      throw new EvtxFormatError("bad-record", "record time out of range", ctx.base + offset);
    const root = parseFragment(ctx, offset + RECORD_HEADER_SIZE, offset + size - 4, "record", 0);
    return { kind: "record", recordId: Number(recordId), written, event: renderEvent(root) };
  } catch (e) {
    // Corrupt data can trip any check in the decoder; it costs one record, never the chunk.
    const message = e instanceof Error ? e.message : String(e);
    // Offsets read from corrupt data can point anywhere; report them only when inside this chunk.
    const at = e instanceof EvtxFormatError ? e.offset - ctx.base : -1;
    const inside = at >= offset && at < ctx.buf.length;
    return problem("bad-record", `record ${recordId}: ${message}`, ctx.base + (inside ? at : offset));
  }
}

/** Next plausible record start after corruption: magic, sane size, and the size repeated at its end. */
function resync(buf: Uint8Array, dv: DataView, from: number, end: number): number {
  for (let p = (from + 7) & ~7; p + RECORD_HEADER_SIZE <= end; p += 8) {
    if (buf[p] !== 0x2a || dv.getUint32(p, true) !== RECORD_MAGIC) continue;
    const size = dv.getUint32(p + 4, true);
    if (size >= RECORD_HEADER_SIZE + 4 && p + size <= buf.length && dv.getUint32(p + size - 4, true) === size)
      return p;
  }
  return -1;
}
