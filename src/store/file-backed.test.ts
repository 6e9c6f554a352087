// A file-backed PGlite database keeps its data across close and reopen, and is migrated once.
import assert from "node:assert/strict";
import { appendFile, cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { it } from "node:test";
import { appendAudit, verifyAudit } from "../audit/index.js";
import { openDatabase, StoreError } from "./database.js";
import { getEvent, insertEvents } from "./events-repo.js";
import { createIncident, getIncident } from "./incidents-repo.js";
import { migrate, migrationsDir } from "./migrate.js";
import { getState, putState } from "./state-repo.js";

it("keeps events, incidents, state and the audit chain across close and reopen of the data folder", async () => {
  const dir = await mkdtemp(join(tmpdir(), "corridor-pglite-"));
  try {
    const now = new Date("2025-05-01T08:00:00Z");
    const first = await openDatabase({ dataDir: dir });
    const [eventId] = await insertEvents(first, [
      { receivedAt: now, source: "winlog", raw: { EventID: 4625, User: "jörg" } },
    ]);
    const inc = await createIncident(
      first,
      {
        title: "Brute force",
        severity: "medium",
        classification: { level: "restricted", releasableTo: ["DE"] },
      },
      "ana",
      now,
    );
    await putState(first, "detect/cursor", { offset: 42 }, now);
    await appendAudit(
      first,
      { actor: "ana", action: "incident.create", target: inc.id, outcome: "success" },
      now,
    );
    await first.close();

    const second = await openDatabase({ dataDir: dir });
    try {
      assert.deepEqual((await getEvent(second, eventId!))?.raw, { EventID: 4625, User: "jörg" });
      assert.deepEqual(await getIncident(second, inc.id), inc);
      assert.deepEqual(await getState(second, "detect/cursor"), { offset: 42 });
      const v = await verifyAudit(second);
      assert.equal(v.ok && v.entries, 1);
      const again = await migrate(second);
      assert.ok(again.ok && again.value.applied.length === 0);
    } finally {
      await second.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

it("refuses to open a database whose applied migration file has since changed", async () => {
  const dir = await mkdtemp(join(tmpdir(), "corridor-pglite-"));
  const migrations = await mkdtemp(join(tmpdir(), "corridor-migrations-"));
  try {
    await cp(migrationsDir(), migrations, { recursive: true });
    await (await openDatabase({ dataDir: dir, migrations: { dir: migrations } })).close();
    await appendFile(join(migrations, "001_soc.sql"), "\n-- an innocent-looking edit\n");
    await assert.rejects(
      openDatabase({ dataDir: dir, migrations: { dir: migrations } }),
      (e: unknown) => e instanceof StoreError && e.code === "store.migration-changed",
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
    await rm(migrations, { recursive: true, force: true });
  }
});
