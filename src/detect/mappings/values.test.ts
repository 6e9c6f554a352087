import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { compileConditions } from "./conditions.js";
import { parseTime } from "./time.js";
import { compilePath, compileSources, LooseTable } from "./values.js";

test("paths: exact dotted key first, then nested walk; arrays and scalars stop the walk", () => {
  const get = compilePath("a.b");
  assert.equal(get({ "a.b": 1, a: { b: 2 } }), 1);
  assert.equal(get({ a: { b: 2 } }), 2);
  assert.equal(get({ a: [{ b: 2 }] }), undefined);
  assert.equal(get({ a: "s" }), undefined);
  assert.equal(compileSources(["x", "y"])({ x: null, y: 3 }), 3);
});

test("loose table: numbers meet numeric strings, strings meet any case", () => {
  const t = new LooseTable<string>();
  t.set("Security", "security");
  t.set(4688, "n");
  assert.equal(t.get("security"), "security");
  assert.equal(t.get("SECURITY"), "security");
  assert.equal(t.get("4688"), "n");
  assert.equal(t.get(4688), "n");
  assert.equal(t.get({}), undefined);
  fc.assert(
    fc.property(fc.nat(), (n) => {
      const u = new LooseTable<number>();
      u.set(String(n), n);
      return u.get(n) === n && u.get(String(n)) === n;
    }),
  );
});

test("loose table: the remembered last lookup never outlives a change, a miss included", () => {
  const t = new LooseTable<string>();
  assert.equal(t.get("Security"), undefined);
  t.set("security", "s");
  assert.equal(t.get("Security"), "s", "a miss is not remembered past set");
  assert.equal(t.get("Security"), "s");
  t.set("Security", "exact");
  assert.equal(t.get("Security"), "exact", "the exact spelling wins once set");
  // any sequence of lookups answers as a fresh table would
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.constantFrom("a", "A", "1", "01"), fc.integer({ min: 0, max: 2 })), {
        maxLength: 30,
      }),
      (keys) => {
        const fresh = (k: string | number) => {
          const u = new LooseTable<number>();
          u.set("a", 1);
          u.set(1, 2);
          return u.get(k);
        };
        const u = new LooseTable<number>();
        u.set("a", 1);
        u.set(1, 2);
        for (const k of keys) assert.equal(u.get(k), fresh(k), String(k));
      },
    ),
  );
});

test("conditions: equality lists, modifiers, any-of lists, $service", () => {
  const c = compileConditions([
    { EventID: [1, 2], "Image|endswith": "\\cmd.exe" },
    { $service: "security", "Missing|exists": false },
  ]).test;
  assert.equal(c({ EventID: "2", Image: "C:\\Windows\\CMD.EXE" }, undefined), true);
  assert.equal(c({ EventID: 3, Image: "C:\\cmd.exe" }, undefined), false);
  assert.equal(c({}, "Security"), true);
  assert.equal(c({ Missing: 1 }, "security"), false);
  assert.equal(compileConditions({ "a|contains": ["x", "Y"] }).test({ a: ["no", "zyz"] }, undefined), true);
  assert.equal(compileConditions({ "a|startswith": "ab" }).test({ a: 12 }, undefined), false);
});

test("time: ISO with and without zone (UTC), space separator, epoch s/ms, auditd stamps", () => {
  assert.equal(parseTime("2020-10-22T01:54:20.493Z"), Date.UTC(2020, 9, 22, 1, 54, 20, 493));
  assert.equal(parseTime("2020-10-22 01:54:20.493"), Date.UTC(2020, 9, 22, 1, 54, 20, 493));
  assert.equal(parseTime("2020-10-22T03:54:20+02:00"), Date.UTC(2020, 9, 22, 1, 54, 20));
  assert.equal(parseTime("2020-10-22T01:54:20.1234567Z"), Date.UTC(2020, 9, 22, 1, 54, 20, 123));
  assert.equal(parseTime(1_600_000_000), 1_600_000_000_000);
  assert.equal(parseTime(1_600_000_000_123), 1_600_000_000_123);
  assert.equal(parseTime("1600000000.5"), 1_600_000_000_500);
  assert.equal(parseTime("audit(1600000000.250:77):"), 1_600_000_000_250);
  assert.equal(parseTime("not a time"), undefined);
  assert.equal(parseTime({ a: 1 }), undefined);
  fc.assert(fc.property(fc.string(), (s) => parseTime(s) === undefined || Number.isFinite(parseTime(s))));
});
