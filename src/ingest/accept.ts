// Accepting events: parse the body (every bad event named, the good ones kept), stamp each accepted
// event with an id and its source, and make them durable in the queue BEFORE answering 202.
import { randomUUID } from "node:crypto";
import { err, ok, type Problem, type Result } from "../core/index.js";
import { parseEventBatch, type RejectedEvent } from "./batch/index.js";
import type { EventQueue } from "./queue/port.js";
import type { QueuedEvent } from "./queue/record.js";

/** The counters the ingestor updates (a Prometheus counter fits). */
export interface CounterLike {
  inc(labels: Readonly<Record<string, string>>, by: number): void;
}

export interface IngestLimits {
  readonly maxEventBytes: number;
  readonly maxEvents: number;
  readonly maxDecompressedBytes: number;
  /** Accepted-but-undetected events beyond which new batches are refused with 429. */
  readonly maxLag: number;
  /** Requests being written at once beyond which new ones get 429. */
  readonly maxInFlight: number;
}

export interface IngestOutcome {
  readonly accepted: number;
  readonly rejected: readonly RejectedEvent[];
  /** Ids given to the accepted events, in order. */
  readonly ids: readonly string[];
}

export type IngestRefusal = Problem & {
  readonly status: 400 | 413 | 415 | 429;
  readonly retryAfter?: number;
};

export class Ingestor {
  private inFlight = 0;
  private lagCache = { at: 0, value: 0 };

  constructor(
    private readonly queue: EventQueue,
    private readonly limits: IngestLimits,
    /** Source names a client may send in X-Corridor-Source: "auto", "none" or a mapping's name. */
    private readonly sources: () => ReadonlySet<string>,
    private readonly metrics?: { accepted: CounterLike; rejected: CounterLike },
    private readonly now: () => number = Date.now,
  ) {}

  private async lag(): Promise<number> {
    // asking the queue on every request would cost a round trip at scale: a 200 ms view is enough
    const t = this.now();
    if (t - this.lagCache.at > 200) this.lagCache = { at: t, value: await this.queue.lag() };
    return this.lagCache.value;
  }

  async accept(
    body: Buffer,
    headers: { contentType?: string; contentEncoding?: string; source?: string },
  ): Promise<Result<IngestOutcome, IngestRefusal>> {
    const source = headers.source?.trim() || "auto";
    if (!this.sources().has(source)) {
      return err({
        status: 400,
        code: "unknown-source",
        message: `X-Corridor-Source '${source}' names no mapping; use auto, none or one of: ${[
          ...this.sources(),
        ]
          .filter((s) => s !== "auto" && s !== "none")
          .join(", ")}`,
      });
    }
    if (this.inFlight >= this.limits.maxInFlight) {
      return err({
        status: 429,
        code: "overloaded",
        message: "too many ingest requests at once",
        retryAfter: 1,
      });
    }
    if ((await this.lag()) > this.limits.maxLag) {
      return err({
        status: 429,
        code: "detection-behind",
        message: `detection is more than ${this.limits.maxLag} events behind; retry later`,
        retryAfter: 5,
      });
    }
    this.inFlight++;
    try {
      const parsed = parseEventBatch(body, {
        ...(headers.contentType ? { contentType: headers.contentType } : {}),
        ...(headers.contentEncoding ? { contentEncoding: headers.contentEncoding } : {}),
        maxEventBytes: this.limits.maxEventBytes,
        maxEvents: this.limits.maxEvents,
        maxDecompressedBytes: this.limits.maxDecompressedBytes,
      });
      if (!parsed.ok) {
        const p = parsed.error;
        const status =
          p.code === "body-too-large"
            ? 413
            : p.code === "unsupported-media-type" || p.code === "unsupported-encoding"
              ? 415
              : 400;
        return err({ ...p, status });
      }
      const receivedAt = this.now();
      const records: QueuedEvent[] = parsed.value.events.map((e) => ({
        id: randomUUID(),
        source,
        receivedAt,
        event: e.event,
        text: e.text,
      }));
      if (records.length > 0) await this.queue.publish(records);
      this.metrics?.accepted.inc({ source }, records.length);
      this.metrics?.rejected.inc({ source }, parsed.value.rejected.length);
      return ok({ accepted: records.length, rejected: parsed.value.rejected, ids: records.map((r) => r.id) });
    } finally {
      this.inFlight--;
    }
  }
}
