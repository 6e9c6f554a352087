// Pipeline.borrow maps the caller's event in place and release() gives it back: the OTRF corpus
// (whose events get Computer and Provider_Name as aliases of Hostname and SourceName) and generated
// events, checked against the copying apply(): copyFields of the borrowed event equals its fields.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { corpusLines } from "../../../bench/corpus.js";
import type { JsonObject } from "../../core/index.js";
import { copyFields, detectPipeline, loadPipelines, type Pipeline } from "./index.js";

const OTRF = new URL("../../../../../shared/corpus/events/otrf-security-datasets/windows", import.meta.url)
  .pathname;

const pipelines = (): readonly Pipeline[] => {
  const loaded = loadPipelines();
  assert.ok(loaded.ok);
  return loaded.value;
};

/** Borrows, compares with apply(), releases, and checks the event is as it was, key order too. */
function borrowedAsApplied(p: Pipeline, event: JsonObject): void {
  const before = JSON.stringify(event);
  const applied = p.apply(JSON.parse(before) as JsonObject);
  const lent = p.borrow(event);
  const fields = copyFields(lent);
  assert.deepEqual(fields, applied.fields);
  assert.deepEqual(Object.keys(fields).sort(), Object.keys(applied.fields).sort());
  // every aliased field reads as apply() wrote it
  for (const [name, get] of lent.aliases ?? []) assert.deepEqual(get(lent.fields), applied.fields[name]);
  assert.deepEqual(lent.logsource, applied.logsource);
  assert.equal(lent.time, applied.time);
  lent.release();
  assert.equal(JSON.stringify(event), before);
}

describe("Pipeline.borrow", () => {
  test("on every OTRF event: the fields apply() gives, and the event given back as read", () => {
    const all = pipelines();
    let aliased = 0;
    for (const line of corpusLines(OTRF)) {
      const event = JSON.parse(line) as JsonObject;
      const read = JSON.stringify(event);
      const p = detectPipeline(all, event);
      assert.ok(p);
      const lent = p.borrow(event);
      const computer = lent.aliases?.get("Computer")?.(lent.fields);
      if (computer !== undefined && computer === event.Hostname && !("Computer" in event)) aliased++;
      lent.release();
      assert.equal(JSON.stringify(event), read);
    }
    // the corpus names the host `Hostname`: borrowing reads Computer through it, adding no key
    assert.ok(aliased > 28_000, `${aliased} events read Computer through its alias`);
    for (const line of corpusLines(OTRF).slice(0, 2000)) {
      const event = JSON.parse(line) as JsonObject;
      borrowedAsApplied(detectPipeline(all, event)!, event);
    }
  });

  test("generated events through every pipeline: overwritten, added and hoisted fields all undone", () => {
    const all = pipelines();
    const scalar = fc.oneof(fc.string({ maxLength: 6 }), fc.integer(), fc.boolean(), fc.constant(null));
    const keys = fc.constantFrom(
      "Hostname",
      "Computer",
      "SourceName",
      "Provider_Name",
      "EventID",
      "Channel",
      "NewProcessName",
      "Image",
      "__proto__",
      "constructor",
      "x y",
      "Event",
      "winlog",
      "#text",
    );
    const value = fc.letrec((tie) => ({
      v: fc.oneof({ depthSize: "small" }, scalar, fc.dictionary(keys, tie("v"), { maxKeys: 4 })),
    })).v;
    const event = fc
      .dictionary(keys, value, { maxKeys: 8 })
      .map((o) => JSON.parse(JSON.stringify({ EventID: 4688, Channel: "Security", ...o })) as JsonObject);
    fc.assert(
      fc.property(event, fc.constantFrom(...all), (e, p) => {
        borrowedAsApplied(p, e);
      }),
      { numRuns: 400 },
    );
  });

  test("events borrowed at the same time are each given back (drafts are reused only when unchanged)", () => {
    const p = all().find((x) => x.name === "windows")!;
    const make = (i: number): JsonObject => ({
      Channel: "Security",
      EventID: i % 2 === 0 ? 4688 : 4624,
      Hostname: `h${i}`,
      NewProcessName: `C:\\p${i}.exe`,
    });
    const events = [0, 1, 2, 3, 4, 5].map(make);
    const lent = events.map((e) => p.borrow(e));
    lent.forEach((l, i) => {
      if (i % 2 === 0) assert.equal(l.fields.Image, `C:\\p${i}.exe`, "4688 gets Image written");
      else assert.equal(l.fields.Image, undefined);
      assert.equal(copyFields(l).Computer, `h${i}`);
    });
    for (const i of [3, 0, 5, 1, 4, 2]) lent[i]!.release();
    for (const [i, e] of events.entries()) assert.deepEqual(e, make(i));
  });

  test("a frozen event is copied, not changed", () => {
    const p = all().find((x) => x.name === "windows")!;
    const event = Object.freeze({
      Channel: "Security",
      EventID: 4688,
      Hostname: "h",
      NewProcessName: "C:\\a.exe",
    });
    const lent = p.borrow(event as JsonObject);
    assert.equal(copyFields(lent).Computer, "h");
    assert.equal(lent.fields.Image, "C:\\a.exe");
    lent.release();
    assert.equal("Computer" in event, false);
  });
});

const all = pipelines;
