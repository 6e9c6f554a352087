import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { appendFile, mkdtemp, open, readdir, rm, stat, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { SegmentLog, type SegmentLogError } from "./index.js";

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
const tempDir = async (): Promise<string> => {
  const d = await mkdtemp(join(tmpdir(), "corridor-seglog-"));
  dirs.push(d);
  return d;
};
const segments = async (dir: string) =>
  (await readdir(dir))
    .filter((f) => f.endsWith(".seg"))
    .sort()
    .map((f) => join(dir, f));
const record = (i: number) => `event ${i} ${"r".repeat(i * 7)}`;

/** A closed log in a fresh folder holding records 0..n-1 (as `record(i)`), in segments of `segmentBytes`. */
async function filled(n: number, segmentBytes = 64 * 1024 * 1024): Promise<string> {
  const dir = await tempDir();
  const log = await SegmentLog.open(dir, { segmentBytes });
  for (let i = 0; i < n; i++) await log.append([record(i)]);
  await log.close();
  return dir;
}

const readAll = async (log: SegmentLog) =>
  (await log.read(log.firstOffset, 1e6)).map((r) => r.data.toString());

test("a record cut mid-way at the tail is truncated and reported; appends continue after it", async () => {
  const dir = await filled(10);
  const [seg] = await segments(dir);
  const size = (await stat(seg!)).size;
  await truncate(seg!, size - 5);
  const log = await SegmentLog.open(dir);
  assert.equal(log.recovery.truncatedBytes, 8 + record(9).length - 5);
  assert.match(log.recovery.reason!, /partial record/);
  assert.equal(log.nextOffset, 9);
  assert.deepEqual(await log.append(["new"]), { first: 9, last: 9 });
  assert.deepEqual(await readAll(log), [...Array.from({ length: 9 }, (_, i) => record(i)), "new"]);
  await log.close();
  const again = await SegmentLog.open(dir);
  assert.equal(again.recovery.truncatedBytes, 0);
  await again.close();
});

test("garbage and zeros appended to the tail are truncated", async () => {
  for (const tail of [
    Buffer.from("garbage!garbage!garbage!"),
    Buffer.alloc(4096),
    Buffer.from([5, 0, 0, 0, 1, 2, 3, 4, 104, 101, 108, 108, 111]),
  ]) {
    const dir = await filled(5);
    const [seg] = await segments(dir);
    await appendFile(seg!, tail);
    const log = await SegmentLog.open(dir);
    assert.equal(log.recovery.truncatedBytes, tail.length);
    assert.deepEqual(
      await readAll(log),
      Array.from({ length: 5 }, (_, i) => record(i)),
    );
    await log.close();
  }
});

test("a bad CRC in the last record is a torn tail; in the middle of the last segment it is an error", async () => {
  const flip = async (path: string, at: number) => {
    const fh = await open(path, "r+");
    const b = Buffer.alloc(1);
    await fh.read(b, 0, 1, at);
    b[0] = b[0]! ^ 0x40;
    await fh.write(b, 0, 1, at);
    await fh.close();
  };
  const tailDir = await filled(6);
  const [tailSeg] = await segments(tailDir);
  await flip(tailSeg!, (await stat(tailSeg!)).size - 2);
  const tail = await SegmentLog.open(tailDir);
  assert.equal(tail.nextOffset, 5);
  assert.match(tail.recovery.reason!, /CRC/);
  await tail.close();

  const midDir = await filled(6);
  const [midSeg] = await segments(midDir);
  await flip(midSeg!, 16 + 8 + 2); // inside record 0's payload
  await assert.rejects(
    SegmentLog.open(midDir),
    (e: SegmentLogError) => e.code === "corrupt-segment" && /good records after it/.test(e.message),
  );
  await assert.rejects(
    SegmentLog.open(midDir),
    (e: SegmentLogError) => e.code === "corrupt-segment",
    "the lock was released",
  );
});

test("corruption in an older segment is reported on read, not skipped", async () => {
  const dir = await filled(40, 512);
  const segs = await segments(dir);
  assert.ok(segs.length > 3);
  const fh = await open(segs[1]!, "r+");
  await fh.write(Buffer.from("XX"), 0, 2, 16 + 8 + 3);
  await fh.close();
  const log = await SegmentLog.open(dir);
  assert.equal(log.recovery.truncatedBytes, 0);
  const firstOfSecond = Number(segs[1]!.slice(-24, -4));
  assert.deepEqual((await log.read(0, firstOfSecond)).length, firstOfSecond);
  await assert.rejects(
    log.read(0, 1000),
    (e: SegmentLogError) => e.code === "corrupt-segment" && /CRC mismatch/.test(e.message),
  );
  await assert.rejects(log.read(firstOfSecond + 1, 1), (e: SegmentLogError) => e.code === "corrupt-segment");
  const lastSeg = Number(segs[segs.length - 1]!.slice(-24, -4));
  assert.equal((await log.read(lastSeg, 1000)).length, 40 - lastSeg);
  await log.close();
});

test("a segment left with a torn header by a crash during rotation is rewritten", async () => {
  const dir = await filled(20, 512);
  const log = await SegmentLog.open(dir, { segmentBytes: 512 });
  const next = log.nextOffset;
  await log.close();
  await writeFile(join(dir, `${String(next).padStart(20, "0")}.seg`), Buffer.from("CS"));
  const reopened = await SegmentLog.open(dir, { segmentBytes: 512 });
  assert.equal(reopened.recovery.truncatedBytes, 2);
  assert.equal(reopened.nextOffset, next);
  assert.deepEqual(await reopened.append(["after"]), { first: next, last: next });
  assert.equal((await readAll(reopened)).at(-1), "after");
  await reopened.close();
});

test("crash: every batch acknowledged before SIGKILL is readable after reopen", async () => {
  const dir = await tempDir();
  const child = new URL("./crash-child.js", import.meta.url).pathname;
  for (let round = 0; round < 3; round++) {
    const acked: [number, number, number][] = [];
    const proc = spawn(process.execPath, [child, dir, String(16 * 1024)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    let opened = false;
    proc.stdout.setEncoding("utf8");
    proc.stdout.on("data", (chunk: string) => {
      out += chunk;
      const lines = out.split("\n");
      out = lines.pop()!;
      for (const l of lines) {
        if (l.startsWith("open")) opened = true;
        else acked.push(l.split(" ").map(Number) as [number, number, number]);
      }
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      proc.once("exit", (_code, signal) => resolve(signal)),
    );
    while (!opened) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 300));
    proc.kill("SIGKILL");
    assert.equal(await exited, "SIGKILL");
    assert.ok(acked.length > 10, `only ${acked.length} batches acknowledged in 300 ms`);
    const log = await SegmentLog.open(dir, { segmentBytes: 16 * 1024 });
    for (const [first, last, batch] of acked) {
      const got = await log.read(first, last - first + 1);
      assert.equal(got.length, last - first + 1, `batch ${batch} at ${first}..${last} lost (round ${round})`);
      for (const [i, r] of got.entries())
        assert.equal(r.data.toString(), `batch ${batch} record ${i} ${"p".repeat((batch * 31 + i) % 900)}`);
    }
    const maxAcked = Math.max(...acked.map(([, last]) => last));
    assert.ok(log.nextOffset > maxAcked);
    await log.close();
  }
});
