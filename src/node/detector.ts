// The node's detector: consumes accepted events from the queue, detects, and commits in ONE
// transaction the matched events, their alerts, the batch mark and the correlation windows, so a
// crash replays the batch without losing or doubling an alert.

import type { Counter, Histogram } from "../api/metrics.js";
import type { Alert } from "../core/index.js";
import type { CorrelatorSnapshot } from "../detect/sigma/correlation.js";
import type { ConsumedBatch, EventQueue, QueueConsumer } from "../ingest/queue/port.js";
import { type RuleMatch, recordMatch } from "../store/alerts-repo.js";
import type { Database } from "../store/database.js";
import { insertEvents } from "../store/events-repo.js";
import { getState, putState } from "../store/state-repo.js";
import { correlate } from "./detect-batch.js";
import { type MatchView, viewOf } from "./match-view.js";
import type { RuleSet } from "./rule-set.js";
import type { DetectionStep } from "./step.js";

export interface DetectorMetrics {
  readonly events: Counter;
  readonly matches: Counter;
  readonly alertLatency: Histogram;
}

export interface DetectorOptions {
  readonly db: Database;
  readonly queue: EventQueue;
  /** Where batches are matched (this thread or a worker thread). */
  readonly step: DetectionStep;
  /** The current rule set in this thread: needed for correlations shared between workers. */
  readonly rules?: () => RuleSet;
  readonly dedupWindowMs: number;
  /** Names this worker's cursor and correlation state ("local" for the single-process node). */
  readonly workerId: string;
  /**
   * Split detect workers each see part of the events, so correlation windows live in the database:
   * each commit locks them, feeds its base matches and saves them, in its transaction.
   */
  readonly sharedCorrelations?: boolean;
  /** How a match becomes an alert record (soc's rules on severity, entity, techniques). */
  readonly toRuleMatch: (m: MatchView) => RuleMatch;
  /** Called after each commit with the alerts it touched (auto-incidents, playbooks). */
  readonly afterCommit: (alerts: readonly { alert: Alert; created: boolean }[]) => Promise<void>;
  readonly metrics?: DetectorMetrics;
  readonly onError: (e: unknown) => void;
  readonly now?: () => Date;
}

export const cursorKey = (workerId: string) => `detect.${workerId}.cursor`;
export const correlationKey = (workerId: string) => `detect.${workerId}.correlations`;
export const SHARED_CORRELATIONS = "detect.shared.correlations";

export class Detector {
  private consumer: QueueConsumer | undefined;
  private processed = 0;

  constructor(private readonly o: DetectorOptions) {}

  /** Starts consuming from the committed cursor. */
  async start(): Promise<void> {
    const from = await getState<string>(this.o.db, cursorKey(this.o.workerId));
    this.consumer = this.o.queue.consume((b) => this.handle(b), from);
  }

  get eventsProcessed(): number {
    return this.processed;
  }

  async idle(): Promise<void> {
    await this.consumer?.idle();
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
    this.consumer = undefined;
  }

  private async handle(batch: ConsumedBatch): Promise<void> {
    const now = this.o.now ?? (() => new Date());
    const shared = this.o.sharedCorrelations === true;
    const set = shared ? this.o.rules?.() : undefined;
    if (shared && !set) throw new Error("shared correlations need the rule set in this thread");
    const result = await this.o.step.detect(batch.records, { deferCorrelation: shared });
    const touched: { alert: Alert; created: boolean; receivedAt: number | undefined }[] = [];
    let replay = false;
    try {
      await this.o.db.transaction(async (tx) => {
        if (batch.id !== undefined) {
          const claim = await tx.query(
            "INSERT INTO detection_batches (id, at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING",
            [batch.id, now().toISOString()],
          );
          replay = claim.rowCount === 0; // redelivered after its commit: nothing to do
          if (replay) return;
        }
        await insertEvents(
          tx,
          result.matched.map((e) => ({
            id: e.id,
            receivedAt: new Date(e.receivedAt),
            source: e.source,
            raw: e.event,
          })),
        );
        const matches = [...result.matches];
        if (set) {
          // the windows as every worker left them, locked until this commit
          await tx.query(
            `INSERT INTO state (key, value, updated_at) VALUES ($1, '{"version":1,"rules":{}}', $2) ON CONFLICT (key) DO NOTHING`,
            [SHARED_CORRELATIONS, now().toISOString()],
          );
          const { rows } = await tx.query<{ value: CorrelatorSnapshot }>(
            "SELECT value FROM state WHERE key = $1 FOR UPDATE",
            [SHARED_CORRELATIONS],
          );
          set.correlator.restore(rows[0]!.value);
          const inputs = [...result.correlationInputs].sort((a, b) => a.time - b.time);
          matches.push(...correlate(set, inputs, result.watermark).map(viewOf));
          await putState(tx, SHARED_CORRELATIONS, set.correlator.snapshot(), now());
        }
        for (const m of matches) {
          const r = await recordMatch(tx, this.o.toRuleMatch(m), this.o.dedupWindowMs);
          touched.push({ ...r, receivedAt: m.kind === "detection" ? m.receivedAt : undefined });
        }
        if (batch.position !== undefined)
          await putState(tx, cursorKey(this.o.workerId), batch.position, now());
        if (!shared) await putState(tx, correlationKey(this.o.workerId), result.snapshot, now());
      });
    } catch (e) {
      await this.o.step.rollback();
      throw e;
    }
    if (replay) {
      await this.o.step.rollback();
      return;
    }
    this.processed += result.count;
    const m = this.o.metrics;
    if (m) {
      m.events.inc({}, result.count);
      m.matches.inc({}, touched.length);
      const t = now().getTime();
      // from the 202 to the committed alert
      for (const { created, receivedAt } of touched) {
        if (created && receivedAt !== undefined) m.alertLatency.observe(Math.max(0, t - receivedAt) / 1000);
      }
    }
    if (touched.length > 0) {
      try {
        await this.o.afterCommit(touched.map(({ alert, created }) => ({ alert, created })));
      } catch (e) {
        this.o.onError(e);
      }
    }
  }
}
