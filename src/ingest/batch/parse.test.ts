import assert from "node:assert/strict";
import { test } from "node:test";
import { deflateSync, gzipSync } from "node:zlib";
import { type EventBatchOptions, parseEventBatch } from "./index.js";

const OPTS: EventBatchOptions = { maxEventBytes: 4096, maxEvents: 1000, maxDecompressedBytes: 1 << 20 };
const parse = (body: string | Buffer, extra: Partial<EventBatchOptions> = {}) => {
  const r = parseEventBatch(typeof body === "string" ? Buffer.from(body) : body, { ...OPTS, ...extra });
  assert.ok(r.ok, JSON.stringify(r));
  return r.value;
};
const problem = (body: string | Buffer, extra: Partial<EventBatchOptions> = {}) => {
  const r = parseEventBatch(typeof body === "string" ? Buffer.from(body) : body, { ...OPTS, ...extra });
  assert.ok(!r.ok, JSON.stringify(r));
  return r.error;
};
const codes = (b: { rejected: { index: number; code: string }[] }) =>
  b.rejected.map((r) => [r.index, r.code]);

test("a JSON array: every object accepted with its index and byte size", () => {
  const b = parse(' [ {"a":1} ,\n{"b":"x,]}\\"y"} ] ', { contentType: "application/json; charset=utf-8" });
  assert.deepEqual(b.events, [
    { index: 0, event: { a: 1 }, text: '{"a":1}', bytes: 7 },
    { index: 1, event: { b: 'x,]}"y' }, text: '{"b":"x,]}\\"y"}', bytes: 15 },
  ]);
  assert.deepEqual(b.rejected, []);
});

test("an empty array is an empty batch; an empty or blank body is an error", () => {
  assert.deepEqual(parse("[ ]"), { events: [], rejected: [] });
  assert.equal(problem("").code, "empty-body");
  assert.equal(problem(" \n\t").code, "empty-body");
  assert.equal(problem("\n\n", { contentType: "application/x-ndjson" }).code, "empty-body");
});

test("NDJSON: by content type or sniffed; blank lines and CRLF tolerated; lines reported", () => {
  const body = '{"a":1}\r\n\n  \n{"b":2}\n{"c":\n';
  for (const contentType of ["application/x-ndjson", "application/jsonl", "application/json", undefined]) {
    const b = parse(body, contentType === undefined ? {} : { contentType });
    assert.deepEqual(
      b.events.map((e) => [e.index, e.event]),
      [
        [0, { a: 1 }],
        [1, { b: 2 }],
      ],
    );
    assert.deepEqual(codes(b), [[2, "invalid-json"]]);
    assert.equal(b.rejected[0]?.bodyLine, 5);
  }
});

test("a single pretty-printed object sent as application/json is one event", () => {
  const b = parse('{\n  "a": 1,\n  "b": {"c": [1, 2]}\n}\n');
  assert.deepEqual(
    b.events.map((e) => e.event),
    [{ a: 1, b: { c: [1, 2] } }],
  );
});

test("per-event rejections in an array; good neighbours survive", () => {
  const big = JSON.stringify({ x: "y".repeat(5000) });
  const body = `[{"ok":0}, 42, [1], null, "s", {"a":1,}, ${big}, {"ok":7}, {"a":1}}, {"ok":9}]`;
  const b = parse(body);
  assert.deepEqual(
    b.events.map((e) => [e.index, e.event]),
    [
      [0, { ok: 0 }],
      [7, { ok: 7 }],
      [9, { ok: 9 }],
    ],
  );
  assert.deepEqual(codes(b), [
    [1, "not-an-object"],
    [2, "not-an-object"],
    [3, "not-an-object"],
    [4, "not-an-object"],
    [5, "invalid-json"],
    [6, "event-too-large"],
    [8, "invalid-json"],
  ]);
  const bad = b.rejected.find((r) => r.index === 5)!;
  assert.deepEqual([bad.line, bad.column, bad.offset], [1, 8, 7]);
  assert.match(bad.message, /line 1 column 8 \(byte 7\): expected a property name/);
});

test("invalid-json locates the error by line and column within the event", () => {
  const b = parse('[{"a":\n  1,\n  "b": x}]');
  const r = b.rejected[0]!;
  assert.equal(r.code, "invalid-json");
  assert.deepEqual([r.line, r.column, r.offset], [3, 8, 18]);
  assert.match(r.message, /expected a value, unexpected character "x"/);
});

test("broken array structure: earlier elements kept, the rest rejected with a clear message", () => {
  const b = parse('[{"a":1}, {"b":"unterminated}, {"c":3}]');
  assert.deepEqual(
    b.events.map((e) => e.event),
    [{ a: 1 }],
  );
  assert.deepEqual(codes(b), [[1, "invalid-json"]]);
  assert.match(b.rejected[0]!.message, /array structure is broken from byte 10 \(unterminated string/);

  const open = parse('[{"a":1}, {"b":[2}, {"c":3}]');
  assert.deepEqual(
    open.events.map((e) => e.event),
    [{ a: 1 }],
  );
  assert.deepEqual(codes(open), [
    [1, "invalid-json"],
    [2, "invalid-json"],
  ]);
  assert.match(open.rejected[1]!.message, /not closed with \]/);

  const unbalanced = parse('[{"a":1}, {"b":[[2}, {"c":3}]');
  assert.deepEqual(codes(unbalanced), [[1, "invalid-json"]]);
  assert.match(unbalanced.rejected[0]!.message, /unbalanced brackets: 1 not closed/);

  const truncated = parse('[{"a":1}, {"b":2}');
  assert.deepEqual(
    truncated.events.map((e) => e.event),
    [{ a: 1 }, { b: 2 }],
  );
  assert.deepEqual(codes(truncated), [[2, "invalid-json"]]);
  assert.match(truncated.rejected[0]!.message, /not closed with \]/);

  const tail = parse('[{"a":1}] {"b":2}');
  assert.deepEqual(codes(tail), [[1, "invalid-json"]]);
  assert.match(tail.rejected[0]!.message, /after the closing \]/);

  const commas = parse('[{"a":1},,{"b":2},]');
  assert.deepEqual(codes(commas), [
    [1, "invalid-json"],
    [3, "invalid-json"],
  ]);
  assert.deepEqual(
    commas.events.map((e) => e.index),
    [0, 2],
  );
});

test("invalid UTF-8 rejects only the event that holds it", () => {
  const body = Buffer.concat([
    Buffer.from('{"a":"é"}\n{"b":"'),
    Buffer.from([0xc3, 0x28]),
    Buffer.from('"}\n{"c":"\u{1F600}"}\n'),
  ]);
  const b = parse(body, { contentType: "application/x-ndjson" });
  assert.deepEqual(
    b.events.map((e) => e.event),
    [{ a: "é" }, { c: "\u{1F600}" }],
  );
  assert.deepEqual(codes(b), [[1, "invalid-utf8"]]);
  assert.match(b.rejected[0]!.message, /at byte 6 /);
});

test("too deep and too many fields", () => {
  const deep = (n: number) => `${'{"a":'.repeat(n - 1)}{}${"}".repeat(n - 1)}`;
  const b = parse(`[${deep(64)}, ${deep(65)}, ${deep(100000)}]`, { maxEventBytes: 1 << 20 });
  assert.deepEqual(codes(b), [
    [1, "too-deep"],
    [2, "too-deep"],
  ]);
  const wide = JSON.stringify(Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, { x: 1 }])));
  assert.deepEqual(codes(parse(`[${wide}]`, { maxFields: 21 })), [[0, "too-many-fields"]]);
  assert.deepEqual(codes(parse(`[${wide}]`, { maxFields: 22 })), []);
});

test("batch-level problems", () => {
  assert.equal(problem("{}", { contentType: "text/plain" }).code, "unsupported-media-type");
  assert.equal(problem("{}", { contentEncoding: "br" }).code, "unsupported-encoding");
  assert.equal(problem("{}", { contentEncoding: "gzip, gzip" }).code, "unsupported-encoding");
  assert.equal(problem("{}", { contentEncoding: "gzip" }).code, "invalid-encoding");
  assert.equal(problem("[{},{},{}]", { maxEvents: 2 }).code, "too-many-events");
  assert.equal(problem("{}\n{}\n{}\n", { maxEvents: 2 }).code, "too-many-events");
  assert.equal(parse("[{},{}]", { maxEvents: 2 }).events.length, 2);
  assert.equal(problem("[{}]", { maxDecompressedBytes: 3 }).code, "body-too-large");
});

test("gzip and deflate bodies; a zip bomb is refused at the cap without inflating it", () => {
  const body = '[{"a":1},{"b":2}]';
  assert.equal(parse(gzipSync(body), { contentEncoding: "gzip" }).events.length, 2);
  assert.equal(parse(deflateSync(body), { contentEncoding: "deflate" }).events.length, 2);
  // Two gzip members back to back are one stream (RFC 1952), as curl --data-binary of cat'ed files sends.
  const two = Buffer.concat([gzipSync('{"a":1}\n'), gzipSync('{"b":2}\n')]);
  assert.equal(parse(two, { contentEncoding: "gzip", contentType: "application/x-ndjson" }).events.length, 2);
  const bomb = gzipSync(Buffer.alloc(512 << 20, 0x20)); // 512 MiB of spaces, ~500 KB compressed
  const before = process.memoryUsage().rss;
  const t0 = performance.now();
  assert.equal(
    problem(bomb, { contentEncoding: "gzip", maxDecompressedBytes: 8 << 20 }).code,
    "body-too-large",
  );
  assert.ok(performance.now() - t0 < 2000);
  assert.ok(process.memoryUsage().rss - before < 128 << 20, "decompression was not capped");
});

test("a UTF-8 byte-order mark before the body is ignored", () => {
  const bom = Buffer.from([0xef, 0xbb, 0xbf]);
  assert.equal(parse(Buffer.concat([bom, Buffer.from('[{"a":1}]')])).events.length, 1);
  assert.equal(parse(Buffer.concat([bom, Buffer.from('{"a":1}\n{"b":1}')])).events.length, 2);
});

test("1,000 events of ~2 KB parse in a few milliseconds", (t) => {
  const event = (i: number) => ({
    EventID: 4688,
    Channel: "Security",
    Computer: `host-${i}.example.org`,
    CommandLine: `C:\\Windows\\System32\\cmd.exe /c "echo ${"x".repeat(1700)}"`,
    ProcessId: i,
    Nested: { a: [1, 2, 3], b: { c: "d" } },
  });
  const events = Array.from({ length: 1000 }, (_, i) => event(i));
  const asArray = Buffer.from(JSON.stringify(events));
  const asLines = Buffer.from(events.map((e) => JSON.stringify(e)).join("\n"));
  const opts = { ...OPTS, maxDecompressedBytes: 16 << 20 };
  const time = (body: Buffer, contentType: string) => {
    for (let i = 0; i < 5; i++) parseEventBatch(body, { ...opts, contentType });
    const runs: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      const r = parseEventBatch(body, { ...opts, contentType });
      runs.push(performance.now() - t0);
      assert.ok(r.ok && r.value.events.length === 1000);
    }
    return runs.sort((a, b) => a - b)[10]!;
  };
  const array = time(asArray, "application/json");
  const lines = time(asLines, "application/x-ndjson");
  t.diagnostic(
    `${(asArray.length / 1e6).toFixed(2)} MB: array ${array.toFixed(2)} ms, ndjson ${lines.toFixed(2)} ms (median)`,
  );
  assert.ok(array < 250 && lines < 250, "parsing is far slower than expected");
});
