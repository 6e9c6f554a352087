// The TAXII store's planner statistics: each database gets its ANALYZE after its own additions.
import assert from "node:assert/strict";
import { test } from "node:test";
import { type Database, openDatabase } from "../../store/database.js";
import { addObjects, createCollection } from "./store.js";
import { indicator } from "./test-support.js";

const NOW = new Date("2026-11-22T09:00:00.000Z");

/** The row count the planner believes taxii_objects holds (-1: never analyzed). */
const planned = async (db: Database) =>
  Number(
    (await db.query<{ n: number }>("SELECT reltuples AS n FROM pg_class WHERE relname = 'taxii_objects'"))
      .rows[0]?.n,
  );

test("two databases in one process each get their statistics after their first additions", async () => {
  const dbs = [await openDatabase({}), await openDatabase({})];
  try {
    for (const [i, db] of dbs.entries()) {
      const col = await createCollection(db, { alias: "inbox", title: "inbox" }, {}, NOW);
      const objects = Array.from({ length: 3 + i }, (_, n) => indicator(n + 1));
      const status = await addObjects(db, col.id, objects, { requestedBy: "test", now: NOW });
      assert.equal(status.success_count, 3 + i);
      // a database sharing the first one's count would still be unanalyzed here
      assert.equal(await planned(db), 3 + i, `database ${i}`);
    }
  } finally {
    for (const db of dbs) await db.close();
  }
});
