// Detection over one batch of queued events, pure: maps each event with its source's pipeline,
// runs the rule set and feeds correlations. Returns the matches; committing them is the caller's.
import type { JsonObject, MappedEvent } from "../core/index.js";
import { type MappingChoice, mapEvent } from "../detect/hunt.js";
import type { Pipeline } from "../detect/mappings/index.js";
import type { DetectionRule } from "../detect/sigma/ast.js";
import type { CorrelationMatch } from "../detect/sigma/correlation.js";
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

export function detectBatch(set: RuleSet, events: readonly QueuedEvent[]): BatchResult {
  const matches: BatchMatch[] = [];
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
    const mapped: MappedEvent | undefined = choice
      ? mapEvent(choice, set.pipelines, record.event, last)
      : undefined;
    if (!mapped) {
      unmapped++;
      continue;
    }
    const time = mapped.time ?? record.receivedAt;
    if (time > watermark) watermark = time;
    for (const rule of set.engine.match(mapped)) {
      if (set.correlationInputs.has(rule.id)) {
        for (const hit of set.correlator.push({ ruleId: rule.id, time, fields: mapped.fields })) {
          if (!set.hidden.has(hit.rule.id)) matches.push({ kind: "correlation", match: hit });
        }
      }
      if (set.hidden.has(rule.id)) continue;
      matches.push({ kind: "detection", rule, record, fields: mapped.fields, time });
      matched.add(record.id);
    }
  }
  // windows judged at their close (upper bounds) close as event time moves on
  if (Number.isFinite(watermark)) {
    for (const hit of set.correlator.advance(watermark)) {
      if (!set.hidden.has(hit.rule.id)) matches.push({ kind: "correlation", match: hit });
    }
  }
  return { matches, unmapped, matchedEventIds: matched };
}
