// Vetoes: which predicates may rule a rule out (golden cases), and the prefiltered engine with
// vetoes against the reference interpreter, on generated events where the filters often hold,
// with pipeline aliases that shadow an event's own key and values the walk finds inherited.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import type { JsonObject, LogSource, MappedEvent } from "../core/index.js";
import { DetectionEngine } from "./engine.js";
import type { DetectionRule, FieldPredicate } from "./sigma/ast.js";
import { assertEngineAgrees, loadDetection, loadYaml } from "./sigma/test-support.js";
import { vetoPredicates, vetoTest } from "./vetoes.js";

/** The fields of a rule's vetoes, in order, for golden comparisons. */
function vetoesOf(detection: string): string[] {
  const rule = loadDetection(detection).detections[0]!;
  return vetoPredicates(rule.condition, rule.identifiers).map((p) =>
    p.kind === "values" ? `${p.field}` : "?",
  );
}

describe("veto predicates", () => {
  test("the filters of `selection and not 1 of filter_*`, single-predicate groups only", () => {
    assert.deepEqual(
      vetoesOf(`
sel:
  Image|endswith: '\\x.exe'
filter_main_path:
  ImageLoaded|startswith: 'C:\\Windows\\System32\\'
filter_main_sig:
  Signature|startswith: 'Microsoft'
filter_optional_two:
  A: 1
  B: 2
condition: sel and not 1 of filter_*
`),
      ["ImageLoaded", "Signature"],
    );
  });
  test("a list of maps under a filter: each single-predicate map is one", () => {
    assert.deepEqual(
      vetoesOf(`
sel:
  Image|endswith: '\\x.exe'
filter:
  - User: SYSTEM
  - Parent: a
    Child: b
condition: sel and not filter
`),
      ["User"],
    );
  });
  test("an OR, a plain selection, `all of` two, `not (a and b)` and keywords give none", () => {
    for (const detection of [
      "a:\n  X: 1\nb:\n  Y: 2\ncondition: a or not b",
      "a:\n  X: 1\ncondition: a",
      "a:\n  X: 1\nf1:\n  Y: 1\nf2:\n  Z: 1\ncondition: a and not all of f*",
      "a:\n  X: 1\nf1:\n  Y: 1\nf2:\n  Z: 1\ncondition: a and not (f1 and f2)",
      "a:\n  X: 1\nkw:\n  - evil\ncondition: a and not kw",
      "a:\n  X: 1\nf:\n  Y|fieldref: X\ncondition: a and not f",
    ])
      assert.deepEqual(vetoesOf(detection), [], detection);
  });
  test("`not (f1 or f2)`, `all of` one name and a double negation", () => {
    assert.deepEqual(vetoesOf("a:\n  X: 1\nf1:\n  Y: 1\nf2:\n  Z: 1\ncondition: a and not (f1 or f2)"), [
      "Y",
      "Z",
    ]);
    assert.deepEqual(vetoesOf("a:\n  X: 1\nf1:\n  Y: 1\ncondition: a and not all of f*"), ["Y"]);
    // not (not f or g): f must hold and g must fail, so g vetoes
    assert.deepEqual(vetoesOf("a:\n  X: 1\nf:\n  Y: 1\ng:\n  Z: 1\ncondition: a and not (not f or g)"), [
      "Z",
    ]);
  });
  test("a veto test answers as the rule's matcher does, case and numbers included", () => {
    const rule = loadDetection(`
sel:
  X: 1
f1:
  Path|startswith: 'C:\\Windows\\'
f2:
  Size|gt: 10
f3:
  Name|neq: keep
condition: sel and not 1 of f*
`).detections[0]!;
    const [path, size, name] = vetoPredicates(rule.condition, rule.identifiers).map((p) => vetoTest(p));
    assert.equal(path!("c:\\WINDOWS\\x"), true);
    assert.equal(path!("D:\\Windows\\x"), false);
    assert.equal(size!("11"), true);
    assert.equal(size!("9"), false);
    assert.equal(name!("keep"), false);
    assert.equal(name!("other"), true);
  });
  test("only predicates on one field's value can be tests", () => {
    const p: FieldPredicate = { kind: "values", field: null, tests: [], combine: "any", negate: false };
    assert.throws(() => vetoTest(p), /not a veto predicate/);
  });
});

const RULES = `
title: dll
id: dll
logsource:
  product: windows
detection:
  sel:
    Image|endswith: '.exe'
  filter_main:
    Image|startswith: 'C:\\Windows\\'
  filter_host:
    Computer: 'dc1'
  filter_nested:
    Ev.Sig|startswith: 'Microsoft'
  condition: sel and not 1 of filter_*
---
title: two
id: two
logsource:
  product: windows
detection:
  sel:
    Image|contains: 'a'
    Computer|contains: 'c'
  filter:
    - Image|endswith: 'b.exe'
    - Computer: 'ws2'
  condition: sel and not filter
`;

describe("prefiltered engine with vetoes", () => {
  const rules = loadYaml({ "rules.yml": RULES });
  const compiled = new DetectionEngine(rules, { evaluator: "compiled" });
  const logsource: LogSource = { product: "windows", categories: [] };
  const ids = (rs: readonly DetectionRule[]) => rs.map((r) => r.id);

  test("rules its filters exclude are not evaluated, and the others are", () => {
    assert.deepEqual(rules.report.errors, []);
    const hit: MappedEvent = { fields: { Image: "D:\\a.exe", Computer: "c1" }, logsource, time: undefined };
    assert.deepEqual(ids(compiled.match(hit)), ["dll", "two"]);
    const vetoed: MappedEvent = {
      fields: { Image: "c:\\windows\\a.exe", Computer: "c1" },
      logsource,
      time: undefined,
    };
    assert.deepEqual(ids(compiled.match(vetoed)), ["two"]);
  });

  test("gives the reference interpreter's hits on generated events, aliases and inherited keys included", () => {
    const text = fc.constantFrom(
      "C:\\Windows\\a.exe",
      "c:\\windows\\b.exe",
      "D:\\a.exe",
      "D:\\b.exe",
      "dc1",
      "DC1",
      "ws2",
      "c1",
      "Microsoft Corp",
      "",
    );
    const value = fc.oneof(text, fc.integer({ min: 0, max: 3 }), fc.array(text, { maxLength: 2 }));
    assertEngineAgrees(rules, {
      fields: fc.record(
        { Image: value, Computer: value, Hostname: text, Ev: fc.record({ Sig: text }, { requiredKeys: [] }) },
        { requiredKeys: [] },
      ),
      // the pipeline's Computer is read from Hostname: an own Computer key is not what rules see
      aliases: new Map([["Computer", (f: JsonObject) => f.Hostname]]),
      // a Computer or Image the walk finds on the prototype only: getField ignores it
      inherited: fc.record({ Computer: text, Image: text }, { requiredKeys: [] }),
    });
  });
});
