// The prefilter's value memo is a cache: it may forget, never answer wrongly. Checked against a
// plain Map on random operations, on values built to collide (same samples, different strings)
// and for its character count, which bounds the memory the prefilter holds.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { sampledHash, ValueMemo } from "./value-memo.js";

/** A long string; `variant` changes one character at `at`, which the samples may not cover. */
const long = (n: number, at: number, variant: number) => {
  const chars = [...Array(n)].map((_, i) => String.fromCharCode(97 + (i % 26)));
  chars[at] = String.fromCharCode(0x30 + (variant % 10), 0x30 + Math.floor(variant / 10));
  return chars.join("");
};

const heldChars = (m: ValueMemo<unknown>, values: Iterable<string>) => {
  let n = 0;
  for (const v of new Set(values)) if (m.get(v) !== undefined) n += v.length;
  return n;
};

describe("value memo", () => {
  test("answers only what was set for the very same string (property, against a Map)", () => {
    const value = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.integer({ min: 0, max: 40 }).map((v) => long(700, 333, v)),
      fc.integer({ min: 0, max: 40 }).map((v) => long(90, 45, v)),
    );
    const op = fc.tuple(fc.boolean(), value, fc.integer());
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const memo = new ValueMemo<number>(16);
        const truth = new Map<string, number>();
        for (const [isSet, v, n] of ops) {
          if (isSet && memo.get(v) === undefined) {
            memo.set(v, n);
            truth.set(v, n);
          } else {
            const got = memo.get(v);
            if (got !== undefined) assert.equal(got, truth.get(v), `wrong answer for ${JSON.stringify(v)}`);
          }
        }
        assert.equal(memo.chars, heldChars(memo, truth.keys()));
      }),
      { numRuns: 300 },
    );
  });

  test("values that agree on every sample share slots and are all kept, up to the probe limit", () => {
    // one character in the middle of a 700-character string, between two samples
    const family = [...Array(12)].map((_, v) => long(700, 341, v));
    assert.equal(new Set(family.map(sampledHash)).size, 1, "the family collides by construction");
    const memo = new ValueMemo<number>();
    for (const [i, v] of family.entries()) memo.set(v, i);
    for (const [i, v] of family.entries()) assert.equal(memo.get(v), i);
    assert.equal(memo.get(long(700, 341, 12)), undefined, "a sibling never set is not found");
  });

  test("whole short strings are hashed: a one-character difference anywhere changes the hash", () => {
    const base = "C:\\Windows\\System32\\kernel32.dll";
    const seen = new Set([sampledHash(base)]);
    for (let i = 0; i < base.length; i++) seen.add(sampledHash(`${base.slice(0, i)}#${base.slice(i + 1)}`));
    assert.equal(seen.size, base.length + 1);
  });

  test("keeps its character count through growth, replacement and clear", () => {
    const memo = new ValueMemo<number>(16);
    const values = [...Array(5000)].map((_, i) => `value-${i}-${"x".repeat(i % 50)}`);
    for (const [i, v] of values.entries()) memo.set(v, i);
    assert.equal(memo.chars, heldChars(memo, values));
    assert.ok(memo.chars > 0);
    memo.clear();
    assert.equal(memo.chars, 0);
    assert.equal(memo.get(values[0]!), undefined);
  });
});
