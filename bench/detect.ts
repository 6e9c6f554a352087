// bench/detect: replays the OTRF Windows events (../shared/corpus/events) to N events (default 1M)
// through mapping + logsource routing + every Windows Sigma rule, on one core, and compares the
// throughput with a bare JSON.parse pass over the same lines measured in the same run, interleaved
// with it one corpus pass at a time.
//
//   npm run bench:detect -- [--events 1000000] [--rounds 3] [--rules ../shared/corpus/sigma/rules] [--evaluator compiled] [--memo on|off]
//
// The prefilter remembers its verdict on field values it has seen (real logs repeat DLL paths,
// registry keys and call stacks all day). A replay repeats every value, so the bench prints the
// memo's hit rate over the first, untimed pass (each corpus event once: the repetition in the
// data itself) next to the replay's, and `--memo off` measures without it.

import { parseArgs } from "node:util";
import { DetectionEngine, type Evaluator } from "../src/detect/engine.js";
import { borrowEvent } from "../src/detect/hunt.js";
import { loadPipelines, type Pipeline } from "../src/detect/mappings/index.js";
import { loadRules } from "../src/detect/sigma/loader.js";
import { corpusLines } from "./corpus.js";
import { type Detector, detectLines, parseLines } from "./replay.js";

const { values } = parseArgs({
  options: {
    events: { type: "string", default: "1000000" },
    rules: { type: "string", default: "../shared/corpus/sigma/rules" },
    corpus: { type: "string", default: "../shared/corpus/events/otrf-security-datasets/windows" },
    evaluator: { type: "string", default: "compiled" },
    rounds: { type: "string", default: "3" },
    memo: { type: "string", default: "on" },
  },
});
const target = Number(values.events);
const rounds = Number(values.rounds);

const corpus = corpusLines(values.corpus);
const bytes = corpus.reduce((s, l) => s + l.length, 0);
const loadStart = performance.now();
const all = loadRules([values.rules]);
const windows = { ...all, detections: all.detections.filter((r) => r.logsource.product === "windows") };
if (values.memo !== "on" && values.memo !== "off") throw new Error("--memo is on or off");
const engine = new DetectionEngine(windows, {
  evaluator: values.evaluator as Evaluator,
  memo: values.memo === "on",
});
const loadMs = performance.now() - loadStart;
const pipelinesResult = loadPipelines();
if (!pipelinesResult.ok) throw new Error("mappings failed to load");
const pipelines: readonly Pipeline[] = pipelinesResult.value;

/** CPU time of this process in ms: unlike wall time, not inflated when other processes share the core. */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

interface Pass {
  readonly ms: number;
  readonly cpu: number;
  readonly hits: number;
}

const last: { p?: Pipeline } = {};
const detector: Detector = { engine, borrow: (e) => borrowEvent({ kind: "auto" }, pipelines, e, last) };

/** Times one of the replay loops (see replay.ts) over events from..from+n. */
function timed(loop: (from: number, n: number) => number, from: number, n: number): Pass {
  const c = cpuMs();
  const t = performance.now();
  const hits = loop(from, n);
  return { ms: performance.now() - t, cpu: cpuMs() - c, hits };
}
const parseOnly = (from: number, n: number) => timed((f, k) => parseLines(corpus, f, k), from, n);
const detect = (from: number, n: number) => timed((f, k) => detectLines(corpus, f, k, detector), from, n);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rate = (ms: number) => (target * 1000) / ms;
console.log(
  `corpus: ${corpus.length} events (${(bytes / corpus.length).toFixed(0)} B avg), replayed to ${target}; ` +
    `rules: ${windows.detections.length} Windows rules of ${all.report.loaded} loaded in ${(loadMs / 1000).toFixed(1)} s; evaluator ${values.evaluator}`,
);
// Warm-up, untimed: one pass over the corpus for both, so the JIT and the per-route prefilters
// (built on a route's first event) are ready; a long-running node pays that once.
const warmStart = performance.now();
parseOnly(0, corpus.length);
detect(0, corpus.length);
const memoRate = (since: { lookups: number; hits: number }) => {
  const now = engine.memoStats;
  const lookups = now.lookups - since.lookups;
  return lookups === 0
    ? "no lookups"
    : `${((100 * (now.hits - since.hits)) / lookups).toFixed(1)} % of ${lookups}`;
};
const firstPass = memoRate({ lookups: 0, hits: 0 });
console.log(
  `warm-up: one untimed pass over the corpus (${((performance.now() - warmStart) / 1000).toFixed(1)} s); ` +
    `field values found in the prefilter memo: ${firstPass}`,
);
const afterWarmUp = engine.memoStats;
const parseRates: number[] = [];
const detectRates: number[] = [];
const ratios: number[] = [];
const cpuRatios: number[] = [];
const hitCounts: number[] = [];
/**
 * One round: the replay in slices of one corpus pass, each parsed bare and then detected, so both
 * measurements see the same events under the same machine conditions (a shared machine's speed
 * drifts over seconds; two long passes one after the other would compare different moments).
 */
function round(): { p: Pass; d: Pass } {
  const sum = (a: Pass, b: Pass): Pass => ({ ms: a.ms + b.ms, cpu: a.cpu + b.cpu, hits: a.hits + b.hits });
  let p: Pass = { ms: 0, cpu: 0, hits: 0 };
  let d: Pass = { ms: 0, cpu: 0, hits: 0 };
  for (let from = 0; from < target; from += corpus.length) {
    const n = Math.min(corpus.length, target - from);
    p = sum(p, parseOnly(from, n));
    d = sum(d, detect(from, n));
  }
  return { p, d };
}

for (let r = 0; r < rounds; r++) {
  const { p, d } = round();
  hitCounts.push(d.hits);
  parseRates.push(rate(p.ms));
  detectRates.push(rate(d.ms));
  ratios.push(p.ms / d.ms);
  cpuRatios.push(p.cpu / d.cpu);
  console.log(
    `round ${r + 1}: JSON.parse ${Math.round(rate(p.ms))} ev/s, parse+map+detect ${Math.round(rate(d.ms))} ev/s, ` +
      `ratio ${(p.ms / d.ms).toFixed(3)} (in CPU time ${(p.cpu / d.cpu).toFixed(3)}), ${d.hits} rule hits`,
  );
}
const rss = process.resourceUsage().maxRSS / 1024;
const what = rounds > 1 ? `median of ${rounds} rounds` : "1 round";
console.log(`\nresult (${what} of ${target} events, one core):`);
console.log(`  detection (parse+map+route+match): ${Math.round(median(detectRates))} events/s`);
console.log(`  bare JSON.parse, same lines:       ${Math.round(median(parseRates))} events/s`);
console.log(`  ratio detection / JSON.parse:      ${median(ratios).toFixed(3)} (goal >= 0.5)`);
console.log(`  same ratio in CPU time:            ${median(cpuRatios).toFixed(3)}`);
console.log(`  rule hits per replay:              ${[...new Set(hitCounts)].join(", ")}`);
console.log(
  values.memo === "on"
    ? `  prefilter memo hits:               first pass ${firstPass}; timed replay ${memoRate(afterWarmUp)}`
    : "  prefilter memo:                    off",
);
console.log(`  peak memory (max RSS):             ${rss.toFixed(0)} MiB`);
