// Property tests of Sigma string values: escaping round-trips through parsePattern, and the compiled
// pattern matcher agrees with the reference interpreter on random patterns and strings.

import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import type { FieldPredicate, Pattern, PatternPart } from "./ast.js";
import { compileIdentifier, compilePattern, EventView } from "./compile.js";
import { evalPredicate } from "./interpret.js";
import { anchor, applyWindash, parsePattern, patternToString, WINDASH_CHARS } from "./pattern.js";

/** Does field F = value match the pattern? Asserts compiled and reference agree. */
function both(pattern: Pattern, cased: boolean, value: string): boolean {
  const pred: FieldPredicate = {
    kind: "values",
    field: "F",
    tests: [{ kind: "pattern", pattern, cased }],
    combine: "any",
    negate: false,
  };
  const ref = evalPredicate(pred, { F: value });
  const compiled = compileIdentifier({ name: "s", groups: [[pred]] })(new EventView({ F: value }));
  assert.equal(
    compiled,
    ref,
    `compiled vs reference on ${JSON.stringify(patternToString(pattern))} / ${JSON.stringify(value)}`,
  );
  // compilePattern alone, on the subject as the engine hands it over
  assert.equal(compilePattern(pattern, cased)(cased ? value : value.toLowerCase()), ref);
  return ref;
}

const escapeSigma = (s: string) => s.replace(/[\\*?]/g, "\\$&");

const ALPHABET = ["a", "A", "b", "B", "*", "?", "\\", " ", ".", "-", "/", "é", "\u2013", "ß"];
const literal = fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 12 });

test("property: an escaped literal parses to one text part equal to it", () => {
  fc.assert(
    fc.property(literal, (s) => {
      const p = parsePattern(escapeSigma(s));
      assert.deepEqual(p.parts, s === "" ? [] : [{ kind: "text", text: s }]);
      assert.equal(patternToString(p), escapeSigma(s));
    }),
    { numRuns: 1000 },
  );
});

test("property: an escaped literal matches itself (any case) and no one-character mutation", () => {
  const mutation = fc.record({
    kind: fc.constantFrom("replace", "insert", "delete"),
    at: fc.nat(),
    char: fc.constantFrom(...ALPHABET),
  });
  fc.assert(
    fc.property(literal, mutation, fc.boolean(), (s, m, cased) => {
      const pattern = parsePattern(escapeSigma(s));
      assert.equal(both(pattern, cased, s), true);
      if (!cased)
        assert.equal(
          both(pattern, false, s.toUpperCase()),
          s.toUpperCase().toLowerCase() === s.toLowerCase(),
        );
      const chars = [...s];
      const i = chars.length === 0 ? 0 : m.at % (m.kind === "insert" ? chars.length + 1 : chars.length);
      let mutated: string[];
      if (m.kind === "insert") mutated = [...chars.slice(0, i), m.char, ...chars.slice(i)];
      else if (chars.length === 0) return;
      else if (m.kind === "delete") mutated = [...chars.slice(0, i), ...chars.slice(i + 1)];
      else mutated = [...chars.slice(0, i), m.char, ...chars.slice(i + 1)];
      const other = mutated.join("");
      const same = cased ? other === s : other.toLowerCase() === s.toLowerCase();
      assert.equal(both(pattern, cased, other), same, `${s} vs ${other}`);
    }),
    { numRuns: 1000 },
  );
});

const part: fc.Arbitrary<PatternPart> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .string({ unit: fc.constantFrom("a", "B", "-", "/", "*", "?", "."), minLength: 1, maxLength: 3 })
      .map((text): PatternPart => ({ kind: "text", text })),
  },
  { weight: 2, arbitrary: fc.constant<PatternPart>({ kind: "any" }) },
  { weight: 2, arbitrary: fc.constant<PatternPart>({ kind: "one" }) },
  { weight: 1, arbitrary: fc.constant<PatternPart>({ kind: "dash" }) },
);
const patternArb = fc.array(part, { maxLength: 6 }).map((parts): Pattern => ({ parts }));

/** A string the pattern matches, built by filling each wildcard from the choices. */
function instance(p: Pattern, fill: readonly string[]): string {
  let k = 0;
  const next = () => fill[k++ % Math.max(fill.length, 1)] ?? "";
  return p.parts
    .map((x) =>
      x.kind === "text"
        ? x.text
        : x.kind === "any"
          ? next()
          : x.kind === "one"
            ? (next()[0] ?? "x")
            : WINDASH_CHARS[next().length % 5]!,
    )
    .join("");
}

test("property: compiled patterns agree with the reference on random patterns and strings", () => {
  const subject = fc.string({
    unit: fc.constantFrom("a", "A", "b", "-", "/", "\u2014", "*", "?", ".", "\n"),
    maxLength: 10,
  });
  fc.assert(
    fc.property(
      patternArb,
      fc.constantFrom("equals", "contains", "startswith", "endswith"),
      fc.boolean(),
      subject,
      fc.array(subject, { maxLength: 4 }),
      (p, mode, cased, s, fill) => {
        const pattern = anchor(p, mode as "equals");
        both(pattern, cased, s);
        // an instance of the pattern must match
        assert.equal(both(pattern, cased, instance(pattern, fill)), true);
      },
    ),
    { numRuns: 2000 },
  );
});

test("property: windash patterns from parsed text agree", () => {
  fc.assert(
    fc.property(
      fc.string({ unit: fc.constantFrom("a", " ", "-", "/", "*", "x"), maxLength: 8 }),
      fc.string({ unit: fc.constantFrom("a", " ", "-", "/", "\u2013", "\u2015", "x"), maxLength: 10 }),
      (rule, s) => {
        both(anchor(applyWindash(parsePattern(rule)), "contains"), false, s);
      },
    ),
    { numRuns: 1000 },
  );
});
