// ReDoS: catastrophic-backtracking regexes over long event values must return (the test timeout
// turns a hang into a failure), and regexes that cannot run in linear time are refused at load.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { caseFold, compileRuleRegex, minMatchLength, relaxCounts } from "./regex.js";
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
  test("malformed hex and unicode escapes end the scan instead of hanging it", () => {
    // `\u{` with no `}` once gave a negative escape length: caseFold and relaxCounts looped forever
    assert.equal(caseFold("a\\u{b"), "[aA][uU]{[bB]");
    assert.equal(relaxCounts("a\\u{b"), "a\\u{b");
    assert.equal(caseFold("\\x4"), "[xX]4");
    assert.equal(caseFold("\\c1"), "\\c1");
    assert.equal(caseFold("\\cJ"), "\\cJ");
    const r = compileRuleRegex("a\\u{b", "i");
    assert.ok("test" in r);
    assert.equal(r.test("xAU{Bx"), true);
  });
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
      // escapes that are not what they look like without the `u` flag: identity escapes of letters
      ["a\\u{b", ["au{b", "AU{B", "a{b"]],
      ["\\u{2}x", ["uux", "UuX", "ux"]],
      ["\\xZ\\u12[\\p]", ["xzu12p", "XZU12P", "xzu12q", "xz12p"]],
    ];
    for (const [src, inputs] of cases) {
      const ours = compileRuleRegex(src, "i");
      assert.ok("test" in ours, src);
      const js = new RegExp(src, "i");
      for (const s of inputs) assert.equal(ours.test(s), js.test(s), `${src} on ${s}`);
    }
  });
});

describe("relaxed counts: a native pre-test before the RE2 port", () => {
  test("counts the linear engine refuses are widened, others and literal braces kept", () => {
    assert.equal(relaxCounts("\\\\[a-z0-9]{1,32}\\.[a-z]{1,6}"), "\\\\[a-z0-9]{1,}\\.[a-z]{1,6}");
    assert.equal(relaxCounts("\\s[a-f0-9]{64}\\s[a-f0-9]{16}"), "\\s[a-f0-9]{15,}\\s[a-f0-9]{16}");
    assert.equal(relaxCounts("x{20,}y{3,40}?z{15,}"), "x{15,}y{3,}?z{15,}");
    assert.equal(relaxCounts(".{1000,}"), ".{15,}");
    assert.equal(relaxCounts("[{]{99}\\{99}"), "[{]{15,}\\{99}");
  });

  test("the relaxed regex matches whatever the original matches (property)", () => {
    const piece = fc.tuple(
      fc.constantFrom("a", "[ab]", "[^a]", "(?:ab)", "\\d", "."),
      fc.integer({ min: 0, max: 40 }),
      fc.integer({ min: 0, max: 40 }),
      fc.boolean(),
    );
    const pattern = fc
      .array(piece, { minLength: 1, maxLength: 4 })
      .map((ps) =>
        ps.map(([atom, a, b, open]) => `${atom}{${Math.min(a, b)},${open ? "" : Math.max(a, b)}}`).join(""),
      );
    const text = fc.array(fc.constantFrom("a", "b", "1", "c"), { maxLength: 120 }).map((cs) => cs.join(""));
    fc.assert(
      fc.property(pattern, text, (p, t) => {
        if (new RegExp(p).test(t)) assert.ok(new RegExp(relaxCounts(p)).test(t), `${p} on ${t}`);
      }),
      { numRuns: 3000 },
    );
  });

  test("rules with large counts give the same answers with the pre-test", () => {
    const robin = rule('\\\\[a-zA-Z0-9]{1,32}\\.[a-zA-Z0-9]{1,6}\\.[ "]{1}');
    assert.equal(matches(robin, { CommandLine: 'rundll32 C:\\Users\\x\\abc.def. "' }), true);
    assert.equal(matches(robin, { CommandLine: "cmd /c dir C:\\Windows" }), false);
    const re = compileRuleRegex("\\s[a-fA-F0-9]{64}\\s[a-fA-F0-9]{16}", "");
    assert.ok("test" in re);
    assert.equal(re.engine, "re2");
    // what is widened is accepted by the linear engine, so the pre-test exists and is safe
    for (const src of ["\\s[a-fA-F0-9]{64}\\s[a-fA-F0-9]{16}", ".{1000,}", "a{16,}", "[a-z0-9]{1,32}\\."]) {
      assert.doesNotThrow(() => new RegExp(relaxCounts(src), "l"), src);
    }
    assert.equal(re.test(` ${"a".repeat(64)} ${"b".repeat(16)}`), true);
    assert.equal(re.test(` ${"a".repeat(63)} ${"b".repeat(16)}`), false);
  });
});

describe("minMatchLength: texts shorter than every match skip the RE2 port", () => {
  test("golden values", () => {
    const cases: [string, number][] = [
      [".{1000,}", 1000],
      ["a|bc", 1],
      ["(?:ab)+c?", 2],
      ["\\bx\\b", 1],
      ["^a{3,5}?(?=b)$", 3],
      ["(?<n>ab){2}|xyz", 3],
      ["[[:alpha:]]{5}", 0],
      ["\\p{L}{5}", 0],
      ["\\x{41}{5}", 0],
      // RE2 reads a literal ".*" (2), JavaScript "Q", any run, "E": \Q and \E count as nothing
      ["\\Q.*\\E", 0],
      ["\\Qab\\E", 2],
      ["a{2", 3],
      ["(a", 0],
    ];
    for (const [src, n] of cases) assert.equal(minMatchLength(src), n, src);
  });

  test("no match is shorter (property)", () => {
    const atom = fc.constantFrom(
      "a",
      "b",
      "[ab]",
      "[^a]",
      ".",
      "\\d",
      "\\b",
      "^",
      "$",
      "(?:ab|a)",
      "(b|)",
      "(?=a)",
    );
    const quantifier = fc.constantFrom("", "?", "*", "+", "{2}", "{1,3}", "{2,}", "{0,2}?", "{");
    const pattern = fc
      .array(fc.tuple(atom, quantifier), { minLength: 1, maxLength: 5 })
      .chain((ps) => fc.tuple(fc.constant(ps.map(([a, q]) => a + q).join("")), fc.boolean()))
      .map(([p, alt]) => (alt ? `${p}|a{2}` : p));
    const text = fc.array(fc.constantFrom("a", "b", "1", " "), { maxLength: 30 }).map((cs) => cs.join(""));
    fc.assert(
      fc.property(pattern, text, (p, t) => {
        let re: RegExp;
        try {
          re = new RegExp(p, "g");
        } catch {
          return;
        }
        const min = minMatchLength(p);
        for (const m of t.matchAll(re)) assert.ok(m[0].length >= min, `${p} matched "${m[0]}" (min ${min})`);
      }),
      { numRuns: 3000 },
    );
  });

  test("a rule regex that needs more characters than a text has answers without RE2", () => {
    const re = compileRuleRegex(".{1000,}", "");
    assert.ok("test" in re);
    assert.equal(re.engine, "re2");
    assert.equal(re.test("x".repeat(999)), false);
    assert.equal(re.test("x".repeat(1000)), true);
    assert.equal(re.test(`${"x".repeat(999)}\n${"x".repeat(999)}`), false);
  });
});
