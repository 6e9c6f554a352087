// Golden tests of the condition language, its parse errors, and a property test: printing random
// condition trees (random parentheses and keyword case) and parsing them back keeps their meaning.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import type { ConditionExpr } from "./ast.js";
import { parseCondition } from "./condition.js";
import { golden, loadYaml, ruleYaml } from "./test-support.js";

// Selections over one field each, so an event chooses which identifiers hold.
const ids = (names: readonly string[]) => names.map((n) => `${n}:\n  ${n}: 1`).join("\n");
const on = (...names: string[]) => Object.fromEntries(names.map((n) => [n, 1]));

describe("condition forms", () => {
  test("and binds tighter than or; not tighter than and", () =>
    golden(`${ids(["a", "b", "c"])}\ncondition: a or b and not c`, [
      [on("a"), true],
      [on("a", "c"), true], // a or (b and not c)
      [on("b"), true],
      [on("b", "c"), false],
      [on("c"), false],
      [on(), false],
    ]));
  test("parentheses override precedence", () =>
    golden(`${ids(["a", "b", "c"])}\ncondition: (a or b) and not c`, [
      [on("a", "c"), false],
      [on("a"), true],
      [on("b"), true],
    ]));
  test("not over a group, double not, keyword case", () => {
    golden(`${ids(["a", "b"])}\ncondition: NOT (a OR b)`, [
      [on(), true],
      [on("a"), false],
    ]);
    golden(`${ids(["a"])}\ncondition: not not a`, [
      [on("a"), true],
      [on(), false],
    ]);
  });
  test("1 of them / all of them exclude _-prefixed identifiers", () => {
    golden(`${ids(["a", "b", "_c"])}\ncondition: 1 of them`, [
      [on("a"), true],
      [on("_c"), false],
    ]);
    golden(`${ids(["a", "b", "_c"])}\ncondition: all of them`, [
      [on("a", "b"), true],
      [on("a", "_c"), false],
    ]);
    golden(`${ids(["a", "b", "_c"])}\ncondition: all of them and not _c`, [
      [on("a", "b"), true],
      [on("a", "b", "_c"), false],
    ]);
  });
  test("1 of selection_*", () =>
    golden(`${ids(["selection_a", "selection_b", "filter"])}\ncondition: 1 of selection_*`, [
      [on("selection_b"), true],
      [on("filter"), false],
    ]));
  test("all of filter*", () =>
    golden(`${ids(["sel", "filter1", "filter_2"])}\ncondition: sel and all of filter*`, [
      [on("sel", "filter1", "filter_2"), true],
      [on("sel", "filter1"), false],
    ]));
  test("not 1 of filter_*", () =>
    golden(`${ids(["sel", "filter_a", "filter_b"])}\ncondition: sel and not 1 of filter_*`, [
      [on("sel"), true],
      [on("sel", "filter_b"), false],
      [on("filter_a"), false],
    ]));
  test("any of = 1 of", () =>
    golden(`${ids(["sel_a", "sel_b"])}\ncondition: any of sel_*`, [
      [on("sel_a"), true],
      [on(), false],
    ]));
  test("a * in the middle of a name pattern", () =>
    golden(`${ids(["sel_x_end", "sel_y_end", "sel_z"])}\ncondition: all of sel_*_end`, [
      [on("sel_x_end", "sel_y_end"), true],
      [on("sel_x_end", "sel_z"), false],
    ]));
  test("a list of conditions is OR", () =>
    golden(`${ids(["a", "b"])}\ncondition:\n  - a\n  - b`, [
      [on("a"), true],
      [on("b"), true],
      [on(), false],
    ]));
  test("identifier names with dots and dashes", () =>
    golden("sel.a-1:\n  F: 1\ncondition: sel.a-1", [[{ F: 1 }, true]]));
});

describe("condition errors", () => {
  const codeOf = (condition: string, names = ["sel", "filter"]) => {
    const r = parseCondition(condition, names);
    return "code" in r ? r.code : undefined;
  };
  test("codes", () => {
    assert.equal(codeOf("sel and nope"), "unknown-identifier");
    assert.equal(codeOf("1 of nothing_*"), "condition-no-match");
    assert.equal(codeOf("all of them", ["_a"]), "condition-no-match");
    assert.equal(codeOf("sel and"), "condition-syntax");
    assert.equal(codeOf("sel or or filter"), "condition-syntax");
    assert.equal(codeOf("and sel"), "condition-syntax");
    assert.equal(codeOf("(sel"), "condition-syntax");
    assert.equal(codeOf("sel)"), "condition-syntax");
    assert.equal(codeOf("sel filter"), "condition-syntax");
    assert.equal(codeOf("not"), "condition-syntax");
    assert.equal(codeOf(""), "condition-syntax");
    assert.equal(codeOf("1 of"), "condition-syntax");
    assert.equal(codeOf("sel | count() > 5"), "unsupported-aggregation");
    assert.equal(codeOf("2 of them"), "unsupported-condition");
  });
  test("messages locate the problem by column", () => {
    const r = parseCondition("sel and or filter", ["sel", "filter"]);
    assert.ok("code" in r);
    assert.match(r.message, /column 9 \('or'\)/);
  });
  test("through the loader, with the condition's line", () => {
    const r = loadYaml({
      "a.yml": ruleYaml("sel:\n  F: 1\ncondition: sel and nope"),
      "b.yml": ruleYaml("sel:\n  F: 1\ncondition: 1 of filter_*"),
      "c.yml": ruleYaml("sel:\n  F: 1\ncondition: sel and"),
      "d.yml": ruleYaml("sel:\n  F: 1\ncondition: sel | count() by User > 5"),
      "e.yml": ruleYaml("sel:\n  F: 1\ncondition:\n  - sel\n  - sel or"),
      "f.yml": ruleYaml("sel:\n  F: 1\ntimeframe: 5m\ncondition: sel"),
    });
    assert.deepEqual(
      r.report.errors.map((e) => [e.path, e.line, e.code]),
      [
        ["a.yml", 8, "unknown-identifier"],
        ["b.yml", 8, "condition-no-match"],
        ["c.yml", 8, "condition-syntax"],
        ["d.yml", 8, "unsupported-aggregation"],
        ["e.yml", 10, "condition-syntax"],
        ["f.yml", 8, "unsupported-timeframe"],
      ],
    );
    assert.equal(r.report.failed, 6);
    assert.equal(r.detections.length, 0);
  });
});

// --- property: print random trees, parse them back ---

type Tree =
  | { kind: "ref"; name: string }
  | { kind: "not"; item: Tree }
  | { kind: "and" | "or"; items: Tree[] }
  | { kind: "of"; quantifier: "1" | "all" | "any"; target: string };

const NAMES = ["sel", "sel_a", "sel_b", "filter_a", "filter_b", "_hidden", "x1"];
const TARGETS = ["them", "sel*", "sel_*", "filter_*", "*_a", "x*"];

const treeArb: fc.Arbitrary<Tree> = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom(...NAMES).map((name): Tree => ({ kind: "ref", name })),
    fc
      .record({ quantifier: fc.constantFrom("1", "all", "any"), target: fc.constantFrom(...TARGETS) })
      .map((r): Tree => ({ kind: "of", ...r }) as Tree),
    tie("tree").map((item): Tree => ({ kind: "not", item })),
    fc
      .record({
        kind: fc.constantFrom("and", "or"),
        items: fc.array(tie("tree"), { minLength: 2, maxLength: 4 }),
      })
      .map((r): Tree => r as Tree),
  ),
})).tree;

const randomCase = (word: string, bits: number) =>
  [...word].map((c, i) => ((bits >> i) & 1 ? c.toUpperCase() : c)).join("");

/** Prints a tree: minimal parentheses where precedence needs them, plus random redundant ones. */
function print(t: Tree, rnd: () => number): string {
  const kw = (w: string) => randomCase(w, Math.floor(rnd() * 64));
  const prec = (x: Tree) => (x.kind === "or" ? 0 : x.kind === "and" ? 1 : x.kind === "not" ? 2 : 3);
  const wrap = (x: Tree, min: number) => {
    const s = print(x, rnd);
    return prec(x) < min || rnd() < 0.2 ? `(${rnd() < 0.5 ? " " : ""}${s})` : s;
  };
  switch (t.kind) {
    case "ref":
      return t.name;
    case "of":
      return `${t.quantifier === "1" ? "1" : kw(t.quantifier)} ${kw("of")} ${t.target === "them" ? kw("them") : t.target}`;
    case "not":
      return `${kw("not")} ${wrap(t.item, 2)}`;
    case "and":
    case "or":
      // a left-nested operand of the same kind may go bare; anything looser needs parentheses
      return t.items.map((x) => wrap(x, t.kind === "and" ? 2 : 1)).join(` ${kw(t.kind)} `);
  }
}

const globMatch = (pattern: string, name: string) =>
  new RegExp(
    `^${pattern
      .split("*")
      .map((s) => s.replace(/[.+?^${}()|[\]\\-]/g, "\\$&"))
      .join(".*")}$`,
  ).test(name);

/** The meaning of a tree, straight from its definition. */
function truth(t: Tree, env: ReadonlyMap<string, boolean>): boolean {
  switch (t.kind) {
    case "ref":
      return env.get(t.name)!;
    case "not":
      return !truth(t.item, env);
    case "and":
      return t.items.every((x) => truth(x, env));
    case "or":
      return t.items.some((x) => truth(x, env));
    case "of": {
      const names = NAMES.filter((n) => (t.target === "them" ? !n.startsWith("_") : globMatch(t.target, n)));
      return t.quantifier === "all" ? names.every((n) => env.get(n)) : names.some((n) => env.get(n));
    }
  }
}

function evalExpr(e: ConditionExpr, env: ReadonlyMap<string, boolean>): boolean {
  switch (e.kind) {
    case "ref":
      return env.get(e.name)!;
    case "not":
      return !evalExpr(e.item, env);
    case "and":
      return e.items.every((x) => evalExpr(x, env));
    case "or":
      return e.items.some((x) => evalExpr(x, env));
    case "of":
      return e.quantifier === "all" ? e.names.every((n) => env.get(n)) : e.names.some((n) => env.get(n));
  }
}

test("property: a printed condition parses back to an equivalent expression", () => {
  fc.assert(
    fc.property(
      treeArb,
      fc.integer(),
      fc.array(fc.array(fc.boolean(), { minLength: NAMES.length, maxLength: NAMES.length }), {
        minLength: 8,
        maxLength: 8,
      }),
      (tree, seed, assignments) => {
        let s = seed >>> 0 || 1;
        const rnd = () => {
          s ^= s << 13;
          s ^= s >>> 17;
          s ^= s << 5;
          return (s >>> 0) / 2 ** 32;
        };
        const text = print(tree, rnd);
        const parsed = parseCondition(text, NAMES);
        if ("code" in parsed) throw new Error(`${text}: ${parsed.message}`);
        for (const bits of assignments) {
          const env = new Map(NAMES.map((n, i) => [n, bits[i]!] as const));
          assert.equal(evalExpr(parsed, env), truth(tree, env), text);
        }
      },
    ),
    { numRuns: 500 },
  );
});

test("property: the parser is total (random token soup gives an expression or a problem, never a throw)", () => {
  const token = fc.constantFrom(
    "and",
    "or",
    "not",
    "(",
    ")",
    "1",
    "of",
    "all",
    "them",
    "sel",
    "sel_*",
    "x1",
    "|",
  );
  fc.assert(
    fc.property(fc.array(token, { maxLength: 12 }), (tokens) => {
      const r = parseCondition(tokens.join(" "), NAMES);
      assert.ok("code" in r || "kind" in r);
    }),
    { numRuns: 500 },
  );
});
