// PostgreSQL adapter: a pg Pool; each transaction holds one client from BEGIN to COMMIT/ROLLBACK.
// Type parsers are set on this pool only (not pg's globals) to read values as PGlite does.
import pg from "pg";
import type { Database, Tx } from "./database.js";
import { normaliseParams, parseInt8 } from "./values.js";

const INT8 = 20;
const INT8_ARRAY = 1016;
const TEXT_ARRAY = 1009 as Parameters<typeof pg.types.getTypeParser>[0];

function typeParsers(): pg.CustomTypesConfig {
  const textArray = pg.types.getTypeParser(TEXT_ARRAY, "text") as (v: string) => (string | null)[];
  return {
    getTypeParser: ((oid: number, format?: "text" | "binary") => {
      if (oid === INT8) return parseInt8;
      if (oid === INT8_ARRAY)
        return (v: string) => textArray(v).map((x) => (x === null ? null : parseInt8(x)));
      return pg.types.getTypeParser(oid, format ?? "text");
    }) as pg.CustomTypesConfig["getTypeParser"],
  };
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export async function openPostgres(opts: {
  readonly url: string;
  readonly schema?: string | undefined;
  readonly poolSize?: number | undefined;
}): Promise<Database> {
  const config: pg.PoolConfig = {
    connectionString: opts.url,
    max: opts.poolSize ?? 10,
    types: typeParsers(),
  };
  if (opts.schema !== undefined) {
    if (!SCHEMA_NAME.test(opts.schema))
      throw new Error(`schema name ${JSON.stringify(opts.schema)} is not a plain identifier`);
    const setup = new pg.Client({ connectionString: opts.url });
    await setup.connect();
    try {
      await setup.query(`CREATE SCHEMA IF NOT EXISTS ${opts.schema}`);
    } finally {
      await setup.end();
    }
    // A startup parameter, so every pooled connection has it before its first query.
    config.options = `-c search_path=${opts.schema}`;
  }
  const pool = new pg.Pool(config);
  // An idle client that loses its server must not crash the process; the next query reports it.
  pool.on("error", () => undefined);
  // Fail now, not at the first request, when the server is unreachable.
  await pool.query("SELECT 1");

  const run = async <R>(
    client: pg.Pool | pg.PoolClient,
    text: string,
    params: readonly unknown[] | undefined,
  ) => {
    const r = await client.query(text, normaliseParams(params));
    return { rows: r.rows as R[], rowCount: r.rowCount ?? r.rows.length };
  };

  return {
    kind: "postgres",
    query: (text, params) => run(pool, text, params),
    transaction: async <T>(fn: (tx: Tx) => Promise<T>) => {
      const client = await pool.connect();
      let open = true;
      const guard = () => {
        if (!open) throw new Error("transaction already finished: use it only inside its callback");
      };
      const tx: Tx = {
        query: async (text, params) => {
          guard();
          return run(client, text, params);
        },
        exec: async (script) => {
          guard();
          await client.query(script);
        },
      };
      let broken: Error | undefined;
      try {
        await client.query("BEGIN");
        const value = await fn(tx);
        open = false;
        await client.query("COMMIT");
        return value;
      } catch (e) {
        open = false;
        await client.query("ROLLBACK").catch((rollbackError: unknown) => {
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        });
        throw e;
      } finally {
        // A client whose ROLLBACK failed is in an unknown state: destroy it rather than reuse it.
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}
