import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { internName } from "./event.js";

test("internName gives back the same text for every name, odd ones included", () => {
  for (const name of ["__proto__", "constructor", "12", "-1", "a.b", "", "Image", "x y"]) {
    assert.equal(internName(name), name);
  }
  fc.assert(fc.property(fc.string(), (s) => internName(s) === s));
});
