// Damaged input never throws: it yields problem items with stable codes, and every record in
// undamaged chunks still comes out exactly as from the intact file.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import fc from "fast-check";
import { evtxFiles } from "./fixture.js";
import { type EvtxItem, readEvtx } from "./index.js";

const CHUNK = 0x10000;
const HEADER = 0x1000;
const CODES = new Set(["bad-file-header", "truncated", "bad-chunk", "bad-chunk-checksum", "bad-record"]);

// Three real single-chunk logs (seven Sysmon records, a Security event, a UserData event),
// spliced behind one file header into a three-chunk log.
const pick = (suffix: string): Uint8Array => {
  const path = evtxFiles().find((f) => f.endsWith(suffix));
  assert.ok(path, suffix);
  return readFileSync(path);
};
const sources = [
  pick("efc21479-9e83-41da-8cf1-122e06ba8db3.evtx"),
  pick("7595ba94-cf3b-4471-aa03-4f6baa9e5fad.evtx"),
  pick("d4f1a2b3-7c8e-4d5f-b6a9-1e0c2d3f4e5b.evtx"),
];
const log = Buffer.concat([
  sources[0]!.subarray(0, HEADER),
  ...sources.map((s) => s.subarray(HEADER, HEADER + CHUNK)),
]);
const recordsOf = (items: EvtxItem[]): EvtxItem[] => items.filter((i) => i.kind === "record");
const perChunk = sources.map((s) => recordsOf([...readEvtx(s)]));
const allRecords = perChunk.flat();

/** Reads without throwing and checks every item's shape. */
function readChecked(data: Uint8Array): EvtxItem[] {
  const items = [...readEvtx(data)];
  for (const item of items) {
    if (item.kind === "problem") {
      assert.ok(CODES.has(item.code), item.code);
      assert.ok(
        Number.isInteger(item.offset) && item.offset >= 0 && item.offset <= data.length,
        String(item.offset),
      );
    } else {
      assert.equal(typeof item.recordId, "number");
      assert.match(item.written, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    }
  }
  return items;
}

const codes = (items: EvtxItem[]): string[] => items.flatMap((i) => (i.kind === "problem" ? [i.code] : []));

test("the spliced three-chunk log reads cleanly", () => {
  const items = readChecked(log);
  assert.deepEqual(codes(items), []);
  assert.deepStrictEqual(items, allRecords);
  assert.equal(allRecords.length, 9);
});

test("random bytes give problems, never exceptions", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 3 * CHUNK }), (bytes) => {
      const items = readChecked(bytes);
      assert.ok(codes(items).includes("bad-file-header"));
    }),
    { numRuns: 60 },
  );
});

test("random chunk bodies behind valid magic give problems, never exceptions", () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 600, maxLength: CHUNK }), (body) => {
      const chunk = new Uint8Array(CHUNK);
      chunk.set(body);
      chunk.set(Buffer.from("ElfChnk\0", "latin1"));
      readChecked(Buffer.concat([log.subarray(0, HEADER), chunk]));
    }),
    { numRuns: 60 },
  );
});

test("byte mutations in one chunk: the other chunks' records come out intact, and CRC32 notices", () => {
  const mutation = fc.record({
    at: fc.integer({ min: 0, max: CHUNK - 1 }),
    byte: fc.integer({ min: 0, max: 255 }),
  });
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 2 }),
      fc.array(mutation, { minLength: 1, maxLength: 40 }),
      (k, edits) => {
        const data = Buffer.from(log);
        const base = HEADER + k * CHUNK;
        const freeSpace = data.readUInt32LE(base + 48);
        let covered = false;
        for (const { at, byte } of edits) {
          if (data[base + at] !== byte && (at < 120 || (at >= 128 && at < freeSpace))) covered = true;
          data[base + at] = byte;
        }
        const records = recordsOf(readChecked(data));
        const before = perChunk.slice(0, k).flat();
        const after = perChunk.slice(k + 1).flat();
        assert.deepStrictEqual(records.slice(0, before.length), before);
        assert.deepStrictEqual(records.slice(records.length - after.length), after);
        if (covered)
          assert.ok(
            codes(readChecked(data)).length > 0,
            "a checksummed byte changed but nothing was reported",
          );
      },
    ),
    { numRuns: 300 },
  );
});

test("truncation anywhere: records before the cut come out intact, the cut is reported", () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: log.length - 1 }), (cut) => {
      const items = readChecked(log.subarray(0, cut));
      const records = recordsOf(items);
      assert.deepStrictEqual(records, allRecords.slice(0, records.length));
      assert.ok(codes(items).includes(cut < 128 ? "bad-file-header" : "truncated"));
    }),
    { numRuns: 300 },
  );
  // A cut just after a chunk's last record loses nothing but the padding.
  const firstChunkRecords = perChunk[0]!.length;
  const cut = HEADER + log.readUInt32LE(HEADER + 48);
  const items = readChecked(log.subarray(0, cut));
  assert.equal(recordsOf(items).length, firstChunkRecords);
  assert.deepEqual(codes(items), ["truncated"]);
});

test("a chunk with bad magic is skipped with bad-chunk; the others are read", () => {
  const data = Buffer.from(log);
  data.write("XlfChnk", HEADER + CHUNK, "latin1");
  const items = readChecked(data);
  assert.deepStrictEqual(
    items.filter((i) => i.kind === "problem"),
    [
      {
        kind: "problem",
        code: "bad-chunk",
        message: "chunk does not start with ElfChnk",
        offset: HEADER + CHUNK,
      },
    ],
  );
  assert.deepStrictEqual(recordsOf(items), [...perChunk[0]!, ...perChunk[2]!]);
});

test("a checksum mismatch is reported, and the chunk's records are still read", () => {
  const data = Buffer.from(log);
  data[HEADER + 52]! ^= 1; // stored data CRC32
  data[HEADER + 124]! ^= 1; // stored header CRC32
  const items = readChecked(data);
  assert.deepEqual(codes(items), ["bad-chunk-checksum", "bad-chunk-checksum"]);
  assert.deepStrictEqual(recordsOf(items), allRecords);
});

test("a broken record header costs that record only: the walk resyncs on the next one", () => {
  const data = Buffer.from(log);
  const first = HEADER + 512;
  data.writeUInt32LE(0xdeadbeef, first); // magic of the first record
  const items = readChecked(data);
  assert.deepEqual(codes(items), ["bad-chunk-checksum", "bad-record"]);
  assert.deepStrictEqual(recordsOf(items), allRecords.slice(1));
});

test("a zero-filled chunk (unused space) is skipped silently", () => {
  const data = Buffer.concat([log, new Uint8Array(CHUNK)]);
  assert.deepStrictEqual(readChecked(data), allRecords);
});
