// Test support: the store backends a contract suite runs against, each able to open a fresh,
// isolated, migrated database. PostgreSQL runs get their own schema, dropped on close. Also the
// reachability checks every test of a real server uses, so each skip says how to fix it.
import { randomBytes } from "node:crypto";
import { connect } from "node:net";
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
  return { kind: "postgres", skip: await postgresSkipReason(url), open: () => openIsolatedPostgres(url) };
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

/** Why PostgreSQL at `url` cannot be used (it does not answer SELECT 1 within 3 s), or undefined. */
export async function postgresSkipReason(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.query("SELECT 1");
    return undefined;
  } catch (e) {
    return `PostgreSQL unreachable at ${redactUrl(url)} (${e instanceof Error ? e.message : String(e)}): set DATABASE_URL`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Why NATS at `url` cannot be used (no TCP connection within 3 s), or undefined. */
export async function natsSkipReason(url: string): Promise<string | undefined> {
  const { hostname, port } = new URL(url);
  const up = await new Promise<boolean>((resolve) => {
    const s = connect({ host: hostname, port: Number(port || 4222) });
    s.setTimeout(3000, () => {
      s.destroy();
      resolve(false);
    });
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
  return up ? undefined : `NATS unreachable at ${redactUrl(url)}: start nats-server -js or set NATS_URL`;
}

/** A server URL without its password. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
}
