import assert from "node:assert/strict";
import { test } from "node:test";
import { err, ok } from "./result.js";

test("ok and err are discriminated by .ok", () => {
  const a = ok(1);
  const b = err({ code: "x", message: "y" });
  assert.equal(a.ok, true);
  assert.equal(b.ok, false);
  if (!b.ok) assert.equal(b.error.code, "x");
});
