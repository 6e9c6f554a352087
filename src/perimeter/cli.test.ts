// `corridor bouncer` and `corridor decisions` (src/cli/bouncer.ts) on a node's embedded store: a
// key printed once that the stream then accepts, listing, deletion, durations, usage errors.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { UsageError } from "../cli/args.js";
import { bouncerCommand, decisionsCommand, parseDecisionDuration } from "../cli/bouncer.js";
import { loadConfig } from "../node/config.js";
import { openNodeDatabase } from "../node/storage.js";
import type { StreamBody } from "./stream.js";
import { streamDecisions } from "./stream.js";

async function capture(run: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  const [o, e] = [process.stdout.write, process.stderr.write];
  let out = "";
  let err = "";
  process.stdout.write = ((s: string) => {
    out += s;
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => {
    err += s;
    return true;
  }) as typeof process.stderr.write;
  try {
    return { code: await run(), out, err };
  } finally {
    process.stdout.write = o;
    process.stderr.write = e;
  }
}

describe("corridor bouncer / decisions", () => {
  let dir: string;
  let config: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "corridor-bouncer-cli-"));
    config = join(dir, "corridor.yaml");
    writeFileSync(config, "node:\n  id: fr\n  jurisdiction: FR\n");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("adds a bouncer whose key the stream accepts, and decisions it receives", async () => {
    const wide = await capture(() =>
      decisionsCommand(["add", "203.0.0.0/16", "--duration", "7d", "--config", config, "--format", "json"]),
    );
    assert.equal(wide.code, 0, wide.err);
    const added = await capture(() =>
      bouncerCommand(["add", "edge-fw", "--expand-ranges", "--config", config, "--format", "json"]),
    );
    assert.equal(added.code, 0, added.err);
    const { apiKey, warnings } = JSON.parse(added.out) as { apiKey: string; warnings: string[] };
    assert.match(apiKey, /^[0-9a-f]{48}$/);
    assert.match(warnings.join(), /1 in force now \(203\.0\.0\.0\/16\)/);
    assert.match(added.err, /warning:/);
    const again = await capture(() => bouncerCommand(["add", "edge-fw", "--config", config]));
    assert.equal(again.code, 1);

    const d = await capture(() =>
      decisionsCommand([
        "add",
        "192.0.2.4/31",
        "--duration",
        "1h30m",
        "--reason",
        "c2",
        "--config",
        config,
        "--format",
        "json",
      ]),
    );
    const decision = JSON.parse(d.out) as { id: string; origin: string; until: string; createdAt: string };
    assert.equal(decision.origin, "fr");
    assert.equal(Date.parse(decision.until) - Date.parse(decision.createdAt), 90 * 60_000);

    const loaded = loadConfig(config);
    assert.ok(loaded.ok);
    const db = await openNodeDatabase(loaded.value);
    try {
      const r = await streamDecisions(db, { apiKey, startup: true, query: {} }, new Date());
      assert.deepEqual(
        ((r.body as StreamBody).new ?? []).map((x) => x.value),
        ["192.0.2.4", "192.0.2.5"],
      );
      assert.equal(r.withheld, 1);
    } finally {
      await db.close();
    }

    const list = await capture(() => decisionsCommand(["list", "--config", config, "--format", "json"]));
    assert.equal((JSON.parse(list.out) as unknown[]).length, 2);
    const del = await capture(() => decisionsCommand(["delete", decision.id, "--config", config]));
    assert.equal(del.code, 0, del.err);
    assert.equal(
      (await capture(() => decisionsCommand(["delete", decision.id, "--config", config]))).code,
      1,
    );
    const all = await capture(() =>
      decisionsCommand(["list", "--all", "--config", config, "--format", "json"]),
    );
    assert.deepEqual(
      (JSON.parse(all.out) as { deletedReason: string | null }[]).map((x) => x.deletedReason),
      ["deleted", null],
    );

    const bl = await capture(() => bouncerCommand(["list", "--config", config, "--format", "json"]));
    assert.deepEqual(
      (JSON.parse(bl.out) as { name: string; expandRanges: boolean }[]).map((b) => [b.name, b.expandRanges]),
      [["edge-fw", true]],
    );
    assert.equal((await capture(() => bouncerCommand(["delete", "edge-fw", "--config", config]))).code, 0);
    assert.equal((await capture(() => bouncerCommand(["delete", "edge-fw", "--config", config]))).code, 1);
  });

  it("refuses bad input as usage errors", async () => {
    await assert.rejects(decisionsCommand(["add", "192.0.2.1", "--config", config]), UsageError);
    await assert.rejects(
      decisionsCommand(["add", "192.0.2.1", "--duration", "4x", "--config", config]),
      UsageError,
    );
    await assert.rejects(
      decisionsCommand(["add", "example.org", "--duration", "4h", "--config", config]),
      UsageError,
    );
    await assert.rejects(bouncerCommand(["frobnicate", "--config", config]), UsageError);
    await assert.rejects(bouncerCommand(["delete", "--config", config]), UsageError);
  });

  it("reads durations as Go does, plus whole days", () => {
    assert.equal(parseDecisionDuration("4h"), 4 * 3_600_000);
    assert.equal(parseDecisionDuration("1h30m"), 90 * 60_000);
    assert.equal(parseDecisionDuration("7d"), 7 * 86_400_000);
    assert.equal(parseDecisionDuration("500ms"), 500);
    for (const bad of ["0", "0d", "-1h", "4", "1w", "100us"])
      assert.equal(parseDecisionDuration(bad), undefined, bad);
  });
});
