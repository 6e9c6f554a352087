// ReDoS: catastrophic-backtracking regexes over long event values must return (the test timeout
// turns a hang into a failure), and regexes that cannot run in linear time are refused at load.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { caseFold, compileRuleRegex } from "./regex.js";
import { loadYaml, matches, ruleYaml } from "./test-support.js";

const LONG = 50_000;
const rule = (re: string) => {
  const r = loadYaml(ruleYaml(`sel:\n  CommandLine|re: '${re}'\ncondition: sel`));
  assert.deepEqual(r.report.errors, []);
  return r;
};

describe("catastrophic regexes return on a 50,000-character value", { timeout: 20_000 }, () => {
  test("^(a+)+$", { timeout: 20_000 }, () => {
    const r = rule("^(a+)+$");
    assert.equal(matches(r, { CommandLine: `${"a".repeat(LONG)}b` }), false);
    assert.equal(matches(r, { CommandLine: "a".repeat(LONG) }), true);
  });
  test("(a|aa)+$", { timeout: 20_000 }, () => {
    const r = rule("(a|aa)+$");
    assert.equal(matches(r, { CommandLine: `${"a".repeat(LONG)}b` }), false);
  });
  test("(?i)^(a|a)*$ (case-insensitive)", { timeout: 20_000 }, () => {
    const r = rule("(?i)^(a|a)*$");
    assert.equal(matches(r, { CommandLine: `${"aA".repeat(LONG / 2)}b` }), false);
    assert.equal(matches(r, { CommandLine: "aA".repeat(LONG / 2) }), true);
  });
  test("^(.{1,200})+x$ goes to RE2", { timeout: 20_000 }, () => {
    const compiled = compileRuleRegex("^(.{1,200})+x$", "");
    assert.ok("engine" in compiled);
    assert.equal(compiled.engine, "re2");
    const r = rule("^(.{1,200})+x$");
    assert.equal(matches(r, { CommandLine: `${"a".repeat(LONG)}y` }), false);
    assert.equal(matches(r, { CommandLine: `${"a".repeat(LONG)}x` }), true);
  });
});

describe("non-linear regexes are refused at load", () => {
  test("backreference and lookaround", () => {
    const r = loadYaml({
      "a.yml": ruleYaml("sel:\n  F|re: '(a)\\1'\ncondition: sel"),
      "b.yml": ruleYaml("sel:\n  F|re: 'a(?=b)'\ncondition: sel"),
      "c.yml": ruleYaml("sel:\n  F|re: '(?<!x)a'\ncondition: sel"),
    });
    assert.deepEqual(
      r.report.errors.map((e) => [e.path, e.line, e.code]),
      [
        ["a.yml", 7, "regex-not-linear"],
        ["b.yml", 7, "regex-not-linear"],
        ["c.yml", 7, "regex-not-linear"],
      ],
    );
    assert.equal(r.report.failed, 3);
  });
});

describe("case folding for the linear engine", () => {
  test("caseFold rewrites letters, classes and ranges but not escapes or quantifiers", () => {
    assert.equal(caseFold("ab"), "[aA][bB]");
    assert.equal(caseFold("[a-c]"), "[a-cA-C]");
    assert.equal(caseFold("\\d{2,3}"), "\\d{2,3}");
    assert.equal(caseFold("(?:x)"), "(?:[xX])");
    assert.equal(caseFold("\\x41"), "\\x41");
  });
  test("i-flag regexes with classes and escapes match like JavaScript's i flag", () => {
    const cases: [string, string[]][] = [
      [
        "^c:\\\\windows\\\\[a-z]+\\.exe$",
        ["C:\\Windows\\CMD.exe", "c:\\windows\\x1.exe", "C:\\WINDOWS\\NOTEPAD.EXE"],
      ],
      ["[^a-c]x", ["Ax", "dX", "DX", "-x"]],
      ["\\bword\\b", ["a WORD b", "awordb"]],
    ];
    for (const [src, inputs] of cases) {
      const ours = compileRuleRegex(src, "i");
      assert.ok("test" in ours, src);
      const js = new RegExp(src, "i");
      for (const s of inputs) assert.equal(ours.test(s), js.test(s), `${src} on ${s}`);
    }
  });
});
