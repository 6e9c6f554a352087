// Schema migrations: numbered .sql files applied once each, in order, recorded with a checksum.
// An applied file that has since changed stops start-up: the database would not match the code.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { err, ok, type Problem, type Result } from "../core/result.js";
import type { Database } from "./database.js";

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  readonly checksum: string;
}

export interface MigrateOptions {
  /** Folder of NNN_name.sql files; default migrationsDir(). */
  readonly dir?: string | undefined;
}

const FILE = /^(\d{3,})_([a-z0-9_]+)\.sql$/;
// Any constant: all starters of this database take the same transaction-scoped lock.
const MIGRATION_LOCK = 7_302_114_093;

/**
 * The package's src/store/migrations folder, found from this module's location: compiled code
 * runs from dist/src/store, sources from src/store; both lead up to the package root.
 */
export function migrationsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, "src", "store", "migrations");
    if (existsSync(join(dir, "package.json")) && existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error(`no src/store/migrations folder above ${fileURLToPath(import.meta.url)}`);
}

export async function loadMigrations(dir: string = migrationsDir()): Promise<Result<Migration[], Problem>> {
  const names = (await readdir(dir)).filter((n) => n.endsWith(".sql")).sort();
  const out: Migration[] = [];
  for (const file of names) {
    const m = FILE.exec(file);
    if (m === null) {
      return err({
        code: "store.migration-name",
        message: `migration file name must be NNN_name.sql`,
        path: file,
      });
    }
    const version = Number(m[1]);
    if (out.some((x) => x.version === version)) {
      return err({
        code: "store.migration-duplicate",
        message: `two migrations numbered ${version}`,
        path: file,
      });
    }
    const sql = await readFile(join(dir, file), "utf8");
    out.push({ version, name: m[2]!, sql, checksum: createHash("sha256").update(sql).digest("hex") });
  }
  return ok(out);
}

export interface MigrateReport {
  /** Versions applied by this call (empty when the schema was current). */
  readonly applied: readonly number[];
  readonly current: number;
}

/** Applies pending migrations in one transaction, serialised against concurrent starters. */
export async function migrate(
  db: Database,
  opts: MigrateOptions = {},
): Promise<Result<MigrateReport, Problem>> {
  const loaded = await loadMigrations(opts.dir);
  if (!loaded.ok) return loaded;
  const migrations = loaded.value;
  return db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    integer     PRIMARY KEY,
      name       text        NOT NULL,
      checksum   text        NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await tx.query<{ version: number; name: string; checksum: string }>(
      "SELECT version, name, checksum FROM schema_migrations ORDER BY version",
    );
    const known = new Map(migrations.map((m) => [m.version, m]));
    for (const row of rows) {
      const m = known.get(row.version);
      if (m === undefined) {
        return err({
          code: "store.migration-unknown",
          message: `the database has migration ${row.version} (${row.name}) that this version does not know: is the code older than the database?`,
        });
      }
      if (m.checksum !== row.checksum) {
        return err({
          code: "store.migration-changed",
          message: `migration ${row.version}_${row.name}.sql was changed after it was applied (checksum ${row.checksum.slice(0, 12)} in the database, ${m.checksum.slice(0, 12)} on disk); add a new migration instead`,
        });
      }
    }
    const done = new Set(rows.map((r) => r.version));
    const applied: number[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      await tx.exec(m.sql);
      await tx.query("INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)", [
        m.version,
        m.name,
        m.checksum,
      ]);
      applied.push(m.version);
    }
    return ok({ applied, current: migrations.at(-1)?.version ?? 0 });
  });
}
