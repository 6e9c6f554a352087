// Borrowed events read plain field copies (Computer from Hostname) through aliases instead of
// having them written in. What must hold: the mapping's own conditions see them, the engine and
// its prefilter match on them exactly as on the fields apply() writes, and a copy that another
// entry reads from, or that would replace a value the event has, stays written.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { JsonObject, MappedEvent } from "../../core/index.js";
import { DetectionEngine } from "../engine.js";
import { loadYaml } from "../sigma/test-support.js";
import { compilePipeline } from "./compile.js";
import { copyFields, loadPipelines, type Pipeline } from "./index.js";
import { parseMappingFile } from "./load.js";

const shipped = (name: string): Pipeline => {
  const loaded = loadPipelines();
  assert.ok(loaded.ok);
  const p = loaded.value.find((x) => x.name === name);
  assert.ok(p, name);
  return p;
};

const pipelineOf = (yaml: string): Pipeline => {
  const spec = parseMappingFile("chained.yml", yaml);
  assert.ok(spec.ok, JSON.stringify(spec));
  return compilePipeline(spec.value, "chained.yml");
};

const ids = (engine: DetectionEngine, e: MappedEvent) =>
  engine
    .match(e)
    .map((r) => r.title)
    .sort();

describe("field aliases of borrowed events", () => {
  test("Computer and Provider_Name are aliases in the windows mapping; no key is added", () => {
    const p = shipped("windows");
    const event: JsonObject = {
      EventID: 1,
      SourceName: "Microsoft-Windows-Sysmon",
      Hostname: "WS5",
      Image: "C:\\x.exe",
    };
    const lent = p.borrow(event);
    assert.deepEqual([...(lent.aliases?.keys() ?? [])].sort(), ["Computer", "Provider_Name"]);
    assert.equal("Computer" in lent.fields, false);
    // no Channel: the mapping's own rule reads Provider_Name (through its alias) to find Sysmon
    assert.deepEqual(lent.logsource, p.apply({ ...event }).logsource);
    assert.equal(lent.logsource.service, "sysmon");
    assert.deepEqual(lent.logsource.categories, ["process_creation"]);
    lent.release();
  });

  test("rules on aliased fields match borrowed events as they match applied ones (prefilter too)", () => {
    const rules = loadYaml(`
title: On Computer
logsource: { product: windows, category: process_creation }
detection:
  sel: { Computer|endswith: '-dc01' }
  condition: sel
---
title: On Provider
logsource: { product: windows }
detection:
  sel: { Provider_Name: Microsoft-Windows-Sysmon, EventID: 1 }
  condition: sel
---
title: Computer exists
logsource: { product: windows, service: sysmon }
detection:
  sel: { Computer|exists: true, Image|endswith: '\\x.exe' }
  condition: sel
---
title: Field ref
logsource: { product: windows }
detection:
  sel: { Computer|fieldref: Hostname }
  condition: sel
---
title: Keyword
logsource: { product: windows }
detection:
  keywords: ['corp-dc01']
  condition: keywords
`);
    const compiled = new DetectionEngine(rules);
    const interpreted = new DetectionEngine(rules, { evaluator: "interpreted" });
    const p = shipped("windows");
    const events: JsonObject[] = [
      {
        EventID: 1,
        Channel: "Microsoft-Windows-Sysmon/Operational",
        SourceName: "Microsoft-Windows-Sysmon",
        Hostname: "corp-dc01",
        Image: "C:\\x.exe",
      },
      {
        EventID: 1,
        Channel: "Microsoft-Windows-Sysmon/Operational",
        Provider_Name: "Microsoft-Windows-Sysmon",
        Computer: "corp-dc01",
        Hostname: "other",
        Image: "C:\\y.exe",
      },
      {
        EventID: 1,
        Channel: "Microsoft-Windows-Sysmon/Operational",
        Hostname: "ws-dc01x",
        Image: "C:\\x.exe",
      },
      {
        EventID: 1,
        Channel: "Microsoft-Windows-Sysmon/Operational",
        Computer: null,
        Hostname: "a-dc01",
        SourceName: "Microsoft-Windows-Sysmon",
      },
    ];
    const expected = [
      ["Computer exists", "Field ref", "Keyword", "On Computer", "On Provider"],
      ["Keyword", "On Computer", "On Provider"],
      ["Computer exists", "Field ref"],
      ["Field ref", "On Computer", "On Provider"],
    ];
    events.forEach((event, i) => {
      const applied = p.apply(structuredClone(event));
      const lent = p.borrow(event);
      assert.deepEqual(ids(compiled, lent), expected[i], `event ${i}, borrowed`);
      assert.deepEqual(ids(compiled, applied), expected[i], `event ${i}, applied`);
      assert.deepEqual(ids(interpreted, lent), expected[i], `event ${i}, interpreter`);
      lent.release();
    });
  });

  test("a copy another entry reads from is written, not aliased; both modes agree", () => {
    const p = pipelineOf(`
name: chained
recognise: { kind|exists: true }
fields:
  A: [B]
  C: [A]
  D: [D, E]
  F: [G]
logsource: { product: test }
rules:
  - match: { A: 1 }
    categories: a_is_one
`);
    const event: JsonObject = { kind: "x", B: 1, E: "e", F: "stale", G: "g" };
    const lent = p.borrow(event);
    // F is not its own first source: writing it replaces the event's F, so it is written
    assert.deepEqual([...(lent.aliases?.keys() ?? [])], ["D"]);
    assert.equal(lent.fields.F, "g");
    assert.equal(lent.fields.A, 1, "A is read by C: written");
    assert.equal(lent.fields.C, 1, "C reads A, which is written: written");
    assert.deepEqual(lent.logsource.categories, ["a_is_one"]);
    assert.deepEqual(copyFields(lent), p.apply({ kind: "x", B: 1, E: "e", F: "stale", G: "g" }).fields);
    lent.release();
    assert.deepEqual(event, { kind: "x", B: 1, E: "e", F: "stale", G: "g" });
  });
});
