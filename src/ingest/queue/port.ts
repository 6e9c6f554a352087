// The queue between ingest and detection. Embedded: the node's own segment log. At scale: NATS
// JetStream, shared by detect workers. Either way, `publish` resolves only once the events are
// durable, and a consumer's batch is redelivered unless its handler resolved (at-least-once);
// the detector makes redelivery harmless by recording each (rule, event) match once.
import type { QueuedEvent } from "./record.js";

export interface ConsumedBatch {
  /** The records as written (JSON text, see record.ts): decoded where they are used, which may be a worker thread. */
  readonly records: readonly string[];
  /** A stable id of the batch across redeliveries (JetStream: stream sequence), when the queue has one. */
  readonly id: string | undefined;
  /** Opaque resume position for queues whose consumer keeps its own cursor (the segment log). */
  readonly position: string | undefined;
}

export interface EventQueue {
  readonly kind: "segment-log" | "jetstream";
  publish(events: readonly QueuedEvent[]): Promise<void>;
  /**
   * Delivers batches to `handle` one at a time until `stop()`; a batch counts as done when the
   * handler resolves. `from` is the resume position the consumer committed last (segment log).
   */
  consume(handle: (batch: ConsumedBatch) => Promise<void>, from?: string): QueueConsumer;
  /** Events published but not yet handled (for overload answers and metrics), when known. */
  lag(): Promise<number>;
  close(): Promise<void>;
}

export interface QueueConsumer {
  stop(): Promise<void>;
  /** Resolves when everything published so far has been handled (tests, demo, benchmarks). */
  idle(): Promise<void>;
}
