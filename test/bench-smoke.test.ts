// Smoke runs of the detection benchmarks, so that they keep working: bench/detect over a short
// replay, and bench/compare of this build against itself. Their figures are not checked (timing
// belongs to the benchmarks); what they print, and the rule hits, are.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { test } from "node:test";

const CORPUS = "../shared/corpus/events/otrf-security-datasets/windows";
const RULES = "../shared/corpus/sigma/rules";
const skip = !existsSync(CORPUS) || !existsSync(RULES) ? `${CORPUS} or ${RULES} missing` : false;

const run = (script: string, args: readonly string[]) => {
  const r = spawnSync(process.execPath, [script, ...args], { encoding: "utf8", maxBuffer: 1 << 22 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
};

test("bench/detect replays the OTRF events and prints its figures", { skip }, () => {
  const out = run("dist/bench/detect.js", ["--events", "20000", "--rounds", "1"]);
  assert.match(out, /rules: 2\d{3} Windows rules of \d+ loaded/);
  assert.match(out, /ratio detection \/ JSON\.parse: +\d\.\d{3} \(goal >= 0\.5\)/);
  assert.match(out, /peak memory \(max RSS\): +\d+ MiB/);
  const hits = /rule hits per replay: +(\d+)\n/.exec(out);
  assert.ok(hits && Number(hits[1]) > 0, out);
});

test("bench/compare runs each build in its own process and finds the same hits", { skip }, () => {
  const out = run("dist/bench/compare.js", ["--base", "dist", "--processes", "1", "--passes", "1"]);
  const runs = [
    ...out.matchAll(/^(base|this) parse [\d.]+ µs, detect [\d.]+ µs, ratio [\d.]+, (\d+) hits a pass$/gm),
  ];
  assert.deepEqual(
    runs.map((m) => m[1]),
    ["base", "this"],
    out,
  );
  assert.ok(Number(runs[0]![2]) > 0 && runs[0]![2] === runs[1]![2], out);
  assert.doesNotMatch(out, /different numbers of rule hits/);
});
