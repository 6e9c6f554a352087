// The 4 KiB file header: checked for magic and CRC32. A bad header is reported, but chunks are
// still read at their fixed offsets, since each chunk is self-contained.
import { type EvtxItem, problem } from "./chunk.js";
import { crc32 } from "./crc32.js";

export const FILE_HEADER_SIZE = 0x1000;
const FILE_MAGIC = [0x45, 0x6c, 0x66, 0x46, 0x69, 0x6c, 0x65, 0x00]; // "ElfFile\0"

/** Problems with the header in `buf` (which holds at most the first 4 KiB of the file). */
export function checkFileHeader(buf: Uint8Array): EvtxItem[] {
  if (buf.length < 128 || FILE_MAGIC.some((b, i) => buf[i] !== b)) {
    return [problem("bad-file-header", "file does not start with ElfFile", 0)];
  }
  const out: EvtxItem[] = [];
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (crc32(buf, 0, 120) !== dv.getUint32(124, true)) {
    out.push(problem("bad-file-header", "file header CRC32 mismatch", 124));
  }
  if (buf.length < FILE_HEADER_SIZE) {
    out.push(problem("truncated", `file ends inside its ${FILE_HEADER_SIZE}-byte header`, buf.length));
  }
  return out;
}
