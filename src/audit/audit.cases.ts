// The audit log's contract on a backend: chaining, listing, append-only enforcement, verification
// that names the first broken entry, and a chain that never forks under concurrent writers.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import fc from "fast-check";
import type { Database, Sql } from "../store/index.js";
import { type AuditEntry, appendAudit, auditHash, GENESIS_HASH, listAudit } from "./audit-log.js";
import { verifyAudit } from "./verify.js";

const T0 = Date.parse("2025-06-01T12:00:00.000Z");
const at = (ms: number) => new Date(T0 + ms);

function must<T>(r: { ok: true; value: T } | { ok: false; error: unknown }): T {
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

/** Runs `fn` with the append-only triggers off, as an attacker with table access could. */
async function tamper(db: Database, fn: (tx: Sql) => Promise<unknown>): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query("SET LOCAL session_replication_role = replica");
    await fn(tx);
  });
}

export function auditCases(open: () => Promise<Database>): void {
  let db: Database;
  before(async () => {
    db = await open();
  });
  after(() => db.close());

  it("chains entries from the genesis hash, verifies, and lists newest first with filters and pages", async () => {
    const made: AuditEntry[] = [];
    for (let i = 0; i < 7; i++) {
      made.push(
        await appendAudit(
          db,
          {
            actor: i % 2 === 0 ? "ana" : "bob",
            action: i < 4 ? "incident.update" : "token.create",
            target: i === 0 ? null : `target-${i}`,
            outcome: i === 5 ? "denied" : "success",
            details: i === 3 ? { clé: "valeur — ✓", nested: { n: [1, 2.5, 1e21, -0, null] } } : null,
          },
          at(i * 1000),
        ),
      );
    }
    assert.equal(made[0]!.seq, 1);
    assert.equal(made[0]!.prevHash, GENESIS_HASH);
    for (let i = 1; i < made.length; i++) assert.equal(made[i]!.prevHash, made[i - 1]!.hash);
    assert.deepEqual(await verifyAudit(db), { ok: true, entries: 7, head: made[6]!.hash });
    assert.deepEqual(await verifyAudit(db, { pageSize: 2 }), { ok: true, entries: 7, head: made[6]!.hash });

    const all = must(await listAudit(db, { limit: 3 }));
    assert.deepEqual(
      all.items.map((e) => e.seq),
      [7, 6, 5],
    );
    const rest = must(await listAudit(db, { limit: 10, cursor: all.nextCursor! }));
    assert.deepEqual(
      rest.items.map((e) => e.seq),
      [4, 3, 2, 1],
    );
    assert.equal(rest.nextCursor, null);
    assert.deepEqual(rest.items[0], made[3]);
    const bobTokens = must(await listAudit(db, { actor: "bob", action: "token.create" }));
    assert.deepEqual(
      bobTokens.items.map((e) => e.seq),
      [6],
    );
    const recent = must(await listAudit(db, { since: at(5000) }));
    assert.deepEqual(
      recent.items.map((e) => e.seq),
      [7, 6],
    );
    const bad = await listAudit(db, { cursor: "zzz" });
    assert.equal(bad.ok ? "" : bad.error.code, "store.bad-cursor");
  });

  it("refuses UPDATE, DELETE and TRUNCATE of the audit table at the database", async () => {
    await appendAudit(db, { actor: "x", action: "probe", outcome: "success" }, at(0));
    for (const stmt of [
      "UPDATE audit SET actor = 'mallory'",
      "DELETE FROM audit",
      "TRUNCATE audit",
      "DELETE FROM audit_head",
    ]) {
      await assert.rejects(db.query(stmt), /append-only/, stmt);
    }
  });

  it("leaves no entry (and an intact chain) when the surrounding transaction rolls back", async () => {
    const before = must(await listAudit(db, { limit: 1 })).items[0]?.seq ?? 0;
    await assert.rejects(
      db.transaction(async (tx) => {
        await appendAudit(tx, { actor: "x", action: "doomed", outcome: "success" }, at(0));
        throw new Error("rolled back");
      }),
    );
    const next = await appendAudit(db, { actor: "x", action: "after", outcome: "failure" }, at(1));
    assert.equal(next.seq, before + 1);
    assert.equal((await verifyAudit(db)).ok, true);
  });

  it("never forks under concurrent appenders (separate connections on PostgreSQL)", async () => {
    const start = (await verifyAudit(db)).entries;
    const n = 40;
    const entries = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        appendAudit(db, { actor: `w${i % 4}`, action: "race", outcome: "success", details: { i } }, at(i)),
      ),
    );
    const seqs = entries.map((e) => e.seq).sort((a, b) => a - b);
    assert.deepEqual(
      seqs,
      Array.from({ length: n }, (_, i) => start + 1 + i),
    );
    assert.equal(new Set(entries.map((e) => e.prevHash)).size, n);
    const v = await verifyAudit(db, { pageSize: 7 });
    assert.deepEqual(v.ok && v.entries, start + n);
  });

  it("keeps arbitrary JSON details verifiable (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.string({ unit: "grapheme", maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), {
          maxKeys: 5,
        }),
        fc.string({ unit: "grapheme", minLength: 1, maxLength: 20 }),
        async (details, actor) => {
          const e = await appendAudit(db, { actor, action: "prop", outcome: "success", details }, at(0));
          const stored = must(await listAudit(db, { limit: 1 })).items[0]!;
          assert.equal(stored.seq, e.seq);
          assert.equal(auditHash(stored), stored.hash);
          assert.equal(stored.hash, e.hash);
        },
      ),
      { numRuns: 60 },
    );
    assert.equal((await verifyAudit(db)).ok, true);
  });

  it("names the first broken entry: edited row, re-hashed row, deleted row, cut tail", async () => {
    const fresh = await open();
    try {
      for (let i = 0; i < 10; i++) {
        await appendAudit(fresh, { actor: "ana", action: "a", outcome: "success", details: { i } }, at(i));
      }
      const row = async (seq: number) =>
        (await fresh.query<Record<string, unknown>>("SELECT * FROM audit WHERE seq = $1", [seq])).rows[0]!;
      const restore = (r: Record<string, unknown>) =>
        tamper(fresh, async (tx) => {
          await tx.query("DELETE FROM audit WHERE seq = $1", [r.seq]);
          await tx.query(
            "INSERT INTO audit (seq, at, actor, action, target, outcome, details, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9)",
            [
              r.seq,
              r.at,
              r.actor,
              r.action,
              r.target,
              r.outcome,
              JSON.stringify(r.details),
              r.prev_hash,
              r.hash,
            ],
          );
        });
      assert.equal((await verifyAudit(fresh)).ok, true);

      const r4 = await row(4);
      await tamper(fresh, (tx) => tx.query(`UPDATE audit SET details = '{"i": 99}' WHERE seq = 4`));
      assert.deepEqual(await verifyAudit(fresh, { pageSize: 3 }), {
        ok: false,
        entries: 3,
        firstBroken: { seq: 4, reason: "hash-mismatch" },
      });
      // A careful forger re-hashes the edited row: the next row's link gives it away.
      const edited = await row(4);
      const forged = auditHash({
        seq: 4,
        at: edited.at as Date,
        actor: "ana",
        action: "a",
        target: null,
        outcome: "success",
        details: { i: 99 },
        prevHash: edited.prev_hash as string,
      });
      await tamper(fresh, (tx) => tx.query("UPDATE audit SET hash = $1 WHERE seq = 4", [forged]));
      assert.deepEqual(await verifyAudit(fresh), {
        ok: false,
        entries: 4,
        firstBroken: { seq: 5, reason: "prev-mismatch" },
      });
      await restore(r4);
      assert.equal((await verifyAudit(fresh)).ok, true);

      const r6 = await row(6);
      await tamper(fresh, (tx) => tx.query("DELETE FROM audit WHERE seq = 6"));
      assert.deepEqual(await verifyAudit(fresh), {
        ok: false,
        entries: 5,
        firstBroken: { seq: 6, reason: "gap" },
      });
      await restore(r6);

      const r10 = await row(10);
      await tamper(fresh, (tx) => tx.query("DELETE FROM audit WHERE seq = 10"));
      assert.deepEqual(await verifyAudit(fresh), {
        ok: false,
        entries: 9,
        firstBroken: { seq: 10, reason: "gap" },
      });
      await restore(r10);

      await tamper(fresh, (tx) => tx.query("UPDATE audit_head SET hash = repeat('f', 64)"));
      assert.deepEqual(await verifyAudit(fresh), {
        ok: false,
        entries: 10,
        firstBroken: { seq: 10, reason: "head-mismatch" },
      });
    } finally {
      await fresh.close();
    }
  });

  it("verifies an empty log", async () => {
    const fresh = await open();
    try {
      assert.deepEqual(await verifyAudit(fresh), { ok: true, entries: 0, head: GENESIS_HASH });
    } finally {
      await fresh.close();
    }
  });
}
