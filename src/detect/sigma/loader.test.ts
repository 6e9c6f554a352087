// Loader diagnostics: one file holding several broken rules reports every problem with its line and
// code, keeps the good rules, and counts documents, loaded and failed rules right.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { loadRules } from "./loader.js";
import { loadYaml, matchIds } from "./test-support.js";

/** The 1-based line of the only line containing `marker`. */
function lineOf(text: string, marker: string): number {
  const lines = text.split("\n");
  const found = lines.flatMap((l, i) => (l.includes(marker) ? [i + 1] : []));
  assert.equal(found.length, 1, `marker ${marker} should be on exactly one line`);
  return found[0]!;
}

const FILE = `title: good one
id: good-1
logsource:
  product: test
detection:
  sel:
    F: one
  condition: sel
---
title: unknown modifier
id: bad-modifier
logsource:
  product: test
detection:
  sel:
    F|contians: x # MOD
  condition: sel
---
title: bad condition
id: bad-condition
logsource:
  product: test
detection:
  sel:
    F: x
  condition: sel and # COND
---
title: bad yaml
id: bad-yaml
detection:
  sel: {F: [1, 2} # YAML
  condition: sel
---
title: duplicate id # DUP
id: good-1
logsource:
  product: test
detection:
  sel:
    F: dup
  condition: sel
---
title: missing detection # MISSING
id: no-detection
logsource:
  product: test
detection: nothing
---
title: correlation of nothing # CORR
id: bad-correlation
correlation:
  type: event_count
  rules: no-such-rule
  timespan: 5m
  condition:
    gte: 2
---
title: good two
id: good-2
logsource:
  product: test
detection:
  sel:
    F: two
  condition: sel
---
`;

describe("loader diagnostics", () => {
  test("every problem of a file with several broken rules, with lines and codes", () => {
    const r = loadYaml({ "mixed.yml": FILE });
    assert.deepEqual(
      r.report.errors.map((e) => [e.path, e.line, e.code]),
      [
        ["mixed.yml", lineOf(FILE, "# MOD"), "unknown-modifier"],
        ["mixed.yml", lineOf(FILE, "# COND"), "condition-syntax"],
        // the YAML library reports the unclosed flow sequence where it starts and the flow map
        // where it gives up on it (the next line)
        ["mixed.yml", lineOf(FILE, "# YAML"), "yaml-syntax"],
        ["mixed.yml", lineOf(FILE, "# YAML") + 1, "yaml-syntax"],
        ["mixed.yml", lineOf(FILE, "# MISSING") + 4, "missing-detection"],
        ["mixed.yml", lineOf(FILE, "# DUP"), "duplicate-id"],
        ["mixed.yml", lineOf(FILE, "# CORR"), "unknown-rule-reference"],
      ],
    );
    assert.deepEqual(
      r.detections.map((d) => d.id),
      ["good-1", "good-2"],
    );
    assert.deepEqual(r.detections[0]!.source, { path: "mixed.yml", line: 1 });
    assert.deepEqual(r.detections[1]!.source, { path: "mixed.yml", line: lineOf(FILE, "title: good two") });
    assert.equal(r.report.rules, 8);
    assert.equal(r.report.loaded, 2);
    assert.equal(r.report.failed, 6);
    // the good rules still work
    assert.deepEqual(matchIds(r, { F: "two" }), ["good-2"]);
    assert.deepEqual(matchIds(r, { F: "dup" }), []);
  });

  test("every problem of one rule is reported, not just the first", () => {
    const text = `title: many problems
id: many
level: severe # LEVEL
logsource:
  product: test
detection:
  a:
    F|nope: x # A
  b:
    G|re: '(x)\\1' # B
  c:
    H|cidr: 300.0.0.0/8 # C
  condition: a and b and c and d # D
`;
    const r = loadYaml({ "many.yml": text });
    assert.deepEqual(
      r.report.errors.map((e) => [e.line, e.code]),
      [
        [lineOf(text, "# LEVEL"), "invalid-field"],
        [lineOf(text, "# A"), "unknown-modifier"],
        [lineOf(text, "# B"), "regex-not-linear"],
        [lineOf(text, "# C"), "invalid-cidr"],
        [lineOf(text, "# D"), "unknown-identifier"],
      ],
    );
    assert.equal(r.report.failed, 1);
  });

  test("files across a folder: counts, a missing id warns, v1 global action merges", () => {
    const r = loadYaml({
      "a.yml": "title: no id\nlogsource:\n  product: test\ndetection:\n  sel:\n    F: 1\n  condition: sel\n",
      "b.yml": `action: global
title: collection
logsource:
  product: test
detection:
  condition: sel
---
id: coll-1
detection:
  sel:
    F: 2
---
id: coll-2
detection:
  sel:
    F: 3
`,
      "c.txt": "not a rule file",
      "empty.yml": "",
    });
    assert.deepEqual(r.report.errors, []);
    assert.deepEqual(
      r.report.warnings.map((w) => [w.path, w.code]),
      [["a.yml", "missing-id"]],
    );
    assert.equal(r.report.rules, 3);
    assert.equal(r.report.loaded, 3);
    assert.deepEqual(matchIds(r, { F: 3 }), ["coll-2"]);
  });

  test("a missing path is reported; an empty folder loads nothing", () => {
    const r = loadRules(["/nonexistent/corridor-rules"]);
    assert.deepEqual(
      r.report.errors.map((e) => e.code),
      ["not-found"],
    );
    assert.deepEqual(loadYaml({}).report, { rules: 0, loaded: 0, failed: 0, errors: [], warnings: [] });
  });

  test("a correlation over a correlation that failed is dropped too", () => {
    const text = `title: base
id: base
logsource:
  product: test
detection:
  sel:
    F: 1
  condition: sel
---
title: broken
id: broken-corr
correlation:
  type: event_count
  rules: nowhere
  timespan: 1m
  condition:
    gte: 1
---
title: chained
id: chained-corr
correlation:
  type: event_count
  rules: broken-corr
  timespan: 1m
  condition:
    gte: 1
`;
    const r = loadYaml({ "chain.yml": text });
    assert.deepEqual(
      r.report.errors.map((e) => [e.line, e.code]),
      [
        [lineOf(text, "title: broken"), "unknown-rule-reference"],
        [lineOf(text, "title: chained"), "unknown-rule-reference"],
      ],
    );
    assert.equal(r.report.loaded, 1);
    assert.equal(r.report.failed, 2);
  });

  test("correlation schema problems", () => {
    const r = loadYaml({
      "c.yml": `title: base
id: base
logsource:
  product: test
detection:
  sel:
    F: 1
  condition: sel
---
title: no condition
id: c1
correlation:
  type: event_count
  rules: base
  timespan: 1m
---
title: no field
id: c2
correlation:
  type: value_count
  rules: base
  timespan: 1m
  condition:
    gte: 2
---
title: bad timespan
id: c3
correlation:
  type: temporal
  rules: base
  timespan: 5 minutes
`,
    });
    assert.deepEqual(
      r.report.errors.map((e) => [e.line, e.code]),
      [
        // each at the node the problem is about: the correlation map, its condition, its timespan
        [13, "missing-condition"],
        [24, "missing-field"],
        [31, "invalid-field"],
      ],
    );
  });
});
