// Stored events: batched insert, lookup, idempotent re-insert.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { it } from "node:test";
import { getEvent, getEvents, insertEvents } from "../events-repo.js";
import { at, type CaseContext } from "./context.js";

export function eventCases(ctx: CaseContext): void {
  it("inserts a batch in one statement and reads each event back intact", async () => {
    const db = ctx.db();
    const batch = Array.from({ length: 250 }, (_, i) => ({
      receivedAt: at(i),
      source: i % 2 === 0 ? "winlog" : "syslog",
      raw: { EventID: 4624 + i, User: `ü-${i}`, nested: { list: [i, `${i}`, null] }, Message: "x".repeat(i) },
      ...(i % 3 === 0 ? { offset: i * 1000 } : {}),
    }));
    const ids = await insertEvents(db, batch);
    assert.equal(ids.length, 250);
    assert.equal(new Set(ids).size, 250);
    for (const i of [0, 1, 99, 249]) {
      const e = await getEvent(db, ids[i]!);
      assert.ok(e);
      assert.equal(e.id, ids[i]);
      assert.equal(e.receivedAt.getTime(), batch[i]!.receivedAt.getTime());
      assert.equal(e.source, batch[i]!.source);
      assert.deepEqual(e.raw, batch[i]!.raw);
      assert.equal(e.offset, i % 3 === 0 ? i * 1000 : null);
    }
  });

  it("keeps given ids, ignores re-inserts of an existing id, returns [] for an empty batch", async () => {
    const db = ctx.db();
    const id = randomUUID();
    assert.deepEqual(await insertEvents(db, [{ id, receivedAt: at(0), source: "a", raw: { v: 1 } }]), [id]);
    await insertEvents(db, [{ id, receivedAt: at(1), source: "b", raw: { v: 2 } }]);
    assert.deepEqual((await getEvent(db, id))?.raw, { v: 1 });
    assert.deepEqual(await insertEvents(db, []), []);
  });

  it("stores NUL characters (which jsonb refuses) as U+FFFD rather than failing the batch", async () => {
    const [id] = await insertEvents(ctx.db(), [{ receivedAt: at(0), source: "s\0rc", raw: { m: "a\0b" } }]);
    const e = await getEvent(ctx.db(), id!);
    assert.deepEqual(e?.raw, { m: "a\uFFFDb" });
    assert.equal(e?.source, "s\uFFFDrc");
  });

  it("finds nothing for unknown or malformed ids, and fetches several in the order asked", async () => {
    const db = ctx.db();
    assert.equal(await getEvent(db, randomUUID()), null);
    assert.equal(await getEvent(db, "not-a-uuid"), null);
    const ids = await insertEvents(
      db,
      [1, 2, 3].map((n) => ({ receivedAt: at(n), source: "s", raw: { n } })),
    );
    const got = await getEvents(db, [ids[2]!, "junk", randomUUID(), ids[0]!]);
    assert.deepEqual(
      got.map((e) => e.raw.n),
      [3, 1],
    );
  });
}
