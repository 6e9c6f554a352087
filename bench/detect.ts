// bench/detect: replays the OTRF Windows events (../shared/corpus/events) to N events (default 1M)
// through mapping + logsource routing + every Windows Sigma rule, on one core, and compares the
// throughput with a bare JSON.parse pass over the same lines measured in the same run.
//
//   npm run bench:detect -- [--events 1000000] [--rules ../shared/corpus/sigma/rules] [--evaluator compiled]

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { JsonObject } from "../src/core/index.js";
import { DetectionEngine, type Evaluator } from "../src/detect/engine.js";
import { mapEvent } from "../src/detect/hunt.js";
import { loadPipelines, type Pipeline } from "../src/detect/mappings/index.js";
import { loadRules } from "../src/detect/sigma/loader.js";

const { values } = parseArgs({
  options: {
    events: { type: "string", default: "1000000" },
    rules: { type: "string", default: "../shared/corpus/sigma/rules" },
    corpus: { type: "string", default: "../shared/corpus/events/otrf-security-datasets/windows" },
    evaluator: { type: "string", default: "compiled" },
    rounds: { type: "string", default: "3" },
  },
});
const target = Number(values.events);
const rounds = Number(values.rounds);

function lines(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith(".jsonl") && !name.startsWith(".")) {
        for (const l of readFileSync(p, "utf8").split("\n")) if (l.trim() !== "") out.push(l);
      }
    }
  };
  walk(dir);
  return out;
}

const corpus = lines(values.corpus);
const bytes = corpus.reduce((s, l) => s + l.length, 0);
const loadStart = performance.now();
const all = loadRules([values.rules]);
const windows = { ...all, detections: all.detections.filter((r) => r.logsource.product === "windows") };
const engine = new DetectionEngine(windows, { evaluator: values.evaluator as Evaluator });
const loadMs = performance.now() - loadStart;
const pipelinesResult = loadPipelines();
if (!pipelinesResult.ok) throw new Error("mappings failed to load");
const pipelines: readonly Pipeline[] = pipelinesResult.value;

function parseOnly(): { ms: number; sink: number } {
  let sink = 0;
  const t = performance.now();
  for (let i = 0; i < target; i++) {
    const e = JSON.parse(corpus[i % corpus.length]!) as JsonObject;
    if (e.EventID !== undefined) sink++;
  }
  return { ms: performance.now() - t, sink };
}

function detect(): { ms: number; hits: number } {
  let hits = 0;
  const last: { p?: Pipeline } = {};
  const t = performance.now();
  for (let i = 0; i < target; i++) {
    const e = JSON.parse(corpus[i % corpus.length]!) as JsonObject;
    const mapped = mapEvent({ kind: "auto" }, pipelines, e, last);
    if (mapped) hits += engine.match(mapped).length;
  }
  return { ms: performance.now() - t, hits };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const parseRates: number[] = [];
const detectRates: number[] = [];
let hits = 0;
console.log(
  `corpus: ${corpus.length} events (${(bytes / corpus.length).toFixed(0)} B avg), replayed to ${target}; ` +
    `rules: ${windows.detections.length} Windows rules of ${all.report.loaded} loaded in ${(loadMs / 1000).toFixed(1)} s; evaluator ${values.evaluator}`,
);
for (let r = 0; r < rounds; r++) {
  const p = parseOnly();
  const d = detect();
  hits = d.hits;
  parseRates.push((target * 1000) / p.ms);
  detectRates.push((target * 1000) / d.ms);
  console.log(
    `round ${r + 1}: JSON.parse ${Math.round(parseRates.at(-1)!)} ev/s, parse+map+detect ${Math.round(detectRates.at(-1)!)} ev/s`,
  );
}
const pr = median(parseRates);
const dr = median(detectRates);
const rss = process.resourceUsage().maxRSS / 1024;
console.log(`\nresult (median of ${rounds}):`);
console.log(`  detection (parse+map+route+match): ${Math.round(dr)} events/s, ${hits} rule hits per replay`);
console.log(`  bare JSON.parse:                   ${Math.round(pr)} events/s`);
console.log(`  ratio detection / JSON.parse:      ${(dr / pr).toFixed(3)} (goal >= 0.5)`);
console.log(`  peak memory (max RSS):             ${rss.toFixed(0)} MiB`);
