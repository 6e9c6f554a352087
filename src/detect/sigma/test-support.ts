// Test support for the Sigma engine: loads rules written inline as YAML (through the real loader,
// from a temp folder) and checks every event against both evaluators, which must agree.

import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import type { FieldAliases, JsonObject, LogSource, MappedEvent } from "../../core/index.js";
import { DetectionEngine } from "../engine.js";
import { type LoadOptions, loadRules, type RuleCollection } from "./loader.js";

/** Writes each file (name -> YAML text) to a fresh temp folder, loads it, and removes the folder. */
export function loadYaml(files: string | Readonly<Record<string, string>>, options: LoadOptions = {}) {
  const dir = mkdtempSync(join(tmpdir(), "corridor-sigma-"));
  try {
    const named = typeof files === "string" ? { "rule.yml": files } : files;
    for (const [name, text] of Object.entries(named)) writeFileSync(join(dir, name), text);
    return loadRules([dir], { ...options, relativeTo: dir });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Indents a block of YAML by `n` spaces (for splicing a detection into a rule). */
const indent = (text: string, n: number) =>
  text
    .split("\n")
    .map((l) => (l.trim() === "" ? l : " ".repeat(n) + l))
    .join("\n");

let serial = 0;

/** A complete detection rule around a `detection:` body written as YAML. */
export function ruleYaml(
  detection: string,
  id = `00000000-0000-4000-8000-${String(++serial).padStart(12, "0")}`,
) {
  return `title: test rule ${id}\nid: ${id}\nlogsource:\n  product: test\ndetection:\n${indent(detection.replace(/^\n+/, ""), 2)}\n`;
}

/** Loads a single rule from its detection body; fails the test on any load error. */
export function loadDetection(detection: string, options: LoadOptions = {}): RuleCollection {
  const rules = loadYaml(ruleYaml(detection), options);
  assert.deepEqual(rules.report.errors, [], "the rule should load");
  assert.equal(rules.detections.length, 1);
  return rules;
}

const engines = new WeakMap<RuleCollection, { compiled: DetectionEngine; interpreted: DetectionEngine }>();

const mapped = (fields: JsonObject): MappedEvent => ({
  fields,
  logsource: { categories: [] },
  time: undefined,
});

/** The ids of the rules matching an event; asserts that the compiled and reference evaluators agree. */
export function matchIds(rules: RuleCollection, event: JsonObject): string[] {
  let e = engines.get(rules);
  if (!e) {
    e = {
      compiled: new DetectionEngine(rules, { evaluator: "compiled", routing: false }),
      interpreted: new DetectionEngine(rules, { evaluator: "interpreted", routing: false }),
    };
    engines.set(rules, e);
  }
  const compiled = e.compiled.match(mapped(event)).map((r) => r.id);
  const interpreted = e.interpreted.match(mapped(event)).map((r) => r.id);
  assert.deepEqual(compiled, interpreted, `compiled and interpreted disagree on ${JSON.stringify(event)}`);
  return compiled;
}

/** True when the (single-rule) collection matches the event, by both evaluators. */
export const matches = (rules: RuleCollection, event: JsonObject): boolean =>
  matchIds(rules, event).length > 0;

/**
 * A golden table: the detection body, then events with the expected outcome. Every row is checked
 * against both evaluators.
 */
export function golden(
  detection: string,
  rows: readonly (readonly [JsonObject, boolean])[],
  options: LoadOptions = {},
): void {
  const rules = loadDetection(detection, options);
  for (const [event, expected] of rows) {
    assert.equal(matches(rules, event), expected, `${detection.trim()}\n  on ${JSON.stringify(event)}`);
  }
}

/**
 * Property: the compiled, prefiltered engine (routing on) gives the reference interpreter's hits on
 * generated events, read as a pipeline reads them: with or without `aliases` (which shadow an own
 * key), and with keys of `inherited` found on the event's prototype only (rules must not see them).
 */
export function assertEngineAgrees(
  rules: RuleCollection,
  events: {
    readonly fields: fc.Arbitrary<JsonObject>;
    readonly aliases: FieldAliases;
    readonly inherited: fc.Arbitrary<JsonObject>;
  },
  numRuns = 4000,
): void {
  assert.deepEqual(rules.report.errors, []);
  const compiled = new DetectionEngine(rules, { evaluator: "compiled" });
  const interpreted = new DetectionEngine(rules, { evaluator: "interpreted" });
  const logsource: LogSource = { product: "windows", categories: [] };
  const ids = (engine: DetectionEngine, e: MappedEvent) => engine.match(e).map((r) => r.id);
  const event = fc.record({
    fields: events.fields,
    aliased: fc.boolean(),
    inherited: fc.option(events.inherited),
  });
  fc.assert(
    fc.property(event, ({ fields, aliased, inherited }) => {
      const own = inherited ? Object.assign(Object.create(inherited) as JsonObject, fields) : fields;
      const e: MappedEvent = {
        fields: own,
        logsource,
        time: undefined,
        aliases: aliased ? events.aliases : undefined,
      };
      assert.deepEqual(ids(compiled, e), ids(interpreted, e));
    }),
    { numRuns },
  );
}
