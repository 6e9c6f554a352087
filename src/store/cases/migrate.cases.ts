// Migrations: idempotent, serialised, and refusing a database whose applied files changed.
import assert from "node:assert/strict";
import { cp, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { it } from "node:test";
import { loadMigrations, migrate, migrationsDir } from "../migrate.js";
import { type CaseContext, must } from "./context.js";

async function copyMigrations(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "corridor-migrations-"));
  await cp(migrationsDir(), dir, { recursive: true });
  return dir;
}

export function migrateCases(ctx: CaseContext): void {
  it("finds the migrations folder and lists NNN_name.sql files in order with checksums", async () => {
    const ms = must(await loadMigrations());
    assert.ok(ms.length >= 2);
    assert.deepEqual(
      ms.map((m) => m.version),
      [...ms.map((m) => m.version)].sort((a, b) => a - b),
    );
    assert.ok(ms.every((m) => /^[0-9a-f]{64}$/.test(m.checksum)));
    assert.equal((await readdir(migrationsDir())).filter((f) => f.endsWith(".sql")).length, ms.length);
  });

  it("records every migration and applies nothing the second time, even when started concurrently", async () => {
    const db = ctx.db();
    const again = await Promise.all([migrate(db), migrate(db)]);
    for (const r of again) assert.deepEqual(must(r).applied, []);
    const { rows } = await db.query<{ version: number; checksum: string }>(
      "SELECT version, checksum FROM schema_migrations ORDER BY version",
    );
    const files = must(await loadMigrations());
    assert.deepEqual(
      rows,
      files.map((m) => ({ version: m.version, checksum: m.checksum })),
    );
  });

  it("applies a new migration once, and refuses to start when an applied file has changed", async () => {
    const db = ctx.db();
    const dir = await copyMigrations();
    try {
      await writeFile(
        join(dir, "900_probe.sql"),
        "CREATE TABLE probe_900 (x int);\nINSERT INTO probe_900 VALUES (1);\n",
      );
      assert.deepEqual(must(await migrate(db, { dir })).applied, [900]);
      assert.deepEqual(must(await migrate(db, { dir })).applied, []);
      assert.equal((await db.query("SELECT x FROM probe_900")).rowCount, 1);

      await writeFile(join(dir, "900_probe.sql"), "CREATE TABLE probe_900 (x int, y int);\n");
      const changed = await migrate(db, { dir });
      assert.equal(changed.ok, false);
      if (!changed.ok) {
        assert.equal(changed.error.code, "store.migration-changed");
        assert.match(changed.error.message, /900_probe\.sql/);
      }

      // And the code without 900 no longer matches the database either.
      const older = await migrate(db);
      assert.equal(older.ok, false);
      if (!older.ok) assert.equal(older.error.code, "store.migration-unknown");
    } finally {
      await db.transaction(async (tx) => {
        await tx.query("DROP TABLE probe_900");
        await tx.query("DELETE FROM schema_migrations WHERE version = 900");
      });
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("rolls back a failing migration entirely (no half-applied schema, nothing recorded)", async () => {
    const db = ctx.db();
    const dir = await copyMigrations();
    try {
      await writeFile(
        join(dir, "901_broken.sql"),
        "CREATE TABLE half_901 (x int);\nSELECT * FROM no_such_table;\n",
      );
      await assert.rejects(migrate(db, { dir }), /no_such_table/);
      const t = await db.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'half_901'");
      assert.equal(t.rowCount, 0);
      assert.equal((await db.query("SELECT 1 FROM schema_migrations WHERE version = 901")).rowCount, 0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("rejects badly named or duplicate-numbered migration files", async () => {
    const dir = await copyMigrations();
    try {
      await writeFile(join(dir, "001_again.sql"), "SELECT 1;");
      const dup = await loadMigrations(dir);
      assert.equal(dup.ok ? "" : dup.error.code, "store.migration-duplicate");
      await rm(join(dir, "001_again.sql"));
      await writeFile(join(dir, "7-bad name.sql"), "SELECT 1;");
      const bad = await loadMigrations(dir);
      assert.equal(bad.ok ? "" : bad.error.code, "store.migration-name");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}
