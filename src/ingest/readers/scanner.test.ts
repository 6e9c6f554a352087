import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { JsonObjectScanner, type ScanPiece } from "./scanner.js";

/** Feeds `text` cut at the given points, so objects straddle chunk boundaries. */
const scan = (text: string, cuts: readonly number[] = [], max?: number): ScanPiece[] => {
  const scanner = new JsonObjectScanner(max);
  const out: ScanPiece[] = [];
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    const at = Math.min(Math.max(cut, from), text.length);
    scanner.push(text.slice(from, at), out);
    from = at;
  }
  scanner.push(text.slice(from), out);
  scanner.end(out);
  return out;
};

// Compared as JSON text: JSON cannot tell -0 from 0, nor a null-prototype object from a plain one.
const objects = (pieces: ScanPiece[]): string[] =>
  pieces.filter((p) => p.kind === "object").map((p) => JSON.stringify(JSON.parse(p.text)));

const jsonObject = fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 6 });

test("splits concatenated objects, pretty or compact, in an array or not, across any chunking", () => {
  fc.assert(
    fc.property(
      fc.array(jsonObject, { maxLength: 8 }),
      fc.constantFrom("pretty", "compact", "lines", "array"),
      fc.array(fc.nat(4000), { maxLength: 6 }),
      (objs, layout, cuts) => {
        const text =
          layout === "pretty"
            ? objs.map((o) => JSON.stringify(o, null, 2)).join("\n")
            : layout === "compact"
              ? objs.map((o) => JSON.stringify(o)).join("")
              : layout === "lines"
                ? objs.map((o) => JSON.stringify(o)).join("\n")
                : JSON.stringify(objs, null, 1);
        const pieces = scan(text, cuts);
        assert.deepEqual(
          pieces.filter((p) => p.kind === "junk"),
          [],
        );
        assert.deepEqual(
          objects(pieces),
          objs.map((o) => JSON.stringify(o)),
        );
      },
    ),
    { numRuns: 300 },
  );
});

test("each object carries the line it starts on", () => {
  const text = '{"a": 1}\n\n{\n  "b": "x\\n}"\n}\n  {"c": [1, {"d": 2}]}';
  const pieces = scan(text);
  assert.deepEqual(
    pieces.map((p) => p.line),
    [1, 3, 6],
  );
  assert.deepEqual(objects(pieces), ['{"a":1}', '{"b":"x\\n}"}', '{"c":[1,{"d":2}]}']);
});

test("junk between objects is one problem, then the scanner resynchronises on the next object", () => {
  const pieces = scan('{"a":1}\nnot json at all\n{"b":2}');
  assert.deepEqual(
    pieces.map((p) => p.kind),
    ["object", "junk", "object"],
  );
  const junk = pieces[1];
  assert.ok(junk?.kind === "junk" && junk.code === "json-not-object" && junk.line === 2);
});

test("an unterminated object is reported as truncated", () => {
  const pieces = scan('{"a":1}\n{"b": "never ends');
  assert.equal(pieces.at(-1)?.kind, "junk");
  assert.ok(pieces.at(-1)?.kind === "junk" && (pieces.at(-1) as { code: string }).code === "json-truncated");
});

test("an object larger than the cap is skipped with a problem instead of buffered", () => {
  const pieces = scan(`{"a":"${"x".repeat(100)}"}`, [10, 20, 40, 80], 50);
  assert.ok(pieces.some((p) => p.kind === "junk" && p.code === "json-object-too-large"));
});

test("never throws on random text, and every piece it returns is well formed", () => {
  fc.assert(
    fc.property(
      fc.string({ unit: "binary", maxLength: 500 }),
      fc.array(fc.nat(500), { maxLength: 4 }),
      (s, cuts) => {
        for (const p of scan(s, cuts, 200)) {
          assert.ok(p.line >= 1);
          if (p.kind === "object") assert.equal(p.text[0], "{");
        }
      },
    ),
    { numRuns: 500 },
  );
});
