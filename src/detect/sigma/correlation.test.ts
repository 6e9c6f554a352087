// Correlation rules over time windows: the Correlator fed directly with base matches, and hunt()
// end to end over a temporary .jsonl file. Rules and correlations share one multi-document file.

import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { JsonObject } from "../../core/index.js";
import { type HuntItem, hunt } from "../hunt.js";
import { type CorrelationMatch, Correlator } from "./correlation.js";
import type { RuleCollection } from "./loader.js";
import { loadYaml } from "./test-support.js";

const BASE = `title: failed logon
id: r-failed
name: failed_login
logsource:
  product: test
detection:
  sel:
    EventID: 4625
  condition: sel
---
title: successful logon
id: r-ok
name: ok_login
logsource:
  product: test
detection:
  sel:
    EventID: 4624
  condition: sel
`;

/** The base rules plus correlation documents, loaded from one multi-document file. */
function load(...correlations: string[]): RuleCollection {
  const text = [BASE, ...correlations].join("---\n");
  const r = loadYaml({ "rules.yml": text });
  assert.deepEqual(r.report.errors, []);
  assert.equal(r.report.rules, 2 + correlations.length);
  assert.equal(r.report.loaded, 2 + correlations.length);
  return r;
}

const corr = (id: string, body: string, extra = "") =>
  `title: correlation ${id}\nid: ${id}\nname: ${id}\n${extra}correlation:\n${body
    .trim()
    .split("\n")
    .map((l) => `  ${l}`)
    .join("\n")}\n`;

const T0 = Date.parse("2024-05-01T10:00:00Z");
const s = (n: number) => T0 + n * 1000;

/** Feeds [ruleId, seconds, fields] in order; returns every hit, then the flush's hits. */
function run(rules: RuleCollection, feed: readonly [string, number, JsonObject][]) {
  const c = new Correlator(rules.correlations, new Map(rules.detections.map((d) => [d.id, d.name] as const)));
  const pushed: CorrelationMatch[] = [];
  for (const [ruleId, sec, fields] of feed) pushed.push(...c.push({ ruleId, time: s(sec), fields }));
  return { pushed, flushed: c.flush() };
}
const brief = (ms: readonly CorrelationMatch[]) =>
  ms.map((m) => ({
    id: m.rule.id,
    group: m.group,
    count: m.count,
    first: (m.first - T0) / 1000,
    last: (m.last - T0) / 1000,
  }));

describe("event_count", () => {
  const rules = () =>
    load(
      corr(
        "c-burst",
        "type: event_count\nrules: failed_login\ngroup-by: User\ntimespan: 1m\ncondition:\n  gte: 3",
      ),
    );
  const alice = { User: "alice" };
  test("fires once per burst, then starts afresh", () => {
    const { pushed, flushed } = run(rules(), [
      ["r-failed", 0, alice],
      ["r-failed", 10, alice],
      ["r-failed", 20, alice],
      ["r-failed", 30, alice],
      ["r-failed", 40, alice],
      ["r-failed", 50, alice],
      ["r-failed", 55, alice],
    ]);
    assert.deepEqual(brief(pushed), [
      { id: "c-burst", group: { User: "alice" }, count: 3, first: 0, last: 20 },
      { id: "c-burst", group: { User: "alice" }, count: 3, first: 30, last: 50 },
    ]);
    assert.deepEqual(flushed, []);
  });
  test("matches outside the timespan do not count (the edge is inclusive)", () => {
    assert.deepEqual(
      run(rules(), [
        ["r-failed", 0, alice],
        ["r-failed", 61, alice],
        ["r-failed", 122, alice],
        ["r-failed", 183, alice],
      ]).pushed,
      [],
    );
    assert.deepEqual(
      brief(
        run(rules(), [
          ["r-failed", 0, alice],
          ["r-failed", 30, alice],
          ["r-failed", 60, alice],
        ]).pushed,
      ).map((m) => m.count),
      [3],
    );
    // a stale first match drops out and the later ones count on their own
    assert.deepEqual(
      brief(
        run(rules(), [
          ["r-failed", 0, alice],
          ["r-failed", 70, alice],
          ["r-failed", 80, alice],
          ["r-failed", 90, alice],
        ]).pushed,
      ).map((m) => [m.first, m.last]),
      [[70, 90]],
    );
  });
  test("groups are counted separately; other rules do not count", () => {
    const { pushed } = run(rules(), [
      ["r-failed", 0, alice],
      ["r-failed", 1, { User: "bob" }],
      ["r-failed", 2, alice],
      ["r-ok", 3, alice],
      ["r-failed", 4, { User: "bob" }],
      ["r-failed", 5, { User: "bob" }],
    ]);
    assert.deepEqual(
      brief(pushed).map((m) => [m.group, m.count]),
      [[{ User: "bob" }, 3]],
    );
  });
  test("a missing group-by field is its own (null) group", () => {
    const { pushed } = run(rules(), [
      ["r-failed", 0, {}],
      ["r-failed", 1, {}],
      ["r-failed", 2, { User: null }],
    ]);
    assert.deepEqual(
      brief(pushed).map((m) => m.group),
      [{ User: null }],
    );
  });
  test("an lt condition is judged when the window closes", () => {
    const r = load(
      corr(
        "c-quiet",
        "type: event_count\nrules: ok_login\ngroup-by: Host\ntimespan: 1m\ncondition:\n  lt: 3",
      ),
    );
    const { pushed, flushed } = run(r, [
      ["r-ok", 0, { Host: "a" }],
      ["r-ok", 10, { Host: "a" }],
      ["r-ok", 0, { Host: "b" }],
      ["r-ok", 10, { Host: "b" }],
      ["r-ok", 20, { Host: "b" }],
      ["r-ok", 100, { Host: "b" }], // closes b's first window (3 matches: not < 3), opens another
    ]);
    assert.deepEqual(pushed, []);
    assert.deepEqual(
      brief(flushed).map((m) => [m.group, m.count]),
      [
        [{ Host: "a" }, 2],
        [{ Host: "b" }, 1],
      ],
    );
  });
  test("advance closes windows that ended before now", () => {
    const r = load(corr("c-quiet", "type: event_count\nrules: ok_login\ntimespan: 1m\ncondition:\n  lte: 1"));
    const c = new Correlator(r.correlations);
    assert.deepEqual(c.push({ ruleId: "r-ok", time: s(0), fields: {} }), []);
    assert.deepEqual(c.advance(s(30)), []);
    assert.deepEqual(
      c.advance(s(61)).map((m) => m.count),
      [1],
    );
    assert.deepEqual(c.flush(), []);
  });
});

describe("value_count", () => {
  test("counts distinct values of the field", () => {
    const r = load(
      corr(
        "c-spray",
        "type: value_count\nrules: failed_login\ngroup-by: SourceIp\ntimespan: 5m\ncondition:\n  field: User\n  gte: 3",
      ),
    );
    const ip = (user: string) => ({ SourceIp: "10.0.0.1", User: user });
    const { pushed } = run(r, [
      ["r-failed", 0, ip("a")],
      ["r-failed", 1, ip("a")],
      ["r-failed", 2, ip("b")],
      ["r-failed", 3, ip("B")], // distinct values are compared exactly
      ["r-failed", 4, { SourceIp: "10.0.0.2", User: "c" }],
      ["r-failed", 5, { SourceIp: "10.0.0.1" }], // no value: not counted
    ]);
    assert.deepEqual(
      brief(pushed).map((m) => [m.group, m.count, m.last]),
      [[{ SourceIp: "10.0.0.1" }, 3, 3]],
    );
  });
});

describe("temporal", () => {
  const rules = () =>
    load(
      corr("c-both", "type: temporal\nrules:\n  - failed_login\n  - ok_login\ngroup-by: User\ntimespan: 1m"),
    );
  test("all rules within the timespan, in any order", () => {
    assert.deepEqual(
      brief(
        run(rules(), [
          ["r-ok", 0, { User: "a" }],
          ["r-failed", 30, { User: "a" }],
        ]).pushed,
      ).map((m) => [m.group, m.count]),
      [[{ User: "a" }, 2]],
    );
  });
  test("not when one is missing, too far apart, or in another group", () => {
    const { pushed, flushed } = run(rules(), [
      ["r-failed", 0, { User: "a" }],
      ["r-failed", 10, { User: "a" }],
      ["r-ok", 80, { User: "a" }],
      ["r-ok", 85, { User: "b" }],
    ]);
    assert.deepEqual([...pushed, ...flushed], []);
  });
});

describe("temporal_ordered", () => {
  const rules = () =>
    load(
      corr(
        "c-seq",
        "type: temporal_ordered\nrules:\n  - failed_login\n  - ok_login\ngroup-by: User\ntimespan: 1m",
      ),
    );
  test("fires when the rules match in order", () => {
    const { pushed } = run(rules(), [
      ["r-failed", 0, { User: "a" }],
      ["r-failed", 5, { User: "a" }],
      ["r-ok", 30, { User: "a" }],
    ]);
    assert.deepEqual(
      brief(pushed).map((m) => [m.group, m.count]),
      [[{ User: "a" }, 2]],
    );
  });
  test("out of order does not fire", () => {
    const { pushed, flushed } = run(rules(), [
      ["r-ok", 0, { User: "a" }],
      ["r-failed", 10, { User: "a" }],
    ]);
    assert.deepEqual([...pushed, ...flushed], []);
  });
  test("in order but beyond the timespan does not fire", () => {
    const { pushed, flushed } = run(rules(), [
      ["r-failed", 0, { User: "a" }],
      ["r-ok", 61, { User: "a" }],
    ]);
    assert.deepEqual([...pushed, ...flushed], []);
  });
  test("an out-of-order pair followed by the right order fires", () => {
    const { pushed } = run(rules(), [
      ["r-ok", 0, { User: "a" }],
      ["r-failed", 10, { User: "a" }],
      ["r-ok", 20, { User: "a" }],
    ]);
    assert.equal(pushed.length, 1);
  });
});

describe("value_sum / value_avg / value_percentile", () => {
  test("value_sum fires as soon as the sum reaches the bound", () => {
    const r = load(
      corr(
        "c-sum",
        "type: value_sum\nrules: ok_login\ngroup-by: User\ntimespan: 1h\ncondition:\n  field: Bytes\n  gte: 1000",
      ),
    );
    const { pushed } = run(r, [
      ["r-ok", 0, { User: "a", Bytes: 400 }],
      ["r-ok", 1, { User: "a", Bytes: "400" }],
      ["r-ok", 2, { User: "b", Bytes: 999 }],
      ["r-ok", 3, { User: "a", Bytes: "n/a" }],
      ["r-ok", 4, { User: "a", Bytes: 300 }],
    ]);
    assert.deepEqual(
      brief(pushed).map((m) => [m.group, m.count]),
      [[{ User: "a" }, 1100]],
    );
  });
  test("value_avg is judged at window close (a later match) or at flush", () => {
    const r = load(
      corr(
        "c-avg",
        "type: value_avg\nrules: ok_login\ngroup-by: User\ntimespan: 1m\ncondition:\n  field: Bytes\n  gt: 100",
      ),
    );
    const { pushed, flushed } = run(r, [
      ["r-ok", 0, { User: "a", Bytes: 50 }],
      ["r-ok", 10, { User: "a", Bytes: 200 }],
      ["r-ok", 20, { User: "a", Bytes: 200 }], // a: avg 150 but the window is still open
      ["r-ok", 0, { User: "b", Bytes: 100 }], // b: avg 100, not > 100
      ["r-ok", 90, { User: "a", Bytes: 1000 }], // closes a's window: fires; opens a new one
    ]);
    assert.deepEqual(
      brief(pushed).map((m) => [m.group, m.count, m.first, m.last]),
      [[{ User: "a" }, 150, 0, 20]],
    );
    assert.deepEqual(
      brief(flushed).map((m) => [m.group, m.count]),
      [[{ User: "a" }, 1000]],
    );
  });
  test("value_percentile: the newest value is rare in its window", () => {
    const r = load(
      corr(
        "c-rare",
        "type: value_percentile\nrules: ok_login\ngroup-by: Host\ntimespan: 1h\ncondition:\n  field: Image\n  lte: 10",
      ),
    );
    const feed: [string, number, JsonObject][] = [];
    for (let i = 0; i < 9; i++) {
      feed.push(["r-ok", i, { Host: "h1", Image: "svchost.exe" }]);
      feed.push(["r-ok", i, { Host: "h2", Image: "svchost.exe" }]);
    }
    feed.push(["r-ok", 10, { Host: "h1", Image: "evil.exe" }]);
    feed.push(["r-ok", 10, { Host: "h2", Image: "svchost.exe" }]);
    const { pushed, flushed } = run(r, feed);
    assert.deepEqual(pushed, []);
    assert.deepEqual(
      brief(flushed).map((m) => [m.group, m.count]),
      [[{ Host: "h1" }, 10]],
    );
  });
});

describe("aliases and chains", () => {
  test("group-by through aliases: one group across differently named fields", () => {
    const r = load(
      corr(
        "c-alias",
        "type: temporal\nrules:\n  - failed_login\n  - r-ok\ngroup-by:\n  - ip\ntimespan: 1m\naliases:\n  ip:\n    failed_login: SourceIp\n    r-ok: ClientIp",
      ),
    );
    const { pushed } = run(r, [
      ["r-failed", 0, { SourceIp: "1.2.3.4", ClientIp: "9.9.9.9" }],
      ["r-ok", 5, { ClientIp: "5.5.5.5" }],
      ["r-ok", 10, { ClientIp: "1.2.3.4" }],
    ]);
    assert.deepEqual(
      brief(pushed).map((m) => m.group),
      [{ ip: "1.2.3.4" }],
    );
  });
  test("a correlation over a correlation", () => {
    const r = load(
      corr(
        "c-burst",
        "type: event_count\nrules: failed_login\ngroup-by: User\ntimespan: 1m\ncondition:\n  gte: 2",
      ),
      corr(
        "c-repeat",
        "type: event_count\nrules: c-burst\ngroup-by: User\ntimespan: 10m\ncondition:\n  gte: 2",
      ),
    );
    const u = { User: "a" };
    const { pushed } = run(r, [
      ["r-failed", 0, u],
      ["r-failed", 1, u],
      ["r-failed", 200, u],
      ["r-failed", 201, u],
    ]);
    assert.deepEqual(
      brief(pushed).map((m) => [m.id, m.count, m.last]),
      [
        ["c-burst", 2, 1],
        ["c-burst", 2, 201],
        ["c-repeat", 2, 201],
      ],
    );
  });
});

describe("hunt() end to end", () => {
  const EVENTS = [
    { "@timestamp": "2024-05-01T10:00:00Z", EventID: 4625, User: "alice" },
    { "@timestamp": "2024-05-01T10:00:20Z", EventID: 4625, User: "alice" },
    { "@timestamp": "2024-05-01T10:00:10Z", EventID: 4625, User: "alice" }, // files need not be in order
    { "@timestamp": "2024-05-01T10:00:30Z", EventID: 4624, User: "alice" },
    { "@timestamp": "2024-05-01T10:05:00Z", EventID: 4625, User: "bob" },
  ];
  async function collect(generate: boolean): Promise<HuntItem[]> {
    const dir = mkdtempSync(join(tmpdir(), "corridor-hunt-"));
    try {
      const file = join(dir, "events.jsonl");
      writeFileSync(file, `${EVENTS.map((e) => JSON.stringify(e)).join("\n")}\n`);
      const rules = load(
        // the spec puts `generate` beside `correlation`, at the top of the document
        corr(
          "c-then-ok",
          "type: event_count\nrules: failed_login\ngroup-by: User\ntimespan: 1m\ncondition:\n  gte: 3",
          `generate: ${generate}\n`,
        ),
      );
      const items: HuntItem[] = [];
      for await (const item of hunt([file], { rules, pipelines: [], mapping: { kind: "none" } }))
        items.push(item);
      return items;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const summary = (items: HuntItem[]) =>
    items.map((i) =>
      i.kind === "detection"
        ? `${i.rule.id}@${(i.time! - T0) / 1000}`
        : i.kind === "correlation"
          ? `${i.match.rule.id}:${i.match.count}`
          : i.code,
    );
  test("generate: false hides the base rule's own hits", async () => {
    assert.deepEqual(summary(await collect(false)), ["r-ok@30", "c-then-ok:3"]);
  });
  test("generate: true reports them too", async () => {
    assert.deepEqual(summary(await collect(true)), [
      "r-failed@0",
      "r-failed@20",
      "r-failed@10",
      "r-ok@30",
      "r-failed@300",
      "c-then-ok:3",
    ]);
  });
});

describe("snapshot / restore (a node restart mid-window)", () => {
  const rules = () =>
    load(
      corr(
        "c-burst",
        "type: event_count\nrules: failed_login\ngroup-by: User\ntimespan: 1m\ncondition:\n  gte: 3",
      ),
      corr("c-few", "type: event_count\nrules: ok_login\ngroup-by: User\ntimespan: 1m\ncondition:\n  lt: 3"),
      corr(
        "c-chain",
        "type: temporal_ordered\nrules:\n  - failed_login\n  - ok_login\ngroup-by: User\ntimespan: 2m",
      ),
      corr(
        "c-distinct",
        "type: value_count\nrules: failed_login\ngroup-by: User\ntimespan: 1m\ncondition:\n  field: Host\n  gte: 2",
      ),
    );
  const feed: [string, number, JsonObject][] = [
    ["r-failed", 0, { User: "alice", Host: "a" }],
    ["r-ok", 5, { User: "bob" }],
    ["r-failed", 10, { User: "alice", Host: "b" }],
    ["r-ok", 15, { User: "alice" }],
    ["r-failed", 20, { User: "alice" }],
    ["r-ok", 70, { User: "bob" }],
    ["r-failed", 80, { User: "carol", Host: null }],
    ["r-ok", 90, { User: "carol" }],
  ];
  test("a restart at any point, through JSON, fires exactly what an uninterrupted run fires", () => {
    const rs = rules();
    const names = new Map(rs.detections.map((d) => [d.id, d.name] as const));
    const whole = run(rs, feed);
    const expected = brief([...whole.pushed, ...whole.flushed]);
    assert.ok(expected.length >= 3, "the feed exercises several correlations");
    for (let cut = 0; cut <= feed.length; cut++) {
      const first = new Correlator(rs.correlations, names);
      const hits: CorrelationMatch[] = [];
      for (const [ruleId, sec, fields] of feed.slice(0, cut))
        hits.push(...first.push({ ruleId, time: s(sec), fields }));
      const saved = JSON.parse(JSON.stringify(first.snapshot()));
      const second = new Correlator(rs.correlations, names);
      second.restore(saved);
      for (const [ruleId, sec, fields] of feed.slice(cut))
        hits.push(...second.push({ ruleId, time: s(sec), fields }));
      hits.push(...second.flush());
      assert.deepEqual(brief(hits), expected, `restart after ${cut} matches`);
    }
  });
  test("windows of a correlation that no longer exists are dropped", () => {
    const rs = rules();
    const c = new Correlator(rs.correlations);
    c.push({ ruleId: "r-failed", time: s(0), fields: { User: "x", Host: "h" } });
    const snap = c.snapshot();
    const fewer = new Correlator(rs.correlations.filter((r) => r.id !== "c-burst"));
    fewer.restore(snap);
    assert.equal(fewer.snapshot().rules["c-burst"], undefined);
    assert.ok(fewer.snapshot().rules["c-distinct"]);
  });
});

test("restore replaces every window: one not in the snapshot is gone (workers sharing saved state)", () => {
  const rs = load(
    corr(
      "c-burst",
      "type: event_count\nrules: failed_login\ngroup-by: User\ntimespan: 1m\ncondition:\n  gte: 2",
    ),
  );
  const c = new Correlator(rs.correlations);
  const empty = c.snapshot();
  c.push({ ruleId: "r-failed", time: s(0), fields: { User: "x" } });
  c.restore(empty);
  assert.deepEqual(c.snapshot().rules, {});
  assert.deepEqual(
    c.push({ ruleId: "r-failed", time: s(1), fields: { User: "x" } }),
    [],
    "the stale match is forgotten",
  );
});
