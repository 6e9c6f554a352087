import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { loadConfig, parseConfig } from "./config.js";

const minimal = { node: { id: "fr", jurisdiction: "FR" } };

test("a minimal config gets defaults that work on one machine", () => {
  const r = parseConfig(minimal, {});
  assert.ok(r.ok);
  assert.deepEqual(r.value.listen, { host: "127.0.0.1", port: 8440 });
  assert.equal(r.value.dataDir, ".corridor/data");
  assert.deepEqual(r.value.storage, {});
  assert.equal(r.value.nats.url, undefined);
  assert.equal(r.value.detection.dedupWindow, 15 * 60_000);
  assert.equal(r.value.ingest.maxEvents, 20_000);
});

test("environment overrides: DATABASE_URL, NATS_URL, CORRIDOR_LISTEN", () => {
  const r = parseConfig(minimal, {
    DATABASE_URL: "postgres://127.0.0.1:5432/test",
    NATS_URL: "nats://127.0.0.1:4222",
    CORRIDOR_LISTEN: "0.0.0.0:9000",
  });
  assert.ok(r.ok);
  assert.equal(r.value.storage.databaseUrl, "postgres://127.0.0.1:5432/test");
  assert.equal(r.value.nats.url, "nats://127.0.0.1:4222");
  assert.deepEqual(r.value.listen, { host: "0.0.0.0", port: 9000 });
  const bad = parseConfig(minimal, { CORRIDOR_LISTEN: "9000" });
  assert.ok(!bad.ok);
  assert.equal(bad.error[0]?.code, "invalid-env");
});

test("every problem is named with its path", () => {
  const r = parseConfig(
    {
      node: { id: "FR!", jurisdiction: "france" },
      listen: { port: 70000 },
      unknown: 1,
      detection: { dedupWindow: "soon" },
    },
    {},
  );
  assert.ok(!r.ok);
  const messages = r.error.map((p) => p.message).join("\n");
  for (const where of ["node.id", "node.jurisdiction", "listen.port", "detection.dedupWindow", "unknown"]) {
    assert.match(messages, new RegExp(where.replace(".", "\\.")), `mentions ${where}`);
  }
});

test("durations parse into milliseconds", () => {
  for (const [text, ms] of [
    ["500ms", 500],
    ["30s", 30_000],
    ["15m", 900_000],
    ["4h", 14_400_000],
    ["7d", 604_800_000],
  ] as const) {
    const r = parseConfig({ ...minimal, detection: { dedupWindow: text } }, {});
    assert.ok(r.ok);
    assert.equal(r.value.detection.dedupWindow, ms);
  }
});

test("a YAML file: syntax errors carry the line; paths resolve against the file's folder", () => {
  const dir = mkdtempSync(join(tmpdir(), "corridor-config-"));
  const bad = join(dir, "bad.yaml");
  writeFileSync(bad, "node:\n  id: fr\n  jurisdiction: [FR\n");
  const r = loadConfig(bad, {});
  assert.ok(!r.ok);
  assert.equal(r.error[0]?.code, "invalid-yaml");
  assert.equal(typeof r.error[0]?.line, "number");
  const good = join(dir, "corridor.yaml");
  writeFileSync(good, "node:\n  id: de\n  jurisdiction: DE\nrules: [rules]\n");
  const g = loadConfig(good, {});
  assert.ok(g.ok);
  assert.equal(g.value.baseDir, dir);
  assert.equal(g.value.config.node.id, "de");
  assert.equal(loadConfig(join(dir, "missing.yaml"), {}).ok, false);
});
