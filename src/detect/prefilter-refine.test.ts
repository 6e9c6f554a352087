// Refined clauses: a slot found by a needle is kept, on a memo miss, only if one of the predicates
// its atoms came from holds for the value (see Refined in prefilter.ts). Golden cases for the
// prefilter alone, and the whole engine against the reference interpreter on generated events.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import type { JsonObject } from "../core/index.js";
import { necessaryClauses, Prefilter, presenceClauses } from "./prefilter.js";
import { assertEngineAgrees, loadDetection, loadYaml } from "./sigma/test-support.js";
import { vetoPredicates } from "./vetoes.js";

const prefilterOf = (detection: string, memo: boolean) => {
  const rule = loadDetection(detection).detections[0]!;
  return new Prefilter([necessaryClauses(rule.condition, rule.identifiers)], memo);
};

describe("refined clauses", () => {
  test("a regex's literal found in a value the regex rejects makes no candidate (with a memo)", () => {
    const detection = "sel:\n  CommandLine|re: '\\s-enc\\s[A-Za-z0-9+/=]{8,}'\ncondition: sel";
    const refined = prefilterOf(detection, true);
    assert.deepEqual(refined.candidates({ CommandLine: "powershell -enc x" }), []);
    assert.deepEqual(refined.candidates({ CommandLine: "powershell -enc SQBFAFgAIAAo" }), [0]);
    // asked again, the answers come from the memo
    assert.deepEqual(refined.candidates({ CommandLine: "powershell -enc x" }), []);
    assert.deepEqual(refined.candidates({ CommandLine: "powershell -enc SQBFAFgAIAAo" }), [0]);
    // without a memo, the needle alone decides: a superset
    const plain = prefilterOf(detection, false);
    assert.deepEqual(plain.candidates({ CommandLine: "powershell -enc x" }), [0]);
  });

  test("a clause united from two branches holds where either branch's predicate does", () => {
    const detection = `
sel_a:
  Image|endswith: '\\tool.exe'
sel_b:
  Image|startswith: 'C:\\Temp\\'
  Image|contains: 'tool'
condition: 1 of sel_*
`;
    const p = prefilterOf(detection, true);
    assert.deepEqual(p.candidates({ Image: "D:\\tool.exe" }), [0], "sel_a");
    assert.deepEqual(p.candidates({ Image: "C:\\Temp\\toolbox.dll" }), [0], "sel_b");
    assert.deepEqual(p.candidates({ Image: "D:\\tool.exe.bak" }), [], "neither, though a needle is there");
  });

  test("a slot refined away on one field still holds through a keyword", () => {
    const detection = "sel:\n  Image|re: 'x.*\\.exe$'\nkw:\n  - '.exe'\ncondition: sel or kw";
    const p = prefilterOf(detection, true);
    // the OR's clause unites the regex's literal on Image with the keyword: the regex rejects the
    // value, the keyword is in it
    assert.deepEqual(p.candidates({ Image: "a.exe.txt" }), [0]);
    assert.deepEqual(p.candidates({ Image: "a.dll" }), []);
  });
});

describe("rules without needles", () => {
  const clausesOf = (detection: string) => {
    const rule = loadDetection(detection).detections[0]!;
    return presenceClauses(rule.condition, rule.identifiers).map((c) =>
      c.map((a) => `${a.field}:${a.needle}`),
    );
  };

  test("a required predicate that no absent or null value satisfies gives a clause of the empty needle", () => {
    assert.deepEqual(clausesOf("sel:\n  CommandLine|re: '\\s[a-f0-9]{8}\\s'\ncondition: sel"), [
      ["CommandLine:"],
    ]);
    assert.deepEqual(
      clausesOf("sel:\n  Image|exists: false\ncondition: sel"),
      [],
      "holds where Image is absent",
    );
    assert.deepEqual(clausesOf("sel:\n  Image: null\ncondition: sel"), [], "holds where Image is null");
    assert.deepEqual(
      clausesOf("a:\n  X|re: 'a+'\nb:\n  Y|re: 'b+'\ncondition: a or b"),
      [],
      "an OR requires neither",
    );
  });

  test("such a rule is a candidate only where its field holds a value its predicate accepts", () => {
    const rule = loadDetection("sel:\n  CommandLine|re: '\\s[a-f0-9]{8}\\s'\ncondition: sel").detections[0]!;
    const clauses = presenceClauses(rule.condition, rule.identifiers);
    const refined = new Prefilter([clauses], true);
    assert.deepEqual(refined.candidates({ Image: "x" }), []);
    assert.deepEqual(refined.candidates({ CommandLine: "run 1234abcd now" }), [0]);
    assert.deepEqual(refined.candidates({ CommandLine: "run now" }), []);
    assert.deepEqual(refined.candidates({ CommandLine: ["run now", "x"] }), [0], "arrays: no cheap test");
    const plain = new Prefilter([clauses], false);
    assert.deepEqual(plain.candidates({ CommandLine: "run now" }), [0], "without a memo, any value");
    assert.deepEqual(plain.candidates({ Image: "x" }), []);
  });

  test("a rule of filters only is vetoed on a field no clause indexes", () => {
    const rule = loadDetection("filter:\n  Image|startswith: 'C:\\Windows\\'\ncondition: not filter")
      .detections[0]!;
    const p = new Prefilter([[]], true, [vetoPredicates(rule.condition, rule.identifiers)]);
    assert.deepEqual(p.candidates({ Image: "C:\\Windows\\x.exe" }), []);
    assert.deepEqual(p.candidates({ Image: "D:\\x.exe" }), [0]);
    assert.deepEqual(p.candidates({}), [0]);
  });
});

const RULES = `
title: re
id: re
logsource:
  product: windows
detection:
  sel:
    CommandLine|re: '-e(nc)?\\s+[a-z]{4}'
  condition: sel
---
title: union
id: union
logsource:
  product: windows
detection:
  sel_a:
    Image|endswith: '\\a.exe'
  sel_b:
    Image|startswith: 'C:\\T\\'
    Image|contains: 'a.ex'
  condition: 1 of sel_*
---
title: all
id: all
logsource:
  product: windows
detection:
  sel:
    CommandLine|contains|all:
      - '-e'
      - 'abcd'
    CommandLine|endswith: 'z'
  condition: sel
---
title: regex only
id: regex-only
logsource:
  product: windows
detection:
  sel:
    CommandLine|re: '\\s[a-z]{4}(\\s|$)'
  condition: sel
---
title: filters only
id: filters-only
logsource:
  product: windows
detection:
  filter_a:
    Image|startswith: 'C:\\T\\'
  filter_b:
    Other: ''
  condition: not 1 of filter_*
---
title: absent
id: absent
logsource:
  product: windows
detection:
  sel:
    Image|exists: false
    CommandLine|re: '^x'
  condition: sel
---
title: cased
id: cased
logsource:
  product: windows
detection:
  sel:
    Image|cased|endswith: '\\A.exe'
  condition: sel
`;

describe("prefiltered engine with refined clauses", () => {
  test("gives the reference interpreter's hits on generated events, aliases and inherited keys included", () => {
    const text = fc.constantFrom(
      "x -enc abcd z",
      "x -e abcdz",
      "x -E ABCD",
      "x -enc ab",
      "D:\\a.exe",
      "D:\\A.exe",
      "C:\\T\\ba.exe",
      "C:\\T\\a.exe.txt",
      "C:\\t\\xa.ex",
      "a.exe.bak",
      "",
    );
    const value = fc.oneof(text, fc.integer({ min: 0, max: 3 }), fc.array(text, { maxLength: 2 }));
    assertEngineAgrees(loadYaml({ "rules.yml": RULES }), {
      fields: fc.record({ Image: value, CommandLine: value, Other: text }, { requiredKeys: [] }),
      // the pipeline's Image is read from Other: an own Image key is not what rules see
      aliases: new Map([["Image", (f: JsonObject) => f.Other]]),
      inherited: fc.record({ Image: text, CommandLine: text }, { requiredKeys: [] }),
    });
  });
});
