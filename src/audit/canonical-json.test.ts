// Canonical JSON: RFC 8785 key order, no whitespace, stable under key order and re-parsing.
import assert from "node:assert/strict";
import { it } from "node:test";
import fc from "fast-check";
import { canonicalJson, NotJsonError } from "./canonical-json.js";

it("sorts keys by UTF-16 code units at every depth, as RFC 8785 section 3.2.3 shows", () => {
  const input = {
    "\u20ac": "Euro",
    "\r": "CR",
    "\ufb33": "Hebrew",
    "1": "One",
    "\ud83d\ude00": "Smiley",
    "\u0080": "Ctl",
    "\u00f6": "ö",
  };
  assert.equal(
    canonicalJson(input),
    '{"\\r":"CR","1":"One","\u0080":"Ctl","ö":"ö","€":"Euro","\ud83d\ude00":"Smiley","\ufb33":"Hebrew"}',
  );
  assert.equal(canonicalJson({ b: [3, { z: 1, a: null }], a: true }), '{"a":true,"b":[3,{"a":null,"z":1}]}');
});

it("writes numbers and strings as JSON.stringify does, and Dates as ISO strings", () => {
  assert.equal(
    canonicalJson([1e21, 0.1, -0, 5e-324, 1.5, 'a\u2028"\\']),
    '[1e+21,0.1,0,5e-324,1.5,"a\u2028\\"\\\\"]',
  );
  assert.equal(canonicalJson(new Date(0)), '"1970-01-01T00:00:00.000Z"');
  assert.equal(canonicalJson({ a: undefined, b: [undefined] }), '{"b":[null]}');
});

it("refuses what JSON cannot carry", () => {
  for (const bad of [
    Number.NaN,
    Number.POSITIVE_INFINITY,
    1n,
    () => 1,
    Symbol("s"),
    new Map(),
    { x: { y: Number.NaN } },
  ]) {
    assert.throws(() => canonicalJson(bad), NotJsonError);
  }
});

it("is independent of key insertion order and stable under a parse round trip (property)", () => {
  fc.assert(
    fc.property(fc.jsonValue(), (v) => {
      const text = canonicalJson(v);
      assert.equal(canonicalJson(JSON.parse(text)), text);
      assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(v)));
      const reversed = JSON.parse(JSON.stringify(v), (_k, x: unknown) =>
        x !== null && typeof x === "object" && !Array.isArray(x)
          ? Object.fromEntries(Object.entries(x).reverse())
          : x,
      );
      assert.equal(canonicalJson(reversed), text);
      assert.ok(!/[\n ]/.test(text.replace(/"(?:[^"\\]|\\.)*"/g, "")));
    }),
    { numRuns: 500 },
  );
});
