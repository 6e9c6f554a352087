// The queue at scale: NATS JetStream. Ingest publishes chunks of records (file storage, awaited
// PubAcks, a msgID per chunk so a retried publish is stored once); detect workers share one
// durable pull consumer, so adding workers spreads the chunks between them.
import { AckPolicy, jetstream, jetstreamManager, RetentionPolicy, StorageType } from "@nats-io/jetstream";
import { connect, type NatsConnection, nanos } from "@nats-io/transport-node";
import type { ConsumedBatch, EventQueue, QueueConsumer } from "./port.js";
import { encodeRecord, type QueuedEvent } from "./record.js";

/** Chunks stay well under NATS's default 1 MiB max payload. */
const CHUNK_BYTES = 512 * 1024;
const CONSUMER = "detect";

/** The stream is part of the subject, so two streams of one node never claim the same subject. */
export const eventsSubject = (nodeId: string, stream: string) => `corridor.${nodeId}.${stream}.events`;

export interface JetStreamOptions {
  readonly url: string;
  readonly stream: string;
  readonly nodeId: string;
  /** How long a delivered chunk may stay unacknowledged before redelivery. */
  readonly ackWaitMs?: number;
}

export class JetStreamQueue implements EventQueue {
  readonly kind = "jetstream";
  private constructor(
    private readonly nc: NatsConnection,
    private readonly opts: JetStreamOptions,
    private readonly subject: string,
  ) {}

  static async open(opts: JetStreamOptions): Promise<JetStreamQueue> {
    const nc = await connect({ servers: opts.url, name: `corridor-${opts.nodeId}` });
    const jsm = await jetstreamManager(nc);
    const subject = eventsSubject(opts.nodeId, opts.stream);
    try {
      await jsm.streams.info(opts.stream);
    } catch {
      await jsm.streams.add({
        name: opts.stream,
        subjects: [subject],
        storage: StorageType.File,
        retention: RetentionPolicy.Workqueue,
        duplicate_window: nanos(120_000),
      });
    }
    try {
      await jsm.consumers.info(opts.stream, CONSUMER);
    } catch {
      await jsm.consumers.add(opts.stream, {
        durable_name: CONSUMER,
        ack_policy: AckPolicy.Explicit,
        ack_wait: nanos(opts.ackWaitMs ?? 30_000),
        filter_subject: subject,
      });
    }
    return new JetStreamQueue(nc, opts, subject);
  }

  private published = 0;
  private chunks = 0;

  async publish(events: readonly QueuedEvent[]): Promise<void> {
    const js = jetstream(this.nc);
    const chunks: string[][] = [];
    let cur: string[] = [];
    let size = 0;
    for (const e of events) {
      const line = encodeRecord(e);
      if (size + line.length > CHUNK_BYTES && cur.length > 0) {
        chunks.push(cur);
        cur = [];
        size = 0;
      }
      cur.push(line);
      size += line.length + 1;
    }
    if (cur.length > 0) chunks.push(cur);
    this.published += events.length;
    this.chunks += chunks.length;
    const enc = new TextEncoder();
    await Promise.all(
      chunks.map((lines, i) =>
        js.publish(this.subject, enc.encode(lines.join("\n")), {
          msgID: `${events[0]?.id}:${i}:${lines.length}`,
        }),
      ),
    );
  }

  consume(handle: (batch: ConsumedBatch) => Promise<void>): QueueConsumer {
    let stopped = false;
    let messages: { stop(): void } | undefined;
    const dec = new TextDecoder();
    const done = (async () => {
      const js = jetstream(this.nc);
      // A closed connection (reconnects exhausted, or closed under us) ends this worker quietly:
      // its unacknowledged chunk returns to the others after the ack wait, and /readyz reports
      // the queue down. Any other failure is retried, so a consumer loop never dies unhandled.
      while (!stopped && !this.nc.isClosed()) {
        try {
          const consumer = await js.consumers.get(this.opts.stream, CONSUMER);
          const iter = await consumer.consume({ max_messages: 1 });
          messages = iter;
          for await (const m of iter) {
            const records = dec
              .decode(m.data)
              .split("\n")
              .filter((l) => l !== "");
            // keep the chunk ours while a long batch is handled
            const keepAlive = setInterval(() => m.working(), 5_000);
            try {
              await handle({ records, id: `${this.opts.stream}:${m.seq}`, position: undefined });
              await m.ackAck();
            } catch {
              try {
                m.nak(1_000);
              } catch {
                // the connection is gone: the ack wait hands the chunk to another worker
              }
            } finally {
              clearInterval(keepAlive);
            }
            if (stopped) break;
          }
        } catch {
          if (stopped || this.nc.isClosed()) break;
          await new Promise((r) => setTimeout(r, 1_000));
        }
      }
    })();
    return {
      stop: async () => {
        stopped = true;
        messages?.stop();
        await done.catch(() => undefined);
      },
      idle: async () => {
        for (;;) {
          if ((await this.lag()) === 0) return;
          await new Promise((r) => setTimeout(r, 20));
        }
      },
    };
  }

  async lag(): Promise<number> {
    const jsm = await jetstreamManager(this.nc);
    const info = await jsm.consumers.info(this.opts.stream, CONSUMER);
    // JetStream counts messages, and a message is a chunk of events: scale by what this process
    // has published per chunk (ingest roles), or by one when it has published nothing
    const perChunk = this.chunks === 0 ? 1 : this.published / this.chunks;
    return Math.round((info.num_pending + info.num_ack_pending) * perChunk);
  }

  /** Drops the stream (tests and benchmarks that want a fresh queue). */
  async destroy(): Promise<void> {
    const jsm = await jetstreamManager(this.nc);
    await jsm.streams.delete(this.opts.stream).catch(() => undefined);
  }

  async close(): Promise<void> {
    // draining a connection that is already closed throws; there is nothing left to flush
    if (!this.nc.isClosed()) await this.nc.drain();
  }
}
