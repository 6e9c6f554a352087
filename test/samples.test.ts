// The bundled scenario: `corridor hunt samples --rules rules` finds exactly the hits designed into
// samples/expected-hits.json (which events, which correlation groups), through the real CLI path.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { test } from "node:test";
import { hunt } from "../src/detect/hunt.js";
import { loadPipelines } from "../src/detect/mappings/index.js";
import { loadRules } from "../src/detect/sigma/loader.js";
import { listEventFiles } from "../src/ingest/readers/index.js";

interface Expected {
  readonly title: string;
  readonly kind: "detection" | "correlation" | "filter";
  readonly hits: number;
  readonly standalone?: boolean;
  readonly events?: readonly string[];
  readonly groups?: readonly Record<string, unknown>[];
}

test("the sample intrusion gives exactly the golden hits", async () => {
  const expected = JSON.parse(readFileSync("samples/expected-hits.json", "utf8")) as Record<string, Expected>;
  const rules = loadRules(["rules"]);
  assert.equal(rules.report.failed, 0, JSON.stringify(rules.report.errors));
  const pipelines = loadPipelines();
  assert.ok(pipelines.ok);
  const files: string[] = [];
  for await (const f of listEventFiles(["samples"])) if (typeof f === "string") files.push(f);
  const events = new Map<string, string[]>();
  const groups = new Map<string, Record<string, unknown>[]>();
  for await (const item of hunt(files, { rules, pipelines: pipelines.value, mapping: { kind: "auto" } })) {
    assert.notEqual(item.kind, "problem", JSON.stringify(item));
    if (item.kind === "detection") {
      const list = events.get(item.rule.id) ?? [];
      list.push(`${relative("samples", item.origin.file)}:${item.origin.line}`);
      events.set(item.rule.id, list);
    } else if (item.kind === "correlation") {
      const list = groups.get(item.match.rule.id) ?? [];
      list.push({ ...item.match.group });
      groups.set(item.match.rule.id, list);
    }
  }
  for (const [id, e] of Object.entries(expected)) {
    if (e.kind === "detection") {
      const got = events.get(id) ?? [];
      if (e.standalone === false) assert.deepEqual(got, [], `${e.title} only feeds correlations`);
      else assert.deepEqual([...got].sort(), [...(e.events ?? [])].sort(), e.title);
    } else if (e.kind === "correlation") {
      assert.deepEqual(groups.get(id) ?? [], e.groups, e.title);
    }
  }
});
