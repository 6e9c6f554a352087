// Throughput of the EVTX reader on every Sigma regression log, read whole (readEvtx) and chunk by
// chunk from disk (readEvtxFile). Prints records/s for two shapes: the corpus chunks as they are
// (one to seven records, so a template parse per record) and the same chunks filled with copies of
// their records, as real logs are (a template parsed once serves a whole chunk).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32 } from "../src/ingest/evtx/crc32.js";
import { evtxFiles } from "../src/ingest/evtx/fixture.js";
import { readEvtx, readEvtxFile } from "../src/ingest/evtx/index.js";

const REPEAT = Number(process.argv[2] ?? 10);
const parts = evtxFiles().map((f) => readFileSync(f));

/**
 * The BinXml fragment at chunk offset `at` ([fragment header] template instance [EOF]) rewritten so
 * that inline template definitions, here and in nested BinXml values, become references to the
 * originals: as in a real chunk, where only a template's first use carries its definition.
 */
function rewrite(chunk: Buffer, at: number, end: number): Buffer {
  const instance = at + 4;
  if (chunk[at] !== 0x0f || chunk[instance] !== 0x0c) return Buffer.from(chunk.subarray(at, end));
  const defField = instance + 6;
  let p = defField + 4;
  if (chunk.readUInt32LE(defField) === p) p += 24 + chunk.readUInt32LE(p + 20);
  const count = chunk.readUInt32LE(p);
  const descriptors = Buffer.from(chunk.subarray(p + 4, p + 4 + 4 * count));
  const values: Buffer[] = [];
  let v = p + 4 + 4 * count;
  for (let i = 0; i < count; i++) {
    const size = descriptors.readUInt16LE(4 * i);
    const value = descriptors[4 * i + 2] === 0x21 ? rewrite(chunk, v, v + size) : chunk.subarray(v, v + size);
    descriptors.writeUInt16LE(value.length, 4 * i);
    values.push(value);
    v += size;
  }
  return Buffer.concat([
    chunk.subarray(at, defField + 4),
    chunk.subarray(p, p + 4),
    descriptors,
    ...values,
    chunk.subarray(v, end),
  ]);
}

/** A copy of the record at `at` whose templates all refer to definitions stored earlier in the chunk. */
function copyRecord(chunk: Buffer, at: number): Buffer {
  const size = chunk.readUInt32LE(at + 4);
  const body = Buffer.concat([chunk.subarray(at, at + 24), rewrite(chunk, at + 24, at + size - 4)]);
  const padded = Buffer.concat([body, Buffer.alloc((8 - ((body.length + 4) % 8)) % 8), Buffer.alloc(4)]);
  padded.writeUInt32LE(padded.length, 4);
  padded.writeUInt32LE(padded.length, padded.length - 4);
  return padded;
}

/** The chunk with copies of its records appended until full, with headers and CRC32s fixed up. */
function fill(file: Buffer): Buffer {
  const chunk = Buffer.from(file.subarray(0x1000, 0x11000));
  const used = chunk.readUInt32LE(48);
  const copies: Buffer[] = [];
  for (let p = 512; p < used; p += chunk.readUInt32LE(p + 4)) copies.push(copyRecord(chunk, p));
  let end = used;
  let id = Number(chunk.readBigUInt64LE(32));
  for (let i = 0; end + copies[i % copies.length]!.length <= chunk.length; i++) {
    const copy = copies[i % copies.length]!;
    chunk.set(copy, end);
    chunk.writeBigUInt64LE(BigInt(++id), end + 8);
    end += copy.length;
  }
  chunk.writeBigUInt64LE(BigInt(id), 16);
  chunk.writeBigUInt64LE(BigInt(id), 32);
  chunk.writeUInt32LE(end, 48);
  chunk.writeUInt32LE(crc32(chunk, 512, end), 52);
  chunk.writeUInt32LE(crc32(chunk, 128, 512, crc32(chunk, 0, 120)), 124);
  return chunk;
}

const sparse = parts.map((p) => p.subarray(0x1000));
const dense = parts.map(fill);

// Figures on wrong output are worthless: every copy must render exactly as its original does.
const events = (data: Uint8Array): string[] =>
  [...readEvtx(data)].map((i) => (i.kind === "record" ? JSON.stringify(i.event) : `${i.code}: ${i.message}`));
parts.forEach((p, k) => {
  const original = events(p);
  const filled = events(Buffer.concat([p.subarray(0, 0x1000), dense[k]!]));
  filled.forEach((e, i) => {
    if (e !== original[i % original.length]) throw new Error(`filled chunk ${k}, record ${i} differs`);
  });
});
const build = (chunks: Buffer[]): Buffer =>
  Buffer.concat([parts[0]!.subarray(0, 0x1000), ...Array.from({ length: REPEAT }, () => chunks).flat()]);

for (const [shape, chunks] of [
  ["corpus chunks", sparse],
  ["filled chunks", dense],
] as const) {
  console.log(shape);
  await measure(build(chunks));
}

async function measure(log: Buffer): Promise<void> {
  function timeSync(): [number, number] {
    const t = performance.now();
    let n = 0;
    for (const item of readEvtx(log)) {
      if (item.kind === "record") n++;
      else throw new Error(`${item.code}: ${item.message}`);
    }
    return [n, (performance.now() - t) / 1000];
  }

  async function timeFile(path: string): Promise<[number, number]> {
    const t = performance.now();
    let n = 0;
    for await (const item of readEvtxFile(path)) if (item.kind === "record") n++;
    return [n, (performance.now() - t) / 1000];
  }

  const mb = (log.length / 1e6).toFixed(1);
  timeSync(); // warm-up
  const runs = [timeSync(), timeSync(), timeSync()].sort((a, b) => a[1] - b[1]);
  const [n, s] = runs[1]!;
  console.log(`readEvtx:     ${n} records, ${mb} MB in ${s.toFixed(3)} s = ${Math.round(n / s)} records/s`);

  const dir = mkdtempSync(join(tmpdir(), "evtx-bench-"));
  try {
    const path = join(dir, "bench.evtx");
    writeFileSync(path, log);
    await timeFile(path);
    const fileRuns = [await timeFile(path), await timeFile(path), await timeFile(path)].sort(
      (a, b) => a[1] - b[1],
    );
    const [fn, fs] = fileRuns[1]!;
    console.log(
      `readEvtxFile: ${fn} records, ${mb} MB in ${fs.toFixed(3)} s = ${Math.round(fn / fs)} records/s`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
