// API tokens (hash-only storage, revocation, throttled last-use) and key/value state.
import assert from "node:assert/strict";
import { it } from "node:test";
import { deleteState, getState, listState, putState } from "../state-repo.js";
import {
  authenticate,
  createToken,
  LAST_USED_RESOLUTION_MS,
  listTokens,
  revokeToken,
} from "../tokens-repo.js";
import { at, type CaseContext, unique } from "./context.js";

export function tokenStateCases(ctx: CaseContext): void {
  it("creates a token whose secret authenticates to its principal and is stored only as a hash", async () => {
    const db = ctx.db();
    const name = unique("svc");
    const { id, secret } = await createToken(
      db,
      { name, role: "analyst", clearance: "restricted", nationality: "FR" },
      at(0),
    );
    assert.match(secret, /^crd_[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(await authenticate(db, secret, at(1)), {
      tokenId: id,
      name,
      role: "analyst",
      clearance: "restricted",
      nationality: "FR",
    });
    const stored = await db.query<Record<string, unknown>>("SELECT * FROM tokens WHERE id = $1", [id]);
    assert.ok(!JSON.stringify(stored.rows).includes(secret.slice(4)));
    const other = secret.endsWith("A") ? "B" : "A";
    assert.equal(await authenticate(db, `${secret.slice(0, -1)}${other}`, at(1)), null);
    assert.equal(await authenticate(db, "crd_short", at(1)), null);
    assert.equal(await authenticate(db, "", at(1)), null);
  });

  it("updates last_used_at at most once per resolution window", async () => {
    const db = ctx.db();
    const name = unique("svc");
    const { id, secret } = await createToken(
      db,
      { name, role: "read-only", clearance: "unclassified", nationality: "DE" },
      at(0),
    );
    const lastUsed = async () => (await listTokens(db)).find((t) => t.id === id)!.lastUsedAt?.getTime();
    assert.equal(await lastUsed(), undefined);
    await authenticate(db, secret, at(1000));
    assert.equal(await lastUsed(), at(1000).getTime());
    await authenticate(db, secret, at(1000 + LAST_USED_RESOLUTION_MS - 1));
    assert.equal(await lastUsed(), at(1000).getTime());
    await authenticate(db, secret, at(1000 + LAST_USED_RESOLUTION_MS));
    assert.equal(await lastUsed(), at(1000 + LAST_USED_RESOLUTION_MS).getTime());
  });

  it("revokes a token: it no longer authenticates, is listed as revoked, and cannot be revoked twice", async () => {
    const db = ctx.db();
    const { id, secret } = await createToken(
      db,
      { name: unique("svc"), role: "admin", clearance: "secret", nationality: "FR" },
      at(0),
    );
    assert.equal(await revokeToken(db, id, at(5)), true);
    assert.equal(await revokeToken(db, id, at(6)), false);
    assert.equal(await revokeToken(db, "nope", at(6)), false);
    assert.equal(await authenticate(db, secret, at(7)), null);
    const info = (await listTokens(db)).find((t) => t.id === id)!;
    assert.equal(info.revokedAt?.getTime(), at(5).getTime());
    assert.ok(!(await listTokens(db, { includeRevoked: false })).some((t) => t.id === id));
    assert.ok(!Object.keys(info).some((k) => /secret|hash/i.test(k)));
  });

  it("refuses an unknown role at the database", async () => {
    await assert.rejects(
      createToken(
        ctx.db(),
        { name: "x", role: "god" as never, clearance: "secret", nationality: "FR" },
        at(0),
      ),
      (e: unknown) => (e as { code?: string }).code === "23514",
    );
  });

  it("stores any JSON value under a key, replaces it, lists by prefix, deletes", async () => {
    const db = ctx.db();
    const p = `${unique("detect")}/cursor/`;
    assert.equal(await getState(db, `${p}a`), undefined);
    const cursor = { segment: 12, offset: 9007199254740991, rules: ["é", "b"], at: "2025-01-01T00:00:00Z" };
    await putState(db, `${p}a`, cursor, at(0));
    assert.deepEqual(await getState(db, `${p}a`), cursor);
    await putState(db, `${p}a`, [1, 2], at(1));
    await putState(db, `${p}b`, null, at(1));
    await putState(db, `${p}c`, "text", at(1));
    assert.deepEqual(await getState(db, `${p}a`), [1, 2]);
    assert.equal(await getState(db, `${p}b`), null);
    const listed = await listState(db, p);
    assert.deepEqual(
      listed.map((e) => [e.key.slice(p.length), e.value]),
      [
        ["a", [1, 2]],
        ["b", null],
        ["c", "text"],
      ],
    );
    assert.equal(listed[0]!.updatedAt.getTime(), at(1).getTime());
    assert.equal(await deleteState(db, `${p}a`), true);
    assert.equal(await deleteState(db, `${p}a`), false);
  });

  it("commits state with other work in one transaction, or neither", async () => {
    const db = ctx.db();
    const key = unique("cursor");
    await assert.rejects(
      db.transaction(async (tx) => {
        await putState(tx, key, { offset: 10 }, at(0));
        throw new Error("alerts failed");
      }),
    );
    assert.equal(await getState(db, key), undefined);
    await db.transaction((tx) => putState(tx, key, { offset: 10 }, at(0)));
    assert.deepEqual(await getState(db, key), { offset: 10 });
  });
}
