// The store's port: one SQL interface over embedded PGlite and PostgreSQL, so repositories and
// migrations are written once. Values come back the same on both (see values.ts).
import { type MigrateOptions, migrate } from "./migrate.js";

/** Anything that runs SQL: the database itself or an open transaction. */
export interface Sql {
  query<R extends Record<string, unknown> = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
  ): Promise<{ rows: R[]; rowCount: number }>;
}

/** An open transaction. `exec` runs a multi-statement script without parameters (migrations). */
export interface Tx extends Sql {
  exec(script: string): Promise<void>;
}

export interface Database extends Sql {
  readonly kind: "pglite" | "postgres";
  /**
   * Runs `fn` in one transaction: COMMIT when it resolves, ROLLBACK when it throws. Inside `fn`
   * use `tx` only: on PGlite (one connection, one queue) calling the database itself from within
   * `fn` would wait for `fn` forever. Repositories given `tx` join it (see inTransaction).
   */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** postgres://... : use PostgreSQL through a pool. Absent: embedded PGlite. */
  readonly databaseUrl?: string | undefined;
  /** PGlite data folder; undefined means in-memory. Ignored for PostgreSQL. */
  readonly dataDir?: string | undefined;
  /** PostgreSQL only: a schema to create and use via search_path (test isolation, tenants). */
  readonly schema?: string | undefined;
  /** PostgreSQL pool size (default 10). */
  readonly poolSize?: number | undefined;
  /** Apply pending migrations on open (default true). A changed applied migration throws. */
  readonly migrate?: boolean | undefined;
  readonly migrations?: MigrateOptions | undefined;
}

/** Raised at start-up when the database cannot be used as is (a changed migration). */
export class StoreError extends Error {
  override readonly name = "StoreError";
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  let db: Database;
  if (opts.databaseUrl !== undefined && opts.databaseUrl !== "") {
    const { openPostgres } = await import("./postgres.js");
    db = await openPostgres({ url: opts.databaseUrl, schema: opts.schema, poolSize: opts.poolSize });
  } else {
    const { openPglite } = await import("./pglite.js");
    db = await openPglite({ dataDir: opts.dataDir });
  }
  if (opts.migrate !== false) {
    const r = await migrate(db, opts.migrations ?? {}).catch(async (e: unknown) => {
      await db.close();
      throw e;
    });
    if (!r.ok) {
      await db.close();
      throw new StoreError(r.error.code, r.error.message);
    }
  }
  return db;
}

export function isDatabase(sql: Sql): sql is Database {
  return typeof (sql as Partial<Database>).transaction === "function";
}

/**
 * Runs `fn` atomically: in a new transaction when given the database, inside the caller's
 * transaction when given one (so a repository call can join a larger unit of work).
 */
export function inTransaction<T>(sql: Sql, fn: (tx: Sql) => Promise<T>): Promise<T> {
  return isDatabase(sql) ? sql.transaction(fn) : fn(sql);
}
