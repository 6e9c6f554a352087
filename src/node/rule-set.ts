// The node's compiled rules: engine, correlator and mapping pipelines, built from the configured
// folders; rebuilt on reload and swapped in whole so a batch never sees half a rule set.

import type { Problem, Result } from "../core/index.js";
import { err, ok } from "../core/index.js";
import { DetectionEngine } from "../detect/engine.js";
import { hiddenRules } from "../detect/hunt.js";
import { loadPipelines, type Pipeline } from "../detect/mappings/index.js";
import type { DetectionRule } from "../detect/sigma/ast.js";
import { Correlator, type CorrelatorSnapshot } from "../detect/sigma/correlation.js";
import { type LoadReport, loadRules, type RuleCollection } from "../detect/sigma/loader.js";

export interface RuleSet {
  readonly rules: RuleCollection;
  readonly engine: DetectionEngine;
  readonly correlator: Correlator;
  readonly correlationInputs: ReadonlySet<string>;
  /** Base rules whose own hits are not alerts (inputs of correlations with `generate: false`). */
  readonly hidden: ReadonlySet<string>;
  readonly pipelines: readonly Pipeline[];
  readonly report: LoadReport;
  readonly loadedAt: Date;
  readonly byId: ReadonlyMap<string, DetectionRule>;
}

export interface RuleSources {
  readonly rules: readonly string[];
  readonly mappings: readonly string[];
  readonly placeholders: Readonly<Record<string, readonly string[]>>;
}

export function buildRuleSet(
  sources: RuleSources,
  now: Date,
  previous?: CorrelatorSnapshot,
): Result<RuleSet, Problem[]> {
  const pipelines = loadPipelines(sources.mappings.length > 0 ? [...sources.mappings] : undefined);
  if (!pipelines.ok) return err(pipelines.error.map((p) => ({ ...p })));
  const rules = loadRules([...sources.rules], {
    placeholders: new Map(Object.entries(sources.placeholders).map(([k, v]) => [k, [...v]])),
  });
  const engine = new DetectionEngine(rules, { evaluator: "compiled" });
  const correlator = new Correlator(
    rules.correlations,
    new Map(rules.detections.map((r) => [r.id, r.name] as const)),
  );
  if (previous) correlator.restore(previous);
  return ok({
    rules,
    engine,
    correlator,
    correlationInputs: correlator.inputs,
    hidden: hiddenRules(rules.correlations),
    pipelines: pipelines.value,
    report: rules.report,
    loadedAt: now,
    byId: new Map(rules.detections.map((r) => [r.id, r])),
  });
}
