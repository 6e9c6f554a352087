// The embedded node's durable event log: append-only segment files in one folder. An append resolves
// only after its records are written and fdatasync'd; appends that arrive while a sync is running are
// committed together by the next one (group commit). Offsets number records from 0 across segments.
import { type FileHandle, mkdir, open, readdir, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import { SegmentLogError } from "./error.js";
import { claimLock, fsyncDir, releaseLock } from "./lock.js";
import {
  decodeRecord,
  encodeRecords,
  MAX_RECORD_BYTES,
  RECORD_HEADER,
  readSegmentHeader,
  SEGMENT_HEADER,
  SEGMENT_NAME,
  segmentHeader,
  segmentName,
} from "./record.js";
import { INDEX_STRIDE, scanSegment } from "./scan.js";

export interface SegmentLogOptions {
  /** A segment is closed and a new one started once it reaches this size. Default 64 MiB. */
  readonly segmentBytes?: number;
  /** Consumed segments are deleted once the log is larger than maxBytes or they are older than maxAgeMs. */
  readonly retention?: { readonly maxBytes?: number; readonly maxAgeMs?: number };
}

export interface LogRecord {
  readonly offset: number;
  readonly data: Buffer;
}

/** What opening the log had to repair: bytes of a torn tail cut off the last segment. */
export interface Recovery {
  readonly truncatedBytes: number;
  readonly segment?: string;
  readonly reason?: string;
}

interface Segment {
  readonly first: number;
  readonly path: string;
  size: number;
  /** Records in the segment; for sealed segments this follows from the next segment's first offset. */
  count: number;
  /** Byte position of every INDEX_STRIDE-th record, built on first read for sealed segments. */
  index: number[] | undefined;
  mtimeMs: number;
}

interface PendingAppend {
  readonly data: Buffer;
  readonly sizes: number[];
  readonly first: number;
  resolve(v: { first: number; last: number }): void;
  reject(e: unknown): void;
}

export class SegmentLog {
  private readonly segments: Segment[];
  private active: FileHandle;
  private queue: PendingAppend[] = [];
  private flushing: Promise<void> | undefined;
  private failure: unknown;
  private closed = false;
  private assigned: number;
  private durable: number;

  private constructor(
    readonly dir: string,
    private readonly segmentBytes: number,
    private readonly retention: SegmentLogOptions["retention"],
    segments: Segment[],
    active: FileHandle,
    readonly recovery: Recovery,
  ) {
    this.segments = segments;
    this.active = active;
    const last = segments[segments.length - 1]!;
    this.assigned = last.first + last.count;
    this.durable = this.assigned;
  }

  /** Offset the next appended record will get. */
  get nextOffset(): number {
    return this.assigned;
  }
  /** Records below this offset are on disk and fsync'd; reads stop here. */
  get durableOffset(): number {
    return this.durable;
  }
  /** Oldest offset still held (retention deletes whole segments below it). */
  get firstOffset(): number {
    return this.segments[0]!.first;
  }

  static async open(dir: string, opts: SegmentLogOptions = {}): Promise<SegmentLog> {
    await mkdir(dir, { recursive: true });
    await claimLock(dir);
    try {
      const names = (await readdir(dir)).filter((n) => SEGMENT_NAME.test(n)).sort();
      const segments: Segment[] = [];
      for (const name of names) {
        const path = join(dir, name);
        const st = await stat(path);
        segments.push({
          first: Number(name.slice(0, 20)),
          path,
          size: st.size,
          count: 0,
          index: undefined,
          mtimeMs: st.mtimeMs,
        });
      }
      for (let i = 0; i + 1 < segments.length; i++) {
        const s = segments[i]!;
        s.count = segments[i + 1]!.first - s.first;
        await checkHeader(s, s.size);
        if (s.count < 0)
          throw new SegmentLogError("corrupt-segment", `${s.path}: segment names out of order`);
      }
      if (segments.length === 0) segments.push(await createSegment(dir, 0));
      const last = segments[segments.length - 1]!;
      const { handle, recovery } = await recoverTail(last);
      return new SegmentLog(
        dir,
        opts.segmentBytes ?? 64 * 1024 * 1024,
        opts.retention,
        segments,
        handle,
        recovery,
      );
    } catch (e) {
      await releaseLock(dir);
      throw e;
    }
  }

  /** Appends a batch; resolves with its offsets once the batch is durable. */
  append(records: readonly (Buffer | string)[]): Promise<{ first: number; last: number }> {
    if (this.closed) return Promise.reject(new SegmentLogError("closed", "the segment log is closed"));
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const payloads = records.map((r) => (typeof r === "string" ? Buffer.from(r) : r));
    const big = payloads.find((p) => p.length > MAX_RECORD_BYTES);
    if (big) return Promise.reject(new SegmentLogError("record-too-large", `record of ${big.length} bytes`));
    const first = this.assigned;
    this.assigned += payloads.length;
    if (payloads.length === 0) return Promise.resolve({ first, last: first - 1 });
    return new Promise((resolve, reject) => {
      this.queue.push({
        data: encodeRecords(payloads),
        sizes: payloads.map((p) => p.length),
        first,
        resolve,
        reject,
      });
      this.flushing ??= this.flush();
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const group = this.queue;
      this.queue = [];
      try {
        let writes: Buffer[] = [];
        for (const p of group) {
          const seg = this.segments[this.segments.length - 1]!;
          if (seg.count > 0 && seg.size + p.data.length > this.segmentBytes) {
            await writeAll(this.active, writes, seg.size - sum(writes));
            writes = [];
            await this.rotate(p.first);
          }
          this.place(p);
          writes.push(p.data);
        }
        const seg = this.segments[this.segments.length - 1]!;
        await writeAll(this.active, writes, seg.size - sum(writes));
        await this.active.datasync();
        const lastP = group[group.length - 1]!;
        this.durable = lastP.first + lastP.sizes.length;
        for (const p of group) p.resolve({ first: p.first, last: p.first + p.sizes.length - 1 });
      } catch (e) {
        // After a failed write or fsync the file's state is unknown (fsyncgate): refuse all further appends.
        this.failure = e;
        for (const p of [...group, ...this.queue]) p.reject(e);
        this.queue = [];
      }
    }
    this.flushing = undefined;
  }

  /** Records the batch's positions in the active segment's index and size. */
  private place(p: PendingAppend): void {
    const seg = this.segments[this.segments.length - 1]!;
    let pos = seg.size;
    for (const len of p.sizes) {
      if (seg.count % INDEX_STRIDE === 0) seg.index!.push(pos);
      seg.count++;
      pos += RECORD_HEADER + len;
    }
    seg.size = pos;
  }

  private async rotate(first: number): Promise<void> {
    await this.active.datasync();
    await this.active.close();
    const sealed = this.segments[this.segments.length - 1]!;
    sealed.mtimeMs = Date.now();
    const seg = await createSegment(this.dir, first);
    this.segments.push(seg);
    this.active = await open(seg.path, "r+");
  }

  /** Up to `maxRecords` durable records from `fromOffset` on (fewer at the end of the log). */
  async read(fromOffset: number, maxRecords: number, maxBytes = 64 * 1024 * 1024): Promise<LogRecord[]> {
    if (fromOffset < this.firstOffset || fromOffset > this.assigned)
      throw new SegmentLogError(
        "offset-out-of-range",
        `offset ${fromOffset} is outside the log [${this.firstOffset}, ${this.assigned}]`,
      );
    const out: LogRecord[] = [];
    let offset = fromOffset;
    let bytes = 0;
    const end = this.durable;
    while (offset < end && out.length < maxRecords && bytes < maxBytes) {
      const seg = this.segmentOf(offset);
      const fh = await open(seg.path, "r");
      try {
        const index = seg.index ?? (await this.indexSealed(seg, fh));
        const k = Math.floor((offset - seg.first) / INDEX_STRIDE);
        let pos = index[k]!;
        let skip = offset - seg.first - k * INDEX_STRIDE;
        const segEnd = Math.min(seg.first + seg.count, end);
        let buf: Buffer = Buffer.alloc(0);
        let bufAt = pos;
        while (offset < segEnd && out.length < maxRecords && bytes < maxBytes) {
          let d = decodeRecord(buf, pos - bufAt, buf.length);
          if (d.kind === "short") {
            buf = await readAt(fh, pos, Math.max(1024 * 1024, RECORD_HEADER + (d.length ?? 0)));
            bufAt = pos;
            d = decodeRecord(buf, 0, buf.length);
          }
          if (d.kind !== "record")
            throw new SegmentLogError(
              "corrupt-segment",
              `${seg.path}: record ${skip > 0 ? "before " : ""}offset ${offset} at byte ${pos} is unreadable (${d.kind === "bad" ? d.reason : "truncated"})`,
            );
          pos = bufAt + d.end;
          if (skip > 0) {
            skip--;
            continue;
          }
          const data = Buffer.from(buf.subarray(d.start, d.end));
          out.push({ offset, data });
          bytes += data.length;
          offset++;
        }
      } finally {
        await fh.close();
      }
    }
    return out;
  }

  /** Scans a sealed segment once, verifying every record, to find record positions. */
  private async indexSealed(seg: Segment, fh: FileHandle): Promise<number[]> {
    const scan = await scanSegment(fh, seg.size);
    if (scan.fault !== undefined || scan.count !== seg.count)
      throw new SegmentLogError(
        "corrupt-segment",
        `${seg.path}: ${scan.fault ? `${scan.fault.reason} at byte ${scan.fault.pos}, after ${scan.count} good records` : `holds ${scan.count} records`} but ${seg.count} are expected`,
      );
    seg.index = scan.index;
    return scan.index;
  }

  private segmentOf(offset: number): Segment {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.segments[mid]!.first <= offset) lo = mid;
      else hi = mid - 1;
    }
    return this.segments[lo]!;
  }

  /**
   * Deletes the oldest sealed segments that lie wholly below `committedOffset` (consumed) and outside
   * the retention limits. With no limits configured, nothing is deleted.
   */
  async retain(
    committedOffset: number,
    now = Date.now(),
  ): Promise<{ deletedSegments: number; deletedBytes: number }> {
    const { maxBytes, maxAgeMs } = this.retention ?? {};
    let total = this.segments.reduce((n, s) => n + s.size, 0);
    let deletedSegments = 0;
    let deletedBytes = 0;
    while (this.segments.length > 1) {
      const seg = this.segments[0]!;
      if (seg.first + seg.count > committedOffset) break;
      const overBytes = maxBytes !== undefined && total > maxBytes;
      const overAge = maxAgeMs !== undefined && seg.mtimeMs < now - maxAgeMs;
      if (!overBytes && !overAge) break;
      this.segments.shift();
      await unlink(seg.path);
      total -= seg.size;
      deletedSegments++;
      deletedBytes += seg.size;
    }
    if (deletedSegments > 0) await fsyncDir(this.dir);
    return { deletedSegments, deletedBytes };
  }

  /** Waits for pending appends, then releases the files and the folder lock. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.flushing) await this.flushing;
    await this.active.close();
    await releaseLock(this.dir);
  }
}

const sum = (bufs: Buffer[]): number => bufs.reduce((n, b) => n + b.length, 0);

async function writeAll(fh: FileHandle, bufs: Buffer[], position: number): Promise<void> {
  if (bufs.length === 0) return;
  const { bytesWritten } = await fh.writev(bufs, position);
  const total = sum(bufs);
  if (bytesWritten < total) {
    // Short write (rare on regular files): write the rest from one joined buffer.
    const rest = Buffer.concat(bufs).subarray(bytesWritten);
    let done = 0;
    while (done < rest.length) {
      const r = await fh.write(rest, done, rest.length - done, position + bytesWritten + done);
      done += r.bytesWritten;
    }
  }
}

async function readAt(fh: FileHandle, pos: number, len: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(len);
  let got = 0;
  while (got < len) {
    const { bytesRead } = await fh.read(buf, got, len - got, pos + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return buf.subarray(0, got);
}

async function checkHeader(seg: Segment, size: number): Promise<void> {
  const fh = await open(seg.path, "r");
  try {
    const first = size < SEGMENT_HEADER ? undefined : readSegmentHeader(await readAt(fh, 0, SEGMENT_HEADER));
    if (first !== seg.first)
      throw new SegmentLogError("corrupt-segment", `${seg.path}: missing or wrong segment header`);
  } finally {
    await fh.close();
  }
}

async function createSegment(dir: string, first: number): Promise<Segment> {
  const path = join(dir, segmentName(first));
  const fh = await open(path, "w");
  try {
    await fh.write(segmentHeader(first), 0, SEGMENT_HEADER, 0);
    await fh.datasync();
  } finally {
    await fh.close();
  }
  await fsyncDir(dir);
  return { first, path, size: SEGMENT_HEADER, count: 0, index: [], mtimeMs: Date.now() };
}

/** Opens the last segment for appending, cutting a torn tail back to the last whole record. */
async function recoverTail(seg: Segment): Promise<{ handle: FileHandle; recovery: Recovery }> {
  const fh = await open(seg.path, "r+");
  try {
    if (seg.size < SEGMENT_HEADER) {
      // A crash while the segment was being created: it holds no records yet.
      await fh.truncate(0);
      await fh.write(segmentHeader(seg.first), 0, SEGMENT_HEADER, 0);
      await fh.datasync();
      const truncatedBytes = seg.size;
      Object.assign(seg, { size: SEGMENT_HEADER, count: 0, index: [] });
      return { handle: fh, recovery: { truncatedBytes, segment: seg.path, reason: "torn segment header" } };
    }
    await checkHeader(seg, seg.size);
    const scan = await scanSegment(fh, seg.size);
    if (scan.fault?.kind === "corrupt")
      throw new SegmentLogError(
        "corrupt-segment",
        `${seg.path}: ${scan.fault.reason} at byte ${scan.fault.pos} with good records after it; not truncating acknowledged data`,
      );
    const truncatedBytes = seg.size - scan.goodEnd;
    if (truncatedBytes > 0) {
      await fh.truncate(scan.goodEnd);
      await fh.datasync();
    }
    Object.assign(seg, { size: scan.goodEnd, count: scan.count, index: scan.index });
    const recovery: Recovery =
      truncatedBytes > 0
        ? { truncatedBytes, segment: seg.path, reason: scan.fault?.reason ?? "torn tail" }
        : { truncatedBytes };
    return { handle: fh, recovery };
  } catch (e) {
    await fh.close();
    throw e;
  }
}
