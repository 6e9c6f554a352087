// Walks a segment file record by record, checking every CRC, to rebuild its sparse index and to find
// where good data ends: a torn tail (a crash mid-write) or corruption with good records after it.
import type { FileHandle } from "node:fs/promises";
import { decodeRecord, RECORD_HEADER, SEGMENT_HEADER } from "./record.js";

/** Every INDEX_STRIDE-th record's byte position is kept, so a read seeks at most that many records. */
export const INDEX_STRIDE = 128;
const CHUNK = 4 * 1024 * 1024;

export interface SegmentScan {
  readonly count: number;
  /** Byte position just after the last good record. */
  readonly goodEnd: number;
  readonly index: number[];
  /**
   * What stopped the scan before the end of the file. "torn": nothing decodable follows, the shape a
   * crash mid-write leaves. "corrupt": a bad record with a good one right after it, i.e. damage to
   * data that had been written whole.
   */
  readonly fault?: { readonly kind: "torn" | "corrupt"; readonly pos: number; readonly reason: string };
}

export async function scanSegment(fh: FileHandle, size: number): Promise<SegmentScan> {
  const index: number[] = [];
  let count = 0;
  let pos = SEGMENT_HEADER;
  let buf = Buffer.alloc(0);
  let bufAt = pos; // file position of buf[0]
  const load = async (at: number, need: number): Promise<void> => {
    const len = Math.min(Math.max(CHUNK, need), size - at);
    buf = Buffer.allocUnsafe(len);
    let got = 0;
    while (got < len) {
      const { bytesRead } = await fh.read(buf, got, len - got, at + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    buf = buf.subarray(0, got);
    bufAt = at;
  };
  while (pos < size) {
    let d = decodeRecord(buf, pos - bufAt, buf.length);
    if (d.kind === "short" && bufAt + buf.length < size) {
      await load(pos, RECORD_HEADER + (d.length ?? 0));
      d = decodeRecord(buf, pos - bufAt, buf.length);
    }
    if (d.kind === "record") {
      if (count % INDEX_STRIDE === 0) index.push(pos);
      count++;
      pos = bufAt + d.end;
      continue;
    }
    if (d.kind === "short")
      return {
        count,
        goodEnd: pos,
        index,
        fault: { kind: "torn", pos, reason: "partial record at end of file" },
      };
    const len = buf.readUInt32LE(pos - bufAt);
    const next = pos + RECORD_HEADER + len;
    const corrupt = d.reason === "CRC mismatch" && next < size && (await recordAt(fh, next, size));
    return {
      count,
      goodEnd: pos,
      index,
      fault: { kind: corrupt ? "corrupt" : "torn", pos, reason: d.reason },
    };
  }
  return { count, goodEnd: pos, index };
}

/** Whether a whole, CRC-valid record starts at `pos`. */
async function recordAt(fh: FileHandle, pos: number, size: number): Promise<boolean> {
  const head = Buffer.alloc(RECORD_HEADER);
  await fh.read(head, 0, RECORD_HEADER, pos);
  const len = head.readUInt32LE(0);
  if (pos + RECORD_HEADER + len > size) return false;
  const buf = Buffer.allocUnsafe(RECORD_HEADER + len);
  await fh.read(buf, 0, buf.length, pos);
  return decodeRecord(buf, 0, buf.length).kind === "record";
}
