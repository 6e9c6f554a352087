// Test support: the store backends a contract suite runs against, each able to open a fresh,
// isolated, migrated database. PostgreSQL runs get their own schema, dropped on close.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { type Database, openDatabase } from "../database.js";

export const DEFAULT_TEST_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/test";

export interface Backend {
  readonly kind: Database["kind"];
  /** Why this backend cannot run here, or undefined when it can. */
  readonly skip: string | undefined;
  /** A fresh empty database with every migration applied. */
  open(): Promise<Database>;
}

export function pgliteBackend(): Backend {
  return { kind: "pglite", skip: undefined, open: () => openDatabase({}) };
}

/** PostgreSQL at DATABASE_URL (or the local default); `skip` says so when it is unreachable. */
export async function postgresBackend(): Promise<Backend> {
  const url = process.env.DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL;
  const skip = await reachable(url);
  return {
    kind: "postgres",
    skip:
      skip === undefined ? undefined : `PostgreSQL unreachable at ${redact(url)} (${skip}): set DATABASE_URL`,
    open: () => openIsolatedPostgres(url),
  };
}

export async function backends(): Promise<Backend[]> {
  return [pgliteBackend(), await postgresBackend()];
}

/** A database in a new schema t_<random>; closing it drops the schema. */
export async function openIsolatedPostgres(
  url: string,
  schema = `t_${randomBytes(6).toString("hex")}`,
): Promise<Database> {
  const db = await openDatabase({ databaseUrl: url, schema });
  return {
    kind: db.kind,
    query: (text, params) => db.query(text, params),
    transaction: (fn) => db.transaction(fn),
    close: async () => {
      try {
        await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await db.close();
      }
    },
  };
}

async function reachable(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.query("SELECT 1");
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
}
