// Embedded PGlite adapter. PGlite is one connection: every statement and transaction goes through
// one queue, so a transaction's statements never interleave with another caller's.
import { PGlite } from "@electric-sql/pglite";
import type { Database, Tx } from "./database.js";
import { normaliseParams } from "./values.js";

/** A FIFO lock: `run` waits for every earlier holder to finish. */
class Queue {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn, fn);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

export async function openPglite(opts: { readonly dataDir?: string | undefined }): Promise<Database> {
  const pg = opts.dataDir === undefined ? new PGlite() : new PGlite(opts.dataDir);
  await pg.waitReady;
  const queue = new Queue();

  const raw = async <R>(text: string, params: readonly unknown[] | undefined) => {
    const r = await pg.query<R>(text, normaliseParams(params));
    return { rows: r.rows, rowCount: r.rowCount ?? r.affectedRows ?? r.rows.length };
  };

  return {
    kind: "pglite",
    query: (text, params) => queue.run(() => raw(text, params)),
    transaction: <T>(fn: (tx: Tx) => Promise<T>) =>
      queue.run(async () => {
        let open = true;
        const guard = () => {
          if (!open) throw new Error("transaction already finished: use it only inside its callback");
        };
        const tx: Tx = {
          query: async (text, params) => {
            guard();
            return raw(text, params);
          },
          exec: async (script) => {
            guard();
            await pg.exec(script);
          },
        };
        await pg.query("BEGIN");
        try {
          const value = await fn(tx);
          open = false;
          await pg.query("COMMIT");
          return value;
        } catch (e) {
          open = false;
          await pg.query("ROLLBACK");
          throw e;
        }
      }),
    close: () => queue.run(() => pg.close()),
  };
}
