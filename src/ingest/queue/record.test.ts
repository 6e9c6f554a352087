import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import type { JsonObject } from "../../core/index.js";
import { decodeRecord, encodeRecord } from "./record.js";

const base = { id: "e1", source: "auto", receivedAt: 1_700_000_000_000 };

test("the event's own text is spliced in when it is one line, serialised again otherwise; both decode alike", () => {
  fc.assert(
    fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.boolean(), (event, pretty) => {
      const text = JSON.stringify(event, null, pretty ? 2 : undefined);
      const line = encodeRecord({ ...base, event: event as JsonObject, text });
      assert.ok(!line.includes("\n"), "a record is one line");
      const back = decodeRecord(line);
      assert.deepEqual(back.event, JSON.parse(text));
      assert.equal(back.id, "e1");
      assert.equal("text" in back, false);
    }),
  );
});

test("a record without text serialises the event", () => {
  const line = encodeRecord({ ...base, event: { a: 1 } });
  assert.equal(line, '{"id":"e1","source":"auto","receivedAt":1700000000000,"event":{"a":1}}');
  assert.equal(
    encodeRecord({ ...base, event: { a: 1 }, text: '{ "a" :\u20281 }' }).includes("\u2028"),
    false,
  );
});
