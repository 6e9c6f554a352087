// bench/compare: this build's detection against another build's, each in its own processes, on
// the same corpus and rules, alternating base and this build so that both see the same machine.
//
//   npm run bench:compare -- --base /path/to/other/dist [--processes 5] [--passes 12]
//
// Why processes: two engines in one process double the memory the detection touches, which makes
// any change that saves memory traffic look larger than it is (measured: 2-3 % "gains" that do
// not show in single-build runs). Each process loads one build, warms up, then times `--passes`
// interleaved pairs of corpus passes (bare JSON.parse, then detection) and reports medians; this
// script prints each process's ratio and the two builds' means. Build the base with
// `git worktree add /tmp/base <ref> && (cd /tmp/base && npm install && npx tsc -p tsconfig.json)`,
// then pass --base /tmp/base/dist.

import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { type Detector, detectLines, parseLines } from "./replay.js";

const { values } = parseArgs({
  options: {
    base: { type: "string" },
    processes: { type: "string", default: "5" },
    passes: { type: "string", default: "12" },
    rules: { type: "string", default: "../shared/corpus/sigma/rules" },
    corpus: { type: "string", default: "../shared/corpus/events/otrf-security-datasets/windows" },
    worker: { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});

interface Figures {
  readonly parseUs: number;
  readonly detectUs: number;
  readonly ratio: number;
  readonly hits: number;
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

/** One build's figures, in this process: `dist` is that build's output folder. */
async function work(dist: string): Promise<Figures> {
  const load = (path: string) => import(pathToFileURL(join(dist, path)).href);
  const { DetectionEngine } = await load("src/detect/engine.js");
  const { borrowEvent } = await load("src/detect/hunt.js");
  const { loadPipelines } = await load("src/detect/mappings/index.js");
  const { loadRules } = await load("src/detect/sigma/loader.js");
  const { corpusLines } = await load("bench/corpus.js");
  const corpus: string[] = corpusLines(values.corpus!);
  const all = loadRules([values.rules!]);
  const windows = {
    ...all,
    detections: all.detections.filter(
      (r: { logsource: { product?: string } }) => r.logsource.product === "windows",
    ),
  };
  const pipelines = loadPipelines().value;
  const last = {};
  const detector: Detector = {
    engine: new DetectionEngine(windows, {}),
    borrow: (e) => borrowEvent({ kind: "auto" }, pipelines, e, last),
  };
  const parse = () => parseLines(corpus, 0, corpus.length);
  const detect = () => detectLines(corpus, 0, corpus.length, detector);
  for (let i = 0; i < 2; i++) {
    parse();
    detect();
  }
  const parseMs: number[] = [];
  const detectMs: number[] = [];
  let hits = 0;
  for (let p = 0; p < Number(values.passes); p++) {
    let t = performance.now();
    parse();
    parseMs.push(performance.now() - t);
    t = performance.now();
    hits = detect();
    detectMs.push(performance.now() - t);
  }
  const us = (ms: number) => (ms * 1000) / corpus.length;
  return {
    parseUs: us(median(parseMs)),
    detectUs: us(median(detectMs)),
    ratio: median(parseMs) / median(detectMs),
    hits,
  };
}

if (values.worker !== undefined) {
  process.stdout.write(`${JSON.stringify(await work(values.worker))}\n`);
} else {
  const self = dirname(dirname(new URL(import.meta.url).pathname));
  if (values.help || values.base === undefined) {
    process.stdout.write(
      "Usage: npm run bench:compare -- --base OTHER_DIST [--processes 5] [--passes 12]\n" +
        "Compares this build's detection with another build's, one process per run, alternated.\n",
    );
    process.exit(values.help ? 0 : 2);
  }
  const base = resolve(values.base);
  if (!existsSync(join(base, "src/detect/engine.js"))) {
    process.stderr.write(`bench/compare: ${base} is not a build's dist folder (no src/detect/engine.js)\n`);
    process.exit(2);
  }
  const builds = [
    { name: "base", dist: base },
    { name: "this", dist: self },
  ];
  const runs: Record<string, Figures[]> = { base: [], this: [] };
  for (let i = 0; i < Number(values.processes); i++) {
    for (const b of i % 2 === 0 ? builds : [...builds].reverse()) {
      const r = spawnSync(
        process.execPath,
        [new URL(import.meta.url).pathname, "--worker", b.dist, ...passOn()],
        {
          encoding: "utf8",
          maxBuffer: 1 << 20,
        },
      );
      if (r.status !== 0) {
        process.stderr.write(`bench/compare: the ${b.name} run failed:\n${r.stderr}`);
        process.exit(1);
      }
      const f = JSON.parse(r.stdout.trim().split("\n").pop()!) as Figures;
      runs[b.name]!.push(f);
      console.log(
        `${b.name.padEnd(4)} parse ${f.parseUs.toFixed(3)} µs, detect ${f.detectUs.toFixed(3)} µs, ratio ${f.ratio.toFixed(4)}, ${f.hits} hits a pass`,
      );
    }
  }
  const ratios = (name: string) => runs[name]!.map((f) => f.ratio);
  const spread = (xs: number[]) => Math.max(...xs) - Math.min(...xs);
  // the median too: one process the machine disturbed (a stall of a few seconds) moves the mean
  const line = (name: string) =>
    `  ${name} ${mean(ratios(name)).toFixed(4)} (median ${median(ratios(name)).toFixed(4)}, spread ${spread(ratios(name)).toFixed(4)})\n`;
  console.log(
    `\nratio detection / JSON.parse, mean of ${values.processes} processes each:\n` +
      line("base") +
      line("this") +
      "  a difference smaller than the spreads is not a measured one",
  );
  if (new Set([...runs.base!, ...runs.this!].map((f) => f.hits)).size !== 1)
    console.log("  the two builds found different numbers of rule hits: compare their answers first");
}

/** The options a worker needs from this invocation. */
function passOn(): string[] {
  return ["--passes", values.passes!, "--rules", values.rules!, "--corpus", values.corpus!];
}
