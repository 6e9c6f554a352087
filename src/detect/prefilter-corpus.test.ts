// The prefilter on real data: every Windows rule of SigmaHQ over the OTRF corpus. The memo must not
// change a single hit (each event twice, so the second pass runs from the memo), and a sample
// checks the prefiltered engine against the reference interpreter, which has no prefilter.
import assert from "node:assert/strict";
import { test } from "node:test";
import { corpusLines } from "../../bench/corpus.js";
import type { JsonObject } from "../core/index.js";
import { DetectionEngine } from "./engine.js";
import { borrowEvent } from "./hunt.js";
import { loadPipelines, type Pipeline } from "./mappings/index.js";
import { loadRules } from "./sigma/loader.js";

const SHARED = new URL("../../../../shared/corpus/", import.meta.url).pathname;

test("SigmaHQ Windows rules over OTRF: same hits with and without the memo, and as the interpreter", () => {
  const all = loadRules([`${SHARED}sigma/rules`]);
  const windows = { ...all, detections: all.detections.filter((r) => r.logsource.product === "windows") };
  const loaded = loadPipelines();
  assert.ok(loaded.ok);
  const pipelines: readonly Pipeline[] = loaded.value;
  const lines = corpusLines(`${SHARED}events/otrf-security-datasets/windows`);
  const hitsOf = (engine: DetectionEngine, line: string): string => {
    const mapped = borrowEvent({ kind: "auto" }, pipelines, JSON.parse(line) as JsonObject, {});
    assert.ok(mapped);
    try {
      return engine
        .match(mapped)
        .map((r) => r.id)
        .join(",");
    } finally {
      mapped.release();
    }
  };
  const memo = new DetectionEngine(windows);
  const plain = new DetectionEngine(windows, { memo: false });
  let hits = 0;
  for (let pass = 0; pass < 2; pass++) {
    for (const line of lines) {
      const expected = hitsOf(plain, line);
      assert.equal(hitsOf(memo, line), expected, line.slice(0, 200));
      if (expected !== "") hits++;
    }
  }
  const { lookups, hits: found } = memo.memoStats;
  assert.ok(found > lookups / 2, `the second pass runs from the memo (${found} of ${lookups})`);
  assert.ok(hits > 900, `${hits} events with hits`);
  const reference = new DetectionEngine(windows, { evaluator: "interpreted" });
  for (let i = 0; i < lines.length; i += 37) {
    assert.equal(hitsOf(memo, lines[i]!), hitsOf(reference, lines[i]!), lines[i]!.slice(0, 200));
  }
});
