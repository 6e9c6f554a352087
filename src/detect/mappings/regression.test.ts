// Every Sigma regression test (its .json twin of the .evtx) must give the rule it belongs to a
// compatible logsource under the `evtx` pipeline, for at least match_count events.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import type { LogSource } from "../../core/index.js";
import { readEventFile } from "../../ingest/readers/index.js";
import { applyPipeline, detectPipeline, loadPipelines, pipelineByName } from "./index.js";

const SIGMA = new URL("../../../../../shared/corpus/sigma/", import.meta.url).pathname;

const walk = (dir: string, pick: (name: string) => boolean, out: string[] = []): string[] => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, pick, out);
    else if (pick(e.name)) out.push(p);
  }
  return out;
};

interface RuleLogsource {
  product?: string;
  service?: string;
  category?: string;
}

/** Rule files by id, found with a line scan so only the rules under test are parsed. */
const rulesById = (): Map<string, string> => {
  const byId = new Map<string, string>();
  for (const f of walk(join(SIGMA, "rules"), (n) => n.endsWith(".yml"))) {
    const m = /^id: *['"]?([0-9a-f-]{36})/m.exec(readFileSync(f, "utf8"));
    if (m?.[1]) byId.set(m[1], f);
  }
  return byId;
};

const compatible = (rule: RuleLogsource, ls: LogSource): boolean =>
  (rule.product === undefined || rule.product === ls.product) &&
  (rule.service === undefined || rule.service === ls.service) &&
  (rule.category === undefined || ls.categories.includes(rule.category));

test("evtx pipeline routes every regression event set to its rule's logsource", async () => {
  const loaded = loadPipelines();
  assert.ok(loaded.ok);
  const evtx = pipelineByName(loaded.value, "evtx");
  assert.ok(evtx);
  const byId = rulesById();
  let checked = 0;
  const failures: string[] = [];
  for (const info of walk(join(SIGMA, "regression_data"), (n) => n === "info.yml")) {
    const meta = parse(readFileSync(info, "utf8")) as {
      rule_metadata: { id: string }[];
      regression_tests_info?: { path: string; match_count?: number }[];
    };
    const ruleFile = byId.get(meta.rule_metadata[0]?.id ?? "");
    assert.ok(ruleFile, `rule of ${info}`);
    const rule = (parse(readFileSync(ruleFile, "utf8")) as { logsource: RuleLogsource }).logsource;
    for (const t of meta.regression_tests_info ?? []) {
      const json = join(SIGMA, t.path.replace(/\.evtx$/, ".json"));
      let routed = 0;
      for await (const item of readEventFile(json)) {
        assert.equal(item.kind, "event", json);
        if (item.kind !== "event") continue;
        assert.equal(detectPipeline(loaded.value, item.event), evtx, json);
        const mapped = applyPipeline(evtx, item.event);
        if (compatible(rule, mapped.logsource)) routed++;
        assert.ok(mapped.time !== undefined && mapped.time > 1e12, json);
      }
      if (routed < (t.match_count ?? 1)) {
        failures.push(`${json}: ${routed} routed, rule logsource ${JSON.stringify(rule)}`);
      }
      checked++;
    }
  }
  assert.deepEqual(failures, []);
  assert.equal(checked, 202);
});
