// SigmaHQ's regression data: every rule named by an info.yml matches its test log with exactly
// `match_count` hits (at least one where none is given, as upstream's runner checks), read both from
// the evtx_dump JSON twin and from the binary .evtx.

import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import { hunt } from "../src/detect/hunt.js";
import { loadPipelines } from "../src/detect/mappings/index.js";
import { loadRules, type RuleCollection } from "../src/detect/sigma/loader.js";

const SIGMA = "../shared/corpus/sigma";
const available = existsSync(join(SIGMA, "regression_data"));

interface Case {
  readonly info: string;
  readonly ruleId: string;
  readonly path: string;
  readonly matchCount: number | undefined;
}

/**
 * Four info.yml files say `match_count: 1` while their logs hold more events that the rule matches
 * by the Sigma spec (upstream's runner only checks "at least one", so nobody noticed). Each was
 * checked by hand; the counts pinned here are the genuine ones, and the reasons say why.
 */
const METADATA_UNDERCOUNTS: Record<string, { hits: number; why: string }> = {
  "0b9ad457-2554-44c1-82c2-d56a99c42377": {
    hits: 3,
    why: "3 of 5 TargetFilename values contain \\AnyDesk\\user.conf",
  },
  "8fbf3271-1ef6-4e94-8210-03c2317947f6": {
    hits: 3,
    why: "procdump.exe, procdump64.exe and procdump64a.exe are each dropped",
  },
  "45e112d0-7759-4c2a-aa36-9f8fb79d3393": {
    hits: 3,
    why: "3 ZoneMap\\Domains values set to DWORD 2, none filtered",
  },
  "c7dcacd0-cc59-4004-b0a4-1d6cdebe6f3e": {
    hits: 2,
    why: "both AutoShareServer and AutoShareWks are set to 0",
  },
};

function cases(): Case[] {
  const out: Case[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name === "info.yml") {
        const info = parse(readFileSync(p, "utf8")) as {
          rule_metadata: { id: string }[];
          regression_tests_info?: { path: string; match_count?: number }[];
        };
        for (const t of info.regression_tests_info ?? []) {
          out.push({
            info: p,
            ruleId: info.rule_metadata[0]!.id,
            path: join(SIGMA, t.path),
            matchCount: t.match_count,
          });
        }
      }
    }
  };
  walk(join(SIGMA, "regression_data"));
  return out;
}

async function countHits(
  file: string,
  rules: RuleCollection,
  pipelines: Awaited<ReturnType<typeof loadPipelines>>,
): Promise<number> {
  if (!pipelines.ok) throw new Error("mappings failed to load");
  let hits = 0;
  for await (const item of hunt([file], { rules, pipelines: pipelines.value, mapping: { kind: "auto" } })) {
    if (item.kind === "problem")
      assert.fail(`${item.origin.file}:${item.origin.line}: ${item.code}: ${item.message}`);
    if (item.kind === "detection") hits++;
  }
  return hits;
}

test("SigmaHQ regression data: exact match counts from JSON twins and .evtx files", {
  skip: !available && "../shared/corpus/sigma not present",
}, async () => {
  const all = loadRules([join(SIGMA, "rules")]);
  const byId = new Map(all.detections.map((r) => [r.id, r]));
  const pipelines = loadPipelines();
  const list = cases();
  assert.equal(list.length, 202, "the corpus has 202 evtx regression tests");
  const failures: string[] = [];
  for (const c of list) {
    const rule = byId.get(c.ruleId);
    if (!rule) {
      failures.push(`${c.info}: rule ${c.ruleId} did not load`);
      continue;
    }
    const single: RuleCollection = { detections: [rule], correlations: [], filters: [], report: all.report };
    for (const file of [c.path.replace(/\.evtx$/, ".json"), c.path]) {
      const hits = await countHits(file, single, pipelines);
      const expected = METADATA_UNDERCOUNTS[c.ruleId]?.hits ?? c.matchCount;
      const ok = expected === undefined ? hits >= 1 : hits === expected;
      if (!ok) failures.push(`${file}: ${rule.title}: ${hits} hits, expected ${expected ?? "at least 1"}`);
    }
  }
  assert.deepEqual(failures, []);
  for (const id of Object.keys(METADATA_UNDERCOUNTS)) {
    assert.equal(list.find((c) => c.ruleId === id)?.matchCount, 1, `${id} still has match_count 1 upstream`);
  }
});
