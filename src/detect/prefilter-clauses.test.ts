// Necessary clauses: how a rule's condition becomes up to three conditions an event must all hold
// before the rule is evaluated (golden cases), and the prefilter's counting of held clauses.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { necessaryClauses, Prefilter } from "./prefilter.js";
import { loadDetection } from "./sigma/test-support.js";

describe("clauses of an OR", () => {
  test("branches of two clauses each give two united clauses, paired by field, and a third", () => {
    const rule = loadDetection(`
set_1:
  TargetObject|endswith: ['\\Policies\\Explorer\\NoRun', '\\System\\DisableCMD']
  Details: 'DWORD (0x00000001)'
set_0:
  Details: 'DWORD (0x00000000)'
  TargetObject|endswith: '\\StorageDevicePolicies\\WriteProtect'
condition: 1 of set_*
`).detections[0]!;
    const clauses = necessaryClauses(rule.condition, rule.identifiers).map((c) =>
      c.map((a) => `${a.field}:${a.needle}`).sort(),
    );
    // with room for a third, another union of one clause of each branch (necessary too)
    assert.equal(clauses.length, 3);
    assert.deepEqual(new Set(clauses[2]!.map((a) => a.split(":")[0])), new Set(["Details", "TargetObject"]));
    assert.deepEqual(clauses.slice(0, 2).sort(), [
      ["Details:dword (0x00000000)", "Details:dword (0x00000001)"],
      [
        "TargetObject:\\policies\\explorer\\norun",
        "TargetObject:\\storagedevicepolicies\\writeprotect",
        "TargetObject:\\system\\disablecmd",
      ],
    ]);
  });
  test("clauses on fields every branch tests pair first; the rest pair with what is left", () => {
    // selection_1's Image clause has no partner in selection_2: paired first, it would take
    // selection_2's only clause and leave a union of Image and CommandLine
    const rule = loadDetection(`
selection_1:
  Image|contains: '\\Windows\\'
  CommandLine|contains:
    - '\\..\\Windows\\'
    - '\\..\\..\\'
selection_2:
  CommandLine|contains: '.exe\\..\\'
condition: 1 of selection_*
`).detections[0]!;
    const clauses = necessaryClauses(rule.condition, rule.identifiers).map((c) =>
      c.map((a) => `${a.field}:${a.needle}`).sort(),
    );
    assert.deepEqual(clauses, [
      ["CommandLine:.exe\\..\\", "CommandLine:\\..\\..\\", "CommandLine:\\..\\windows\\"],
      // the room left takes the other union
      ["CommandLine:.exe\\..\\", "Image:\\windows\\"],
    ]);
  });
  test("where a branch has fewer clauses, the other unions fill the room left", () => {
    const rule = loadDetection(`
selection_parent:
  ParentImage|endswith: ['\\svchost.exe', '\\dllhost.exe']
  Image|endswith: '\\ImagingDevices.exe'
selection_child:
  ParentImage|endswith: '\\ImagingDevices.exe'
condition: 1 of selection_*
`).detections[0]!;
    const clauses = necessaryClauses(rule.condition, rule.identifiers);
    assert.deepEqual(
      clauses.map((c) => c.map((a) => `${a.field}:${a.needle}`).sort()),
      [
        ["ParentImage:\\dllhost.exe", "ParentImage:\\imagingdevices.exe", "ParentImage:\\svchost.exe"],
        ["Image:\\imagingdevices.exe", "ParentImage:\\imagingdevices.exe"],
      ],
    );
    const prefilter = new Prefilter([clauses]);
    assert.deepEqual(prefilter.candidates({ ParentImage: "C:\\svchost.exe", Image: "C:\\x.exe" }), []);
    assert.deepEqual(
      prefilter.candidates({ ParentImage: "C:\\svchost.exe", Image: "C:\\ImagingDevices.exe" }),
      [0],
    );
    assert.deepEqual(
      prefilter.candidates({ ParentImage: "C:\\ImagingDevices.exe", Image: "C:\\x.exe" }),
      [0],
    );
  });
  test("a branch without clauses leaves the OR none; an AND keeps three", () => {
    const or = loadDetection("a:\n  X: abc\nb:\n  Y|re: '.*'\ncondition: a or b").detections[0]!;
    assert.deepEqual(necessaryClauses(or.condition, or.identifiers), []);
    const and = loadDetection("a:\n  X: abc\n  Y: def\n  Z: ghi\n  W: jkl\ncondition: a").detections[0]!;
    assert.equal(necessaryClauses(and.condition, and.identifiers).length, 3);
  });
  test("a rule is a candidate only when all three of its clauses hold", () => {
    const and = loadDetection("a:\n  X: abc\n  Y: def\n  Z: ghi\ncondition: a").detections[0]!;
    const prefilter = new Prefilter([necessaryClauses(and.condition, and.identifiers)]);
    assert.deepEqual(prefilter.candidates({ X: "abc", Y: "def" }), []);
    assert.deepEqual(prefilter.candidates({ X: "abc", Y: "def", Z: "GHI" }), [0]);
    // a clause counts once, however often it holds
    assert.deepEqual(prefilter.candidates({ X: "abc", x: "abc", Y: "def" }), []);
  });
});

describe("clauses of an AND", () => {
  const clausesOf = (detection: string) => {
    const rule = loadDetection(detection).detections[0]!;
    return necessaryClauses(rule.condition, rule.identifiers).map((c) =>
      c.map((a) => `${a.field}:${a.needle}`),
    );
  };
  test("each test of a field's |all list is a clause of its own", () => {
    assert.deepEqual(
      clausesOf(
        "sel:\n  TargetObject|contains|all:\n    - '\\Services\\'\n    - '\\NetworkProvider'\ncondition: sel",
      ).sort(),
      [["TargetObject:\\networkprovider"], ["TargetObject:\\services\\"]],
    );
  });
  test("clauses on distinct fields come first, however long a field's needles", () => {
    const clauses = clausesOf(`
sel:
  EventID: 4657
  ObjectName|contains|all:
    - '\\REGISTRY\\MACHINE\\SYSTEM'
    - 'ControlSet'
    - '\\Control\\Lsa'
  ObjectValueName:
    - 'LmCompatibilityLevel'
    - 'NtlmMinClientSec'
condition: sel
`);
    assert.deepEqual(clauses.map((c) => c[0]!.split(":")[0]).sort(), [
      "EventID",
      "ObjectName",
      "ObjectValueName",
    ]);
    assert.ok(
      clauses.some((c) => c.includes("ObjectName:\\registry\\machine\\system")),
      "the strongest piece",
    );
  });
});

describe("epochs", () => {
  test("past 2^31 - 1 events the stamps restart, and candidates stay right", () => {
    const and = loadDetection("a:\n  X: abc\n  Y: def\ncondition: a").detections[0]!;
    const prefilter = new Prefilter([necessaryClauses(and.condition, and.identifiers)]);
    // the epoch a long-running node reaches after 2^31 - 3 events
    (prefilter as unknown as { epoch: number }).epoch = 0x7fffffff - 3;
    for (let i = 0; i < 8; i++) {
      assert.deepEqual(prefilter.candidates({ X: "abc", Y: "def" }), [0], `event ${i}`);
      assert.deepEqual(prefilter.candidates({ X: "abc" }), [], `event ${i}, one clause`);
    }
  });
});
