// Differential test: the compiled matcher and the reference interpreter give the same hits for every
// SigmaHQ rule of the corpus over the OTRF Windows events (mapped with the `windows` pipeline).
// The interpreter is slow, so a deterministic sample is taken: every 10th event of every file.
// The golden tests (test-support) check both evaluators on every fixture too.

import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import type { JsonObject } from "../../core/index.js";
import { DetectionEngine } from "../engine.js";
import { applyPipeline, loadPipelines, pipelineByName } from "../mappings/index.js";
import { loadRules } from "./loader.js";

const RULES = "../shared/corpus/sigma/rules";
const EVENTS = "../shared/corpus/events/otrf-security-datasets/windows";
const EVERY = 10;

function eventFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith("._")) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...eventFiles(p));
    else if (name.endsWith(".jsonl")) out.push(p);
  }
  return out;
}

test("compiled and interpreted agree on every corpus rule over sampled OTRF events", {
  timeout: 120_000,
}, () => {
  const rules = loadRules([RULES]);
  assert.ok(rules.detections.length > 3000, `only ${rules.detections.length} rules loaded`);
  const pipelines = loadPipelines();
  assert.ok(pipelines.ok, "the built-in mappings load");
  const windows = pipelineByName(pipelines.value, "windows");
  assert.ok(windows, "a windows pipeline exists");
  const compiled = new DetectionEngine(rules, { evaluator: "compiled" });
  const interpreted = new DetectionEngine(rules, { evaluator: "interpreted" });
  let events = 0;
  let hits = 0;
  const files = eventFiles(EVENTS);
  assert.ok(files.length > 0);
  for (const file of files) {
    const lines = readFileSync(file, "utf8").split("\n");
    for (let i = 0; i < lines.length; i += EVERY) {
      const line = lines[i]!.trim();
      if (line === "") continue;
      const mapped = applyPipeline(windows, JSON.parse(line) as JsonObject);
      const a = compiled.match(mapped).map((r) => r.id);
      const b = interpreted.match(mapped).map((r) => r.id);
      assert.deepEqual(a, b, `${file}:${i + 1}`);
      events++;
      hits += a.length;
    }
  }
  assert.ok(events > 2000, `only ${events} events sampled`);
  assert.ok(hits > 0, "the sample should produce some hits");
});
