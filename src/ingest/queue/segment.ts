// The embedded queue: the node's own segment log. `publish` resolves after fsync; the one consumer
// reads from its committed cursor (kept in the database with its alerts) and wakes on each append.
import { SegmentLog } from "../segment-log/index.js";
import type { ConsumedBatch, EventQueue, QueueConsumer } from "./port.js";
import { encodeRecord, type QueuedEvent } from "./record.js";

export interface SegmentLogQueueOptions {
  /** Records handed to the consumer at once. */
  readonly batch?: number;
  readonly retention?: { readonly maxBytes?: number; readonly maxAgeMs?: number };
  readonly segmentBytes?: number;
  /** Called when a batch's handler failed; the batch is retried after a pause. */
  readonly onError?: (e: unknown) => void;
}

export class SegmentLogQueue implements EventQueue {
  readonly kind = "segment-log";
  private cursor: number;
  private wake: (() => void) | undefined;
  private consuming = false;

  private constructor(
    private readonly log: SegmentLog,
    private readonly opts: SegmentLogQueueOptions,
  ) {
    this.cursor = log.firstOffset;
  }

  static async open(dir: string, opts: SegmentLogQueueOptions = {}): Promise<SegmentLogQueue> {
    const log = await SegmentLog.open(dir, {
      ...(opts.segmentBytes ? { segmentBytes: opts.segmentBytes } : {}),
      retention: opts.retention ?? { maxBytes: 2 * 1024 ** 3, maxAgeMs: 7 * 86_400_000 },
    });
    return new SegmentLogQueue(log, opts);
  }

  /** What crash recovery found when the log was opened (a torn tail it cut). */
  get recovery() {
    return this.log.recovery;
  }

  async publish(events: readonly QueuedEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.log.append(events.map(encodeRecord));
    this.wake?.();
  }

  consume(handle: (batch: ConsumedBatch) => Promise<void>, from?: string): QueueConsumer {
    if (this.consuming) throw new Error("the segment log has one consumer");
    this.consuming = true;
    const start = from === undefined ? this.log.firstOffset : Number(from);
    this.cursor = Math.max(start, this.log.firstOffset);
    let stopped = false;
    let busy = false;
    const idleWaiters: (() => void)[] = [];
    const settleIdle = () => {
      if (busy || this.cursor < this.log.durableOffset) return;
      for (const w of idleWaiters.splice(0)) w();
    };
    const size = this.opts.batch ?? 2000;
    const loop = (async () => {
      let sinceRetain = 0;
      while (!stopped) {
        if (this.cursor >= this.log.durableOffset) {
          settleIdle();
          await new Promise<void>((r) => {
            this.wake = r;
            setTimeout(r, 200);
          });
          this.wake = undefined;
          continue;
        }
        busy = true;
        const records = await this.log.read(this.cursor, size);
        const last = records[records.length - 1];
        if (!last) {
          busy = false;
          continue;
        }
        try {
          await handle({
            records: records.map((r) => r.data.toString("utf8")),
            id: undefined,
            position: String(last.offset + 1),
          });
          this.cursor = last.offset + 1;
          sinceRetain += records.length;
          if (sinceRetain > 100_000) {
            sinceRetain = 0;
            await this.log.retain(this.cursor);
          }
        } catch (e) {
          this.opts.onError?.(e);
          await new Promise((r) => setTimeout(r, 1000));
        } finally {
          busy = false;
        }
      }
    })();
    return {
      stop: async () => {
        stopped = true;
        this.wake?.();
        await loop;
        this.consuming = false;
      },
      idle: () =>
        new Promise<void>((resolve) => {
          idleWaiters.push(resolve);
          settleIdle();
          this.wake?.();
        }),
    };
  }

  async lag(): Promise<number> {
    return Math.max(0, this.log.durableOffset - this.cursor);
  }

  async close(): Promise<void> {
    await this.log.close();
  }
}
