// One batch through detection, behind one interface with two homes: in this thread (split detect
// workers, whose correlations are shared through the database) or in a worker thread (the
// single-process node: detection gets its own core while the main thread serves ingest).
import type { BaseMatch, CorrelatorSnapshot } from "../detect/sigma/correlation.js";
import { decodeRecord, type QueuedEvent } from "../ingest/queue/record.js";
import { detectBatch } from "./detect-batch.js";
import { type MatchView, viewOf } from "./match-view.js";
import type { RuleSet } from "./rule-set.js";

export interface StepResult {
  readonly matches: readonly MatchView[];
  /** The matched events, decoded: the ones stored for the alerts to point to. */
  readonly matched: readonly QueuedEvent[];
  readonly count: number;
  /** With deferred correlation: the base matches for the caller to feed. */
  readonly correlationInputs: readonly BaseMatch[];
  readonly watermark: number;
  /** The correlation windows after this batch (to commit with it). */
  readonly snapshot: CorrelatorSnapshot;
}

export interface DetectionStep {
  detect(records: readonly string[], opts?: { readonly deferCorrelation?: boolean }): Promise<StepResult>;
  /** Puts the correlation windows back as they were before the last `detect` (its commit failed). */
  rollback(): Promise<void>;
}

/** Detection in this thread, on the node's current rule set. */
export class InlineStep implements DetectionStep {
  private before: CorrelatorSnapshot | undefined;
  constructor(private readonly rules: () => RuleSet) {}

  async detect(
    records: readonly string[],
    opts: { readonly deferCorrelation?: boolean } = {},
  ): Promise<StepResult> {
    const set = this.rules();
    this.before = set.correlator.snapshot();
    return runBatch(set, records, opts);
  }

  async rollback(): Promise<void> {
    if (this.before) this.rules().correlator.restore(this.before);
  }
}

export function runBatch(
  set: RuleSet,
  records: readonly string[],
  opts: { readonly deferCorrelation?: boolean } = {},
): StepResult {
  const events = records.map(decodeRecord);
  const r = detectBatch(set, events, opts);
  return {
    matches: r.matches.map(viewOf),
    matched: events.filter((e) => r.matchedEventIds.has(e.id)),
    count: events.length,
    correlationInputs: r.correlationInputs,
    watermark: r.watermark,
    snapshot: set.correlator.snapshot(),
  };
}
