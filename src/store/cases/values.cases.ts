// Values read back the same on every backend; transactions commit, roll back and do not interleave.
import assert from "node:assert/strict";
import { it } from "node:test";
import type { CaseContext } from "./context.js";

export function valueCases(ctx: CaseContext): void {
  it("round-trips timestamptz as Date with milliseconds, and int8 as number (bigint beyond 2^53)", async () => {
    const d = new Date("2024-02-29T23:59:59.123Z");
    const { rows } = await ctx
      .db()
      .query<{ t: Date; n: number; big: bigint; c: number; arr: number[] }>(
        "SELECT $1::timestamptz AS t, 42::int8 AS n, 9007199254740993::int8 AS big, count(*) AS c, ARRAY[1, 2]::int8[] AS arr FROM (VALUES (1), (2)) v(x)",
        [d],
      );
    const r = rows[0]!;
    assert.ok(r.t instanceof Date);
    assert.equal(r.t.getTime(), d.getTime());
    assert.equal(r.n, 42);
    assert.equal(r.big, 9007199254740993n);
    assert.equal(r.c, 2);
    assert.deepEqual(r.arr, [1, 2]);
  });

  it("takes bigint and ISO string parameters alike", async () => {
    const { rows } = await ctx
      .db()
      .query<{ b: number; t: Date }>("SELECT $1::int8 AS b, $2::timestamptz AS t", [
        12345678901n,
        "2020-01-01T00:00:00.5Z",
      ]);
    assert.equal(rows[0]!.b, 12345678901);
    assert.equal(rows[0]!.t.toISOString(), "2020-01-01T00:00:00.500Z");
  });

  it("round-trips jsonb (unicode, nesting, arrays at top level) and text[] with awkward elements", async () => {
    const doc = { é: "日本語 🚀", nested: { a: [1, 2.5, null, true, 'x"y\\z'] }, empty: {}, "": 0 };
    const arr = ["a", "b,c", 'q"uote', "back\\slash", "", "NULL", "spa ce", "{brace}", "ümlaut"];
    const { rows } = await ctx
      .db()
      .query<{ j: unknown; a: unknown; top: unknown; s: unknown }>(
        "SELECT $1::jsonb AS j, $2::text[] AS a, $3::jsonb AS top, $4::jsonb AS s",
        [JSON.stringify(doc), arr, JSON.stringify([1, { b: 2 }]), JSON.stringify("str")],
      );
    assert.deepEqual(rows[0]!.j, doc);
    assert.deepEqual(rows[0]!.a, arr);
    assert.deepEqual(rows[0]!.top, [1, { b: 2 }]);
    assert.equal(rows[0]!.s, "str");
  });

  it("reports rowCount for INSERT/UPDATE/DELETE and SELECT", async () => {
    const db = ctx.db();
    await db.transaction(async (tx) => {
      await tx.exec("CREATE TEMP TABLE rc (x int) ON COMMIT DROP; INSERT INTO rc VALUES (1), (2), (3)");
      assert.equal((await tx.query("UPDATE rc SET x = x + 1 WHERE x > 1")).rowCount, 2);
      assert.equal((await tx.query("SELECT * FROM rc")).rowCount, 3);
      assert.equal((await tx.query("DELETE FROM rc")).rowCount, 3);
    });
  });

  it("commits a transaction's work together and rolls it all back on a throw", async () => {
    const db = ctx.db();
    const key = `tx-${Math.random()}`;
    await assert.rejects(
      db.transaction(async (tx) => {
        await tx.query("INSERT INTO state (key, value, updated_at) VALUES ($1, '1', now())", [key]);
        throw new Error("boom");
      }),
      /boom/,
    );
    assert.equal((await db.query("SELECT 1 FROM state WHERE key = $1", [key])).rowCount, 0);
    const v = await db.transaction(async (tx) => {
      await tx.query("INSERT INTO state (key, value, updated_at) VALUES ($1, '1', now())", [key]);
      return 7;
    });
    assert.equal(v, 7);
    assert.equal((await db.query("SELECT 1 FROM state WHERE key = $1", [key])).rowCount, 1);
  });

  it("refuses a transaction handle used after its callback", async () => {
    let leaked: { query: (t: string) => Promise<unknown> } | undefined;
    await ctx.db().transaction(async (tx) => {
      leaked = tx;
    });
    await assert.rejects(leaked!.query("SELECT 1"), /transaction already finished/);
  });

  it("keeps concurrent transactions from seeing each other's uncommitted rows", async () => {
    const db = ctx.db();
    const key = `iso-${Math.random()}`;
    // Each inserts, waits, counts. Interleaved on PGlite's one connection, both would count 2.
    const counts = await Promise.all(
      [1, 2].map((n) =>
        db.transaction(async (tx) => {
          await tx.query("INSERT INTO state (key, value, updated_at) VALUES ($1, $2::jsonb, now())", [
            `${key}-${n}`,
            "1",
          ]);
          await new Promise((r) => setTimeout(r, 20));
          const c = await tx.query<{ c: number }>("SELECT count(*) AS c FROM state WHERE key LIKE $1", [
            `${key}-%`,
          ]);
          return c.rows[0]!.c;
        }),
      ),
    );
    assert.equal(Math.min(...counts), 1);
  });

  it("surfaces SQL errors with their SQLSTATE on `code`", async () => {
    await assert.rejects(ctx.db().query("SELECT * FROM no_such_table"), (e: unknown) => {
      assert.equal((e as { code?: string }).code, "42P01");
      return true;
    });
  });
}
