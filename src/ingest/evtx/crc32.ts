// CRC-32 (IEEE 802.3, as zlib), used by EVTX for the file header, chunk headers and chunk record data.
import { crc32 as zlibCrc32 } from "node:zlib";

/** Continues `crc` (start with 0) over `buf[start, end)`; zlib's native CRC is ~10x a JS table loop. */
export function crc32(buf: Uint8Array, start: number, end: number, crc = 0): number {
  return zlibCrc32(buf.subarray(start, end), crc);
}
