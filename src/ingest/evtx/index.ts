// Native reader for Windows binary event logs (.evtx). Each event comes out in the JSON layout of
// `evtx_dump -o json`; damage comes out as problem items with a stable code, never as an exception.
//
// Problem codes: bad-file-header, truncated, bad-chunk (chunk skipped), bad-chunk-checksum (CRC32
// mismatch; records still read), bad-record (one record skipped), unreadable (readEvtxFile: I/O failed).
import { open } from "node:fs/promises";
import { CHUNK_SIZE, type EvtxItem, problem, readChunk } from "./chunk.js";
import { checkFileHeader, FILE_HEADER_SIZE } from "./file-header.js";

export type { EvtxItem } from "./chunk.js";

/** Reads a whole .evtx file held in memory. */
export function* readEvtx(data: Uint8Array): Generator<EvtxItem> {
  yield* checkFileHeader(data.subarray(0, FILE_HEADER_SIZE));
  for (let base = FILE_HEADER_SIZE; base < data.length; base += CHUNK_SIZE) {
    yield* readChunk(data.subarray(base, base + CHUNK_SIZE), base);
  }
}

/** Reads a .evtx file one 64 KiB chunk at a time, so memory stays flat whatever the file size. */
export async function* readEvtxFile(path: string): AsyncGenerator<EvtxItem> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, "r");
  } catch (e) {
    yield problem("unreadable", `cannot open ${path}: ${(e as Error).message}`, 0);
    return;
  }
  try {
    const header = await readAt(handle, new Uint8Array(FILE_HEADER_SIZE), 0);
    yield* checkFileHeader(header);
    if (header.length < FILE_HEADER_SIZE) return;
    // One buffer serves every chunk: decoded records hold strings, never views into it.
    const buf = new Uint8Array(CHUNK_SIZE);
    for (let base = FILE_HEADER_SIZE; ; base += CHUNK_SIZE) {
      const chunk = await readAt(handle, buf, base);
      if (chunk.length === 0) break;
      yield* readChunk(chunk, base);
      if (chunk.length < CHUNK_SIZE) break;
    }
  } catch (e) {
    yield problem("unreadable", `reading ${path} failed: ${(e as Error).message}`, 0);
  } finally {
    await handle.close();
  }
}

/** Fills `buf` from `position` (looping over short reads); returns the part actually read. */
async function readAt(
  handle: Awaited<ReturnType<typeof open>>,
  buf: Uint8Array,
  position: number,
): Promise<Uint8Array> {
  let filled = 0;
  while (filled < buf.length) {
    const { bytesRead } = await handle.read(buf, filled, buf.length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buf.subarray(0, filled);
}
