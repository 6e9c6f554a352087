// Offline hunting: reads event files, maps each event, runs the rule set and the correlations.
// Correlation inputs are sorted by time at the end, since files need not arrive in time order.

import type { EventOrigin, JsonObject, MappedEvent } from "../core/index.js";
import { readEventFile } from "../ingest/readers/index.js";
import { DetectionEngine, type Evaluator } from "./engine.js";
import {
  applyPipeline,
  type BorrowedEvent,
  copyFields,
  detectPipeline,
  identityMapping,
  type Pipeline,
} from "./mappings/index.js";
import type { CorrelationRule, DetectionRule, Level } from "./sigma/ast.js";
import { LEVELS } from "./sigma/ast.js";
import { type BaseMatch, type CorrelationMatch, Correlator } from "./sigma/correlation.js";
import type { RuleCollection } from "./sigma/loader.js";

export type MappingChoice =
  | { readonly kind: "auto" }
  | { readonly kind: "none" }
  | { readonly kind: "named"; readonly pipeline: Pipeline };

export interface HuntOptions {
  readonly rules: RuleCollection;
  readonly pipelines: readonly Pipeline[];
  readonly mapping: MappingChoice;
  readonly minLevel?: Level;
  readonly from?: number;
  readonly to?: number;
  readonly evaluator?: Evaluator;
}

export type HuntItem =
  | {
      readonly kind: "detection";
      readonly rule: DetectionRule;
      readonly origin: EventOrigin;
      readonly event: JsonObject;
      readonly time: number | undefined;
    }
  | { readonly kind: "correlation"; readonly match: CorrelationMatch }
  | {
      readonly kind: "problem";
      readonly code: string;
      readonly message: string;
      readonly origin: EventOrigin;
    };

export interface HuntProgress {
  readonly file: string;
  readonly fileIndex: number;
  readonly files: number;
  readonly events: number;
  readonly bytes?: number;
}

const rank = (l: Level | undefined) => LEVELS.indexOf(l ?? "informational");

/** Keeps the rules at or above a level (a correlation keeps its inputs whatever their level). */
export function atLeast(rules: RuleCollection, level: Level | undefined): RuleCollection {
  if (!level) return rules;
  const min = rank(level);
  const correlations = rules.correlations.filter((c) => rank(c.level) >= min);
  const needed = new Set(correlations.flatMap((c) => c.ruleIds));
  return {
    ...rules,
    detections: rules.detections.filter((r) => rank(r.level) >= min || needed.has(r.id)),
    correlations,
  };
}

/** The pipeline a choice maps this event with (remembering auto's last pick); undefined: none. */
function pipelineFor(
  choice: MappingChoice,
  pipelines: readonly Pipeline[],
  event: JsonObject,
  last: { p?: Pipeline },
): Pipeline | "identity" | undefined {
  if (choice.kind === "none") return "identity";
  if (choice.kind === "named") return choice.pipeline;
  const p = last.p?.recognises(event) ? last.p : detectPipeline(pipelines, event);
  if (p) last.p = p;
  return p;
}

export function mapEvent(
  choice: MappingChoice,
  pipelines: readonly Pipeline[],
  event: JsonObject,
  last: { p?: Pipeline },
): MappedEvent | undefined {
  const p = pipelineFor(choice, pipelines, event, last);
  if (p === "identity") return identityMapping(event);
  return p && applyPipeline(p, event);
}

/** A mapping that changed nothing: releasing it has nothing to undo. */
const unchanged = (event: MappedEvent): BorrowedEvent => Object.assign(event, { release: () => {} });

/**
 * Like mapEvent, but maps the caller's event in place (Pipeline.borrow): the mapped fields are
 * valid until `release()`, which gives the event back as it was. Copy whatever is kept.
 */
export function borrowEvent(
  choice: MappingChoice,
  pipelines: readonly Pipeline[],
  event: JsonObject,
  last: { p?: Pipeline },
): BorrowedEvent | undefined {
  const p = pipelineFor(choice, pipelines, event, last);
  if (p === "identity") return unchanged(identityMapping(event));
  return p?.borrow(event);
}

/** Hunts over files; yields hits as they are found, then the correlation hits at the end. */
export async function* hunt(
  files: readonly string[],
  options: HuntOptions,
  onProgress?: (p: HuntProgress) => void,
): AsyncGenerator<HuntItem> {
  const rules = atLeast(options.rules, options.minLevel);
  const engine = new DetectionEngine(rules, {
    evaluator: options.evaluator ?? "compiled",
    routing: options.mapping.kind !== "none",
  });
  const correlator = new Correlator(
    rules.correlations,
    new Map(rules.detections.map((r) => [r.id, r.name] as const)),
  );
  const inputs = correlator.inputs;
  const hidden = hiddenRules(rules.correlations);
  const min = rank(options.minLevel);
  const pending: BaseMatch[] = [];
  const last: { p?: Pipeline } = {};
  let events = 0;
  for (const [fileIndex, file] of files.entries()) {
    onProgress?.({ file, fileIndex, files: files.length, events });
    for await (const item of readEventFile(file)) {
      if (item.kind === "problem") {
        yield item;
        continue;
      }
      events++;
      if (events % 2048 === 0) onProgress?.({ file, fileIndex, files: files.length, events });
      const mapped = borrowEvent(options.mapping, options.pipelines, item.event, last);
      if (!mapped) continue;
      const time = mapped.time;
      let rules: readonly DetectionRule[] = [];
      if (
        (options.from === undefined || (time !== undefined && time >= options.from)) &&
        (options.to === undefined || (time !== undefined && time <= options.to))
      ) {
        try {
          rules = engine.match(mapped);
          let kept: JsonObject | undefined;
          for (const rule of rules) {
            if (inputs.has(rule.id) && time !== undefined) {
              kept ??= copyFields(mapped);
              pending.push({ ruleId: rule.id, time, fields: kept });
            }
          }
        } finally {
          mapped.release();
        }
      } else mapped.release();
      // yielded only once the event is given back as it was read
      for (const rule of rules) {
        if (!hidden.has(rule.id) && rank(rule.level) >= min) {
          yield { kind: "detection", rule, origin: item.origin, event: item.event, time };
        }
      }
    }
  }
  onProgress?.({ file: "", fileIndex: files.length, files: files.length, events });
  pending.sort((a, b) => a.time - b.time);
  const shown = (hit: CorrelationMatch) => !hidden.has(hit.rule.id);
  for (const m of pending)
    for (const hit of correlator.push(m).filter(shown)) yield { kind: "correlation", match: hit };
  for (const hit of correlator.flush().filter(shown)) yield { kind: "correlation", match: hit };
}

/** Base rules whose stand-alone hits are not reported: referenced only by correlations without `generate`. */
export function hiddenRules(correlations: readonly CorrelationRule[]): Set<string> {
  const shown = new Set(correlations.filter((c) => c.generate).flatMap((c) => c.ruleIds));
  return new Set(
    correlations
      .filter((c) => !c.generate)
      .flatMap((c) => c.ruleIds)
      .filter((id) => !shown.has(id)),
  );
}
