// Detection over one batch of queued events, pure: maps each event with its source's pipeline,
// runs the rule set and feeds correlations. Returns the matches; committing them is the caller's.
import type { JsonObject } from "../core/index.js";
import { borrowEvent, type MappingChoice } from "../detect/hunt.js";
import { copyFields, type Pipeline } from "../detect/mappings/index.js";
import type { DetectionRule } from "../detect/sigma/ast.js";
import type { BaseMatch, CorrelationMatch } from "../detect/sigma/correlation.js";
import type { QueuedEvent } from "../ingest/queue/record.js";
import type { RuleSet } from "./rule-set.js";

export type BatchMatch =
  | {
      readonly kind: "detection";
      readonly rule: DetectionRule;
      readonly record: QueuedEvent;
      /** The event with Sigma field names, as the rule saw it. */
      readonly fields: JsonObject;
      readonly time: number;
    }
  | { readonly kind: "correlation"; readonly match: CorrelationMatch };

export interface BatchResult {
  readonly matches: readonly BatchMatch[];
  /** With `deferCorrelation`: the base matches correlations need, for the caller to feed. */
  readonly correlationInputs: readonly BaseMatch[];
  /** The latest event time seen (for closing correlation windows), -Infinity when none. */
  readonly watermark: number;
  /** Events no pipeline recognised (their source is "auto" and nothing claimed them). */
  readonly unmapped: number;
  /** Ids of the events that matched at least one rule: the ones worth storing. */
  readonly matchedEventIds: ReadonlySet<string>;
}

/** The mapping an ingest source name stands for; undefined for an unknown name. */
export function mappingFor(source: string, pipelines: readonly Pipeline[]): MappingChoice | undefined {
  if (source === "auto" || source === "") return { kind: "auto" };
  if (source === "none") return { kind: "none" };
  const p = pipelines.find((x) => x.name === source);
  return p ? { kind: "named", pipeline: p } : undefined;
}

/**
 * `deferCorrelation`: do not touch the rule set's correlator; return its inputs instead (split
 * detect workers feed them to state shared through the database).
 */
export function detectBatch(
  set: RuleSet,
  events: readonly QueuedEvent[],
  opts: { readonly deferCorrelation?: boolean } = {},
): BatchResult {
  const matches: BatchMatch[] = [];
  const inputs: BaseMatch[] = [];
  const matched = new Set<string>();
  const last: { p?: Pipeline } = {};
  const choices = new Map<string, MappingChoice | undefined>();
  let unmapped = 0;
  let watermark = Number.NEGATIVE_INFINITY;
  for (const record of events) {
    let choice = choices.get(record.source);
    if (!choices.has(record.source)) {
      choice = mappingFor(record.source, set.pipelines);
      choices.set(record.source, choice);
    }
    const mapped = choice ? borrowEvent(choice, set.pipelines, record.event, last) : undefined;
    if (!mapped) {
      unmapped++;
      continue;
    }
    try {
      const time = mapped.time ?? record.receivedAt;
      if (time > watermark) watermark = time;
      // the mapped fields are the record's event until release: what is kept is a copy
      let kept: JsonObject | undefined;
      for (const rule of set.engine.match(mapped)) {
        kept ??= copyFields(mapped);
        if (set.correlationInputs.has(rule.id)) {
          const base = { ruleId: rule.id, time, fields: kept };
          if (opts.deferCorrelation) inputs.push(base);
          else matches.push(...correlate(set, [base], Number.NEGATIVE_INFINITY));
        }
        if (set.hidden.has(rule.id)) continue;
        matches.push({ kind: "detection", rule, record, fields: kept, time });
        matched.add(record.id);
      }
    } finally {
      mapped.release();
    }
  }
  if (!opts.deferCorrelation) matches.push(...correlate(set, [], watermark));
  return { matches, correlationInputs: inputs, watermark, unmapped, matchedEventIds: matched };
}

/**
 * Feeds base matches to the rule set's correlator, then closes the windows that event time has
 * passed (windows judged at their close: upper bounds, value_avg). Returns the correlations shown.
 */
export function correlate(set: RuleSet, inputs: readonly BaseMatch[], watermark: number): BatchMatch[] {
  const out: BatchMatch[] = [];
  const keep = (hit: CorrelationMatch) => {
    if (!set.hidden.has(hit.rule.id)) out.push({ kind: "correlation", match: hit });
  };
  for (const m of inputs) for (const hit of set.correlator.push(m)) keep(hit);
  if (Number.isFinite(watermark)) for (const hit of set.correlator.advance(watermark)) keep(hit);
  return out;
}
