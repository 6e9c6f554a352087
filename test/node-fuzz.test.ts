// Property tests at the HTTP boundary: whatever bytes arrive, with whatever content type and
// encoding, a node answers with a precise status (never a 500), loses none of the good events of
// an NDJSON body, and keeps serving.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { startTestNode, type TestNode } from "./support/node.js";

let t: TestNode;
before(async () => {
  t = await startTestNode();
});
after(() => t.stop());

const ACCEPTABLE = new Set([202, 400, 413, 415]);

test("random bodies to POST /api/v1/events: a 2xx/4xx answer with a problem or a per-event report", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        fc.uint8Array({ maxLength: 2048 }),
        fc.string({ maxLength: 2048 }).map((s) => new TextEncoder().encode(s)),
        fc.array(fc.jsonValue(), { maxLength: 20 }).map((a) => new TextEncoder().encode(JSON.stringify(a))),
      ),
      fc.constantFrom("application/json", "application/x-ndjson", "text/plain", "application/xml", ""),
      fc.boolean(),
      async (bytes, type, gzip) => {
        const body = gzip ? gzipSync(bytes) : bytes;
        const r = await t.call("analyst", "POST", "/api/v1/events", body, {
          ...(type ? { "content-type": type } : {}),
          ...(gzip ? { "content-encoding": "gzip" } : {}),
        });
        const text = await r.text();
        assert.ok(ACCEPTABLE.has(r.status), `${r.status} ${text.slice(0, 200)}`);
        const parsed = JSON.parse(text) as Record<string, unknown>;
        if (r.status === 202) assert.equal(typeof parsed.accepted, "number");
        else assert.equal(typeof parsed.code, "string");
      },
    ),
    { numRuns: 150 },
  );
  assert.equal((await fetch(`${t.url}/healthz`)).status, 200);
});

test("NDJSON with corrupted lines: every intact object line is accepted, every other line is named", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.oneof(
          fc
            .dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }))
            .map((o) => ({
              good: true,
              line: JSON.stringify(o),
            })),
          fc
            .string({ maxLength: 40 })
            .filter((s) => !s.includes("\n") && s.trim() !== "")
            .map((s) => ({
              good: false,
              line: `{${s},`, // never complete JSON: it ends on a comma
            })),
        ),
        { minLength: 1, maxLength: 30 },
      ),
      async (lines) => {
        const body = lines.map((l) => l.line).join("\n");
        const r = await t.call("analyst", "POST", "/api/v1/events", body, {
          "content-type": "application/x-ndjson",
        });
        assert.equal(r.status, 202);
        const out = (await r.json()) as { accepted: number; rejected: { index: number }[] };
        const good = lines.filter((l) => l.good).length;
        assert.equal(out.accepted, good);
        assert.deepEqual(
          out.rejected.map((x) => x.index),
          lines.flatMap((l, i) => (l.good ? [] : [i])),
        );
      },
    ),
    { numRuns: 60 },
  );
});

test("random JSON to the incident API: 201 or a 400 naming the field, never a 500", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.record(
        {
          title: fc.oneof(fc.string({ maxLength: 300 }), fc.integer(), fc.constant(null)),
          severity: fc.oneof(fc.constantFrom("low", "medium", "high", "critical", "extreme"), fc.integer()),
          tlp: fc.constantFrom("clear", "green", "amber", "amber+strict", "red", "white"),
          classification: fc.oneof(
            fc.record({ level: fc.constantFrom("unclassified", "restricted", "top-secret", "cosmic") }),
            fc.string(),
          ),
          observables: fc.array(
            fc.record({
              kind: fc.constantFrom("ipv4", "domain", "sha256", "bogus"),
              value: fc.string({ maxLength: 70 }),
            }),
            { maxLength: 4 },
          ),
          extra: fc.jsonValue({ maxDepth: 1 }),
        },
        { requiredKeys: [] },
      ),
      async (body) => {
        const r = await t.call("analyst", "POST", "/api/v1/incidents", body);
        const out = (await r.json()) as { code?: string; errors?: { path: string }[] };
        assert.ok(r.status === 201 || r.status === 400, `${r.status} ${JSON.stringify(out).slice(0, 300)}`);
        if (r.status === 400) {
          assert.equal(out.code, "invalid-body");
          assert.ok((out.errors ?? []).length > 0 && out.errors!.every((e) => e.path.startsWith("body")));
        }
      },
    ),
    { numRuns: 120 },
  );
});
