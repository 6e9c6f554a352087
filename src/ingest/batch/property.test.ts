import assert from "node:assert/strict";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import type { JsonObject } from "../../core/event.js";
import { type EventBatchOptions, parseEventBatch } from "./index.js";

const OPTS: EventBatchOptions = { maxEventBytes: 1 << 20, maxEvents: 10_000, maxDecompressedBytes: 64 << 20 };

// JSON.parse turns -0 into 0 only via stringify; generate values that survive the JSON text round-trip.
const jsonObject = fc
  .dictionary(fc.string(), fc.jsonValue({ maxDepth: 4 }), { maxKeys: 6 })
  .map((o) => JSON.parse(JSON.stringify(o)) as JsonObject);
const events = fc.array(jsonObject, { maxLength: 30 });

const accepted = (body: Buffer, opts: Partial<EventBatchOptions>) => {
  const r = parseEventBatch(body, { ...OPTS, ...opts });
  if (!r.ok) return r.error.code;
  return { events: r.value.events.map((e) => [e.index, e.event]), rejected: r.value.rejected };
};

test("any array of objects round-trips as a JSON array (compact or pretty) and as NDJSON", () => {
  fc.assert(
    fc.property(events, fc.boolean(), (evs, pretty) => {
      const expected = { events: evs.map((e, i) => [i, e]), rejected: [] };
      const array = Buffer.from(pretty ? JSON.stringify(evs, null, 2) : JSON.stringify(evs));
      assert.deepEqual(accepted(array, { contentType: "application/json" }), expected);
      const lines = Buffer.from(evs.map((e) => JSON.stringify(e)).join(pretty ? "\r\n\n" : "\n"));
      if (evs.length === 0) return;
      assert.deepEqual(accepted(lines, { contentType: "application/x-ndjson" }), expected);
      assert.deepEqual(accepted(lines, {}), expected);
    }),
    { numRuns: 300 },
  );
});

test("gzip round-trip", () => {
  fc.assert(
    fc.property(events, (evs) => {
      const body = gzipSync(JSON.stringify(evs));
      assert.deepEqual(accepted(body, { contentEncoding: "gzip" }), {
        events: evs.map((e, i) => [i, e]),
        rejected: [],
      });
    }),
    { numRuns: 100 },
  );
});

test("NDJSON: corrupting one byte of one event rejects at most that event", () => {
  fc.assert(
    fc.property(
      fc.array(jsonObject, { minLength: 1, maxLength: 20 }),
      fc.nat(),
      fc.nat(),
      fc.integer({ min: 0, max: 255 }).filter((b) => b !== 0x0a),
      (evs, which, at, byte) => {
        const k = which % evs.length;
        const lines = evs.map((e) => Buffer.from(JSON.stringify(e)));
        const line = Buffer.from(lines[k]!);
        line[at % line.length] = byte;
        lines[k] = line;
        const r = parseEventBatch(Buffer.concat(lines.flatMap((l) => [l, Buffer.from("\n")])), {
          ...OPTS,
          contentType: "application/x-ndjson",
        });
        assert.ok(r.ok);
        const byIndex = new Map(r.value.events.map((e) => [e.index, e.event]));
        evs.forEach((e, i) => {
          if (i !== k) assert.deepEqual(byIndex.get(i), e);
        });
        assert.ok(r.value.rejected.every((x) => x.index === k));
        assert.equal(r.value.events.length + r.value.rejected.length, evs.length);
      },
    ),
    { numRuns: 500 },
  );
});

test("arbitrary bytes, framings and limits never throw", () => {
  const framings = fc.constantFrom(undefined, "application/json", "application/x-ndjson");
  fc.assert(
    fc.property(
      fc.oneof(
        fc.uint8Array({ maxLength: 200 }),
        events.chain((evs) =>
          fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 4 })).map(([at, bytes]) => {
            const b = Buffer.from(JSON.stringify(evs));
            b.set(bytes.subarray(0, Math.max(0, b.length - (at % b.length))), at % b.length);
            return new Uint8Array(b);
          }),
        ),
      ),
      framings,
      fc.integer({ min: 1, max: 64 }),
      (bytes, contentType, maxDepth) => {
        const r = parseEventBatch(Buffer.from(bytes), {
          ...OPTS,
          maxDepth,
          maxEventBytes: 100,
          ...(contentType === undefined ? {} : { contentType }),
        });
        if (r.ok)
          for (const e of r.value.events) assert.ok(typeof e.event === "object" && !Array.isArray(e.event));
      },
    ),
    { numRuns: 1000 },
  );
});

test("array bodies: corrupting one element keeps every element before it", () => {
  fc.assert(
    fc.property(
      fc.array(jsonObject, { minLength: 2, maxLength: 15 }),
      fc.nat(),
      fc.nat(),
      (evs, which, at) => {
        const k = which % evs.length;
        const parts = evs.map((e) => JSON.stringify(e));
        const p = parts[k]!;
        const i = at % p.length;
        parts[k] = `${p.slice(0, i)}\u0001${p.slice(i + 1)}`; // a raw control byte is never valid JSON
        const r = parseEventBatch(Buffer.from(`[${parts.join(",")}]`), OPTS);
        assert.ok(r.ok);
        const byIndex = new Map(r.value.events.map((e) => [e.index, e.event]));
        for (let j = 0; j < k; j++) assert.deepEqual(byIndex.get(j), evs[j]);
        assert.ok(r.value.rejected.some((x) => x.index === k));
      },
    ),
    { numRuns: 500 },
  );
});
