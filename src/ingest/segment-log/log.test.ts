import assert from "node:assert/strict";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import fc from "fast-check";
import { SegmentLog, type SegmentLogError } from "./index.js";

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
const tempDir = async (): Promise<string> => {
  const d = await mkdtemp(join(tmpdir(), "corridor-seglog-"));
  dirs.push(d);
  return d;
};
const texts = (records: { offset: number; data: Buffer }[]) =>
  records.map((r) => [r.offset, r.data.toString()]);

test("append returns offsets; read returns what was appended, from any offset", async () => {
  const log = await SegmentLog.open(await tempDir());
  assert.deepEqual(log.recovery, { truncatedBytes: 0 });
  assert.deepEqual(await log.append(["a", "b", Buffer.from("c")]), { first: 0, last: 2 });
  assert.deepEqual(await log.append(["d"]), { first: 3, last: 3 });
  assert.deepEqual(await log.append([]), { first: 4, last: 3 });
  assert.equal(log.nextOffset, 4);
  assert.deepEqual(texts(await log.read(0, 10)), [
    [0, "a"],
    [1, "b"],
    [2, "c"],
    [3, "d"],
  ]);
  assert.deepEqual(texts(await log.read(2, 1)), [[2, "c"]]);
  assert.deepEqual(await log.read(4, 10), []);
  await assert.rejects(log.read(5, 1), (e: SegmentLogError) => e.code === "offset-out-of-range");
  await log.close();
  await assert.rejects(log.append(["x"]), (e: SegmentLogError) => e.code === "closed");
});

test("segments rotate at segmentBytes; reopen continues the offsets; reads cross segments", async () => {
  const dir = await tempDir();
  let log = await SegmentLog.open(dir, { segmentBytes: 4096 });
  const payload = (i: number) => `record-${i}-${"x".repeat(i % 300)}`;
  for (let b = 0; b < 40; b++) await log.append(Array.from({ length: 10 }, (_, k) => payload(b * 10 + k)));
  const files = (await readdir(dir)).filter((f) => f.endsWith(".seg"));
  assert.ok(files.length > 5, `only ${files.length} segments`);
  assert.equal(files[0], "00000000000000000000.seg");
  await log.close();
  log = await SegmentLog.open(dir, { segmentBytes: 4096 });
  assert.equal(log.nextOffset, 400);
  assert.deepEqual(await log.append(["after reopen"]), { first: 400, last: 400 });
  const all = [];
  for (let from = 0; from < log.nextOffset; ) {
    const got = await log.read(from, 37);
    all.push(...got);
    from += got.length;
  }
  assert.deepEqual(
    all.map((r) => r.data.toString()),
    [...Array.from({ length: 400 }, (_, i) => payload(i)), "after reopen"],
  );
  assert.deepEqual(
    all.map((r) => r.offset),
    Array.from({ length: 401 }, (_, i) => i),
  );
  await log.close();
});

test("concurrent appends are group-committed and keep their order", async () => {
  const log = await SegmentLog.open(await tempDir(), { segmentBytes: 64 * 1024 });
  const results = await Promise.all(Array.from({ length: 200 }, (_, i) => log.append([`a${i}`, `b${i}`])));
  assert.deepEqual(
    results,
    results.map((_, i) => ({ first: 2 * i, last: 2 * i + 1 })),
  );
  const read = await log.read(0, 1000);
  assert.deepEqual(
    read.map((r) => r.data.toString()),
    results.flatMap((_, i) => [`a${i}`, `b${i}`]),
  );
  await log.close();
});

test("property: any sequence of batches reads back exactly, from any start, across reopen", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.array(fc.uint8Array({ maxLength: 700 }), { maxLength: 12 }), { maxLength: 15 }),
      fc.nat(),
      async (batches, start) => {
        const dir = await tempDir();
        const log = await SegmentLog.open(dir, { segmentBytes: 1024 });
        await Promise.all(batches.map((b) => log.append(b.map((x) => Buffer.from(x)))));
        await log.close();
        const again = await SegmentLog.open(dir, { segmentBytes: 1024 });
        const flat = batches.flat();
        const from = flat.length === 0 ? 0 : start % flat.length;
        const got = await again.read(from, 10_000);
        assert.deepEqual(
          got.map((r) => new Uint8Array(r.data)),
          flat.slice(from),
        );
        await again.close();
        await rm(dir, { recursive: true });
      },
    ),
    { numRuns: 40 },
  );
});

test("retain deletes consumed segments beyond the retention limits, never unconsumed ones", async () => {
  const dir = await tempDir();
  const log = await SegmentLog.open(dir, { segmentBytes: 1000, retention: { maxBytes: 3000 } });
  for (let i = 0; i < 50; i++) await log.append(["y".repeat(200)]); // ~4 records a segment
  const segs = async () => (await readdir(dir)).filter((f) => f.endsWith(".seg")).sort();
  const before = await segs();
  assert.ok(before.length >= 10);
  // Nothing consumed: nothing deleted, whatever the size.
  assert.deepEqual(await log.retain(0), { deletedSegments: 0, deletedBytes: 0 });
  // Consumed up to 20: only segments wholly below 20 go.
  const r = await log.retain(20);
  assert.ok(r.deletedSegments > 0);
  assert.ok(log.firstOffset <= 20 && log.firstOffset > 0);
  assert.deepEqual(
    texts(await log.read(log.firstOffset, 1)).map(([o]) => o),
    [log.firstOffset],
  );
  // Everything consumed: deletes down to the size limit, keeps the active segment.
  await log.retain(50);
  const sizes = await Promise.all((await segs()).map((f) => stat(join(dir, f)).then((s) => s.size)));
  assert.ok(sizes.reduce((a, b) => a + b, 0) <= 3000);
  await assert.rejects(log.read(0, 1), (e: SegmentLogError) => e.code === "offset-out-of-range");
  await log.close();
  const age = await SegmentLog.open(await tempDir(), { segmentBytes: 1000, retention: { maxAgeMs: 60_000 } });
  for (let i = 0; i < 20; i++) await age.append(["z".repeat(200)]);
  assert.equal((await age.retain(20, Date.now())).deletedSegments, 0, "young segments kept");
  assert.ok((await age.retain(20, Date.now() + 120_000)).deletedSegments >= 3);
  assert.equal((await age.read(age.firstOffset, 100)).length, 20 - age.firstOffset);
  await age.close();
  const none = await SegmentLog.open(await tempDir(), { segmentBytes: 500 });
  for (let i = 0; i < 10; i++) await none.append(["w".repeat(200)]);
  assert.equal((await none.retain(10, Date.now() + 1e12)).deletedSegments, 0, "no limits: keep everything");
  await none.close();
});

test("a second open of the same folder is refused while the first is live", async () => {
  const dir = await tempDir();
  const log = await SegmentLog.open(dir);
  await assert.rejects(SegmentLog.open(dir), (e: SegmentLogError) => e.code === "locked");
  await log.close();
  await (await SegmentLog.open(dir)).close();
});
