// The decision stream's contract on PGlite and PostgreSQL: authentication, startup snapshot,
// per-bouncer deltas (additions, deletions, expiries, nothing for what came and went between two
// polls), filters, dedup by value, range expansion, a model-based property (a bouncer applying
// every answer holds exactly the decisions in force), and no change lost to concurrent writers.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import type { Database } from "../store/database.js";
import { backends } from "../store/testing/backends.js";
import { addBouncer, listBouncers } from "./bouncers.js";
import { activeDecisions, addDecision, deleteDecision, expireDecisions, listDecisions } from "./decisions.js";
import { type LapiDecision, parseStreamFilters, passes, toWire, wireKey } from "./lapi-format.js";
import { queryDecisions, type StreamBody, streamDecisions } from "./stream.js";

const T0 = new Date("2026-11-20T08:00:00Z");
const at = (s: number) => new Date(T0.getTime() + s * 1000);
const HOUR = 3_600_000;

async function poll(
  db: Database,
  apiKey: string,
  now: Date,
  startup = false,
  query = {},
): Promise<StreamBody> {
  const r = await streamDecisions(db, { apiKey, startup, query }, now);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body as StreamBody;
}
const values = (xs: LapiDecision[] | null) => (xs ?? []).map((x) => x.value).sort();
async function add(db: Database, target: string, now: Date, over: { ms?: number; origin?: string } = {}) {
  const r = await addDecision(
    db,
    { target, durationMs: over.ms ?? 4 * HOUR, origin: over.origin ?? "fr", scenario: "corridor/test" },
    now,
  );
  assert.ok(r.ok);
  return r.value;
}
async function bouncer(db: Database, name: string, expandRanges = false) {
  const r = await addBouncer(db, { name, expandRanges }, T0);
  assert.ok(r.ok);
  return r.value.apiKey;
}

for (const backend of await backends()) {
  describe(`decision stream: ${backend.kind}`, { skip: backend.skip ?? false }, () => {
    let db: Database;
    before(async () => {
      db = await backend.open();
    });
    after(async () => {
      await db?.close();
    });
    const reset = async () => {
      await db.query("DELETE FROM decisions");
      await db.query("DELETE FROM bouncers");
    };

    it("refuses a missing, unknown or deleted key with 403 as CrowdSec does", async () => {
      await reset();
      const forbidden = { status: 403, body: { message: "access forbidden" } };
      assert.deepEqual(
        await streamDecisions(db, { apiKey: undefined, startup: true, query: {} }, T0),
        forbidden,
      );
      assert.deepEqual(
        await streamDecisions(db, { apiKey: "x".repeat(48), startup: true, query: {} }, T0),
        forbidden,
      );
      const key = await bouncer(db, "gone");
      await db.query("DELETE FROM bouncers WHERE name = 'gone'");
      assert.deepEqual(await streamDecisions(db, { apiKey: key, startup: false, query: {} }, T0), forbidden);
      assert.deepEqual(await queryDecisions(db, { apiKey: key, query: { ip: "192.0.2.1" } }, T0), forbidden);
    });

    it("startup sends every decision in force and deleted: []; then deltas, null when empty", async () => {
      await reset();
      const key = await bouncer(db, "fw");
      assert.deepEqual(await poll(db, key, at(0), true), { new: null, deleted: [] });
      const a = await add(db, "192.0.2.10", at(1));
      await add(db, "198.51.100.0/24", at(1), { ms: HOUR });
      const lapsed = await add(db, "192.0.2.99", at(1), { ms: 1000 });
      const s = await poll(db, key, at(3), true);
      assert.deepEqual(values(s.new), ["192.0.2.10", "198.51.100.0/24"]);
      assert.deepEqual(s.deleted, []);
      assert.equal(s.new?.find((d) => d.value === "198.51.100.0/24")?.scope, "Range");
      assert.equal(s.new?.find((d) => d.value === "192.0.2.10")?.duration, "3h59m58s");
      assert.deepEqual(await poll(db, key, at(4)), { new: null, deleted: null });

      const b = await add(db, "203.0.113.7", at(5));
      assert.deepEqual(values((await poll(db, key, at(6))).new), ["203.0.113.7"]);
      assert.ok((await deleteDecision(db, a.id, at(7))).ok);
      const d = await poll(db, key, at(8));
      assert.deepEqual([d.new, values(d.deleted)], [null, ["192.0.2.10"]]);
      assert.equal(d.deleted?.[0]?.id, a.seq);
      assert.equal(d.deleted?.[0]?.uuid, a.id);
      // The range lapses: it is sent as deleted, with the negative time since it ended.
      const e = await poll(db, key, at(3602));
      assert.deepEqual([e.new, values(e.deleted)], [null, ["198.51.100.0/24"]]);
      assert.equal(e.deleted?.[0]?.duration, "-1s");
      assert.deepEqual(await poll(db, key, at(3603)), { new: null, deleted: null });
      const rows = await listDecisions(db, at(3603), { all: true });
      assert.equal(rows.find((r) => r.id === lapsed.id)?.deletedReason, "expired");
      assert.equal(rows.find((r) => r.id === a.id)?.deletedReason, "deleted");
      assert.ok(rows.find((r) => r.id === b.id)?.deletedAt === null);
      const [fw] = await listBouncers(db);
      assert.equal(fw?.pulls, 7);
      assert.deepEqual(fw?.lastPull, at(3603));
    });

    it("sends nothing for a decision added and removed between two polls", async () => {
      await reset();
      const key = await bouncer(db, "fw");
      await poll(db, key, at(0), true);
      const a = await add(db, "192.0.2.1", at(1));
      await deleteDecision(db, a.id, at(2));
      await add(db, "192.0.2.2", at(2), { ms: 1000 });
      assert.deepEqual(await poll(db, key, at(5)), { new: null, deleted: null });
    });

    it("keeps a cursor per bouncer: each gets the changes since its own last poll", async () => {
      await reset();
      const k1 = await bouncer(db, "fw1");
      const k2 = await bouncer(db, "fw2");
      await poll(db, k1, at(0), true);
      const a = await add(db, "192.0.2.1", at(1));
      assert.deepEqual(values((await poll(db, k1, at(2))).new), ["192.0.2.1"]);
      await poll(db, k2, at(2), true);
      await add(db, "192.0.2.2", at(3));
      await deleteDecision(db, a.id, at(3));
      const d1 = await poll(db, k1, at(4));
      assert.deepEqual([values(d1.new), values(d1.deleted)], [["192.0.2.2"], ["192.0.2.1"]]);
      assert.deepEqual(await poll(db, k1, at(5)), { new: null, deleted: null });
      const d2 = await poll(db, k2, at(6));
      assert.deepEqual([values(d2.new), values(d2.deleted)], [["192.0.2.2"], ["192.0.2.1"]]);
    });

    it("answers per address: the longest decision stands; a change under another re-announces it", async () => {
      await reset();
      const key = await bouncer(db, "fw");
      const long = await add(db, "192.0.2.1", at(0), { ms: 8 * HOUR });
      const short = await add(db, "192.0.2.1", at(0), { ms: HOUR });
      const s = await poll(db, key, at(1), true);
      assert.equal(s.new?.length, 1);
      assert.equal(s.new?.[0]?.id, long.seq);
      await deleteDecision(db, short.id, at(2));
      // Still covered: never deleted; the standing decision is sent again (a no-op for a bouncer
      // holding it, and the cure for one whose own element timeout followed the shorter decision).
      const again = await poll(db, key, at(3));
      assert.deepEqual([again.new?.map((d) => d.id), again.deleted], [[long.seq], null]);
      await deleteDecision(db, long.id, at(4));
      const d = await poll(db, key, at(5));
      assert.deepEqual([d.new, values(d.deleted)], [null, ["192.0.2.1"]]);
    });

    it("expands small ranges for an expanding bouncer and withholds wide ones", async () => {
      await reset();
      const key = await bouncer(db, "nft", true);
      const r = await add(db, "198.51.100.4/30", at(0));
      const single = await add(db, "198.51.100.5", at(0), { ms: HOUR });
      await add(db, "10.0.0.0/8", at(0));
      const s = await streamDecisions(db, { apiKey: key, startup: true, query: {} }, at(1));
      const body = s.body as StreamBody;
      assert.deepEqual(values(body.new), ["198.51.100.4", "198.51.100.5", "198.51.100.6", "198.51.100.7"]);
      assert.ok(body.new?.every((d) => d.scope === "Ip"));
      assert.equal(body.new?.find((d) => d.value === "198.51.100.5")?.id, r.seq, "the longer one stands");
      assert.equal(s.withheld, 1);
      // The single address is deleted under the range: not deleted, the range's address stands.
      await deleteDecision(db, single.id, at(2));
      const again = await poll(db, key, at(3));
      assert.deepEqual(
        [again.new?.map((d) => [d.id, d.value]), again.deleted],
        [[[r.seq, "198.51.100.5"]], null],
      );
      await deleteDecision(db, r.id, at(4));
      assert.deepEqual(values((await poll(db, key, at(5))).deleted), [
        "198.51.100.4",
        "198.51.100.5",
        "198.51.100.6",
        "198.51.100.7",
      ]);
      // Ip-only filter still takes expanded ranges (they are sent as addresses).
      await add(db, "192.0.2.0/31", at(6));
      assert.deepEqual(values((await poll(db, key, at(7), false, { scopes: "ip" })).new), [
        "192.0.2.0",
        "192.0.2.1",
      ]);
    });

    it("filters by scopes, origins and scenarios", async () => {
      await reset();
      const key = await bouncer(db, "fw");
      await add(db, "192.0.2.1", at(0), { origin: "fr" });
      await add(db, "192.0.2.2", at(0), { origin: "de" });
      await add(db, "198.51.100.0/24", at(0), { origin: "de" });
      assert.deepEqual(values((await poll(db, key, at(1), true, { origins: "de" })).new), [
        "192.0.2.2",
        "198.51.100.0/24",
      ]);
      assert.deepEqual(values((await poll(db, key, at(1), true, { scopes: "ip" })).new), [
        "192.0.2.1",
        "192.0.2.2",
      ]);
      assert.equal((await poll(db, key, at(1), true, { scenarios_not_containing: "TEST" })).new, null);
    });

    it("answers live queries (GET /v1/decisions) by address, range and value; null when none", async () => {
      await reset();
      const key = await bouncer(db, "live");
      await add(db, "198.51.100.0/24", at(0));
      await add(db, "192.0.2.1", at(0));
      const q = async (query: Record<string, string>) =>
        (await queryDecisions(db, { apiKey: key, query }, at(1))).body;
      assert.deepEqual(values((await q({ ip: "198.51.100.77" })) as LapiDecision[]), ["198.51.100.0/24"]);
      assert.deepEqual(values((await q({ ip: "192.0.2.1" })) as LapiDecision[]), ["192.0.2.1"]);
      assert.equal(await q({ ip: "192.0.2.2" }), null);
      assert.equal(await q({ ip: "198.51.100.77", contains: "false" }), null);
      assert.deepEqual(values((await q({ range: "198.51.100.0/25" })) as LapiDecision[]), [
        "198.51.100.0/24",
      ]);
      assert.deepEqual(values((await q({ range: "198.51.0.0/16", contains: "false" })) as LapiDecision[]), [
        "198.51.100.0/24",
      ]);
      assert.equal(await q({ value: "192.0.2.1", type: "captcha" }), null);
      assert.equal((await queryDecisions(db, { apiKey: key, query: { ip: "nope" } }, at(1))).status, 400);
    });

    it("a bouncer applying every answer holds exactly the decisions in force (model property)", async () => {
      const pool = [
        "192.0.2.1",
        "192.0.2.2",
        "198.51.100.5",
        "2001:db8::1",
        "198.51.100.4/30",
        "198.51.100.0/24",
        "203.0.113.0/25",
        "10.0.0.0/8",
        "2001:db8::/126",
      ];
      const op = fc.oneof(
        fc.record({
          k: fc.constant("add" as const),
          t: fc.constantFrom(...pool),
          s: fc.integer({ min: 1, max: 40 }),
          o: fc.constantFrom("fr", "de"),
        }),
        fc.record({ k: fc.constant("del" as const), i: fc.nat() }),
        fc.record({ k: fc.constant("wait" as const), s: fc.integer({ min: 1, max: 20 }) }),
        fc.record({
          k: fc.constant("poll" as const),
          b: fc.integer({ min: 0, max: 2 }),
          startup: fc.boolean(),
        }),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 30 }), async (ops) => {
          await reset();
          const setups = [
            { expandRanges: false, query: {} },
            { expandRanges: true, query: {} },
            { expandRanges: true, query: { origins: "de" } },
          ];
          const keys = await Promise.all(setups.map((s, i) => bouncer(db, `b${i}`, s.expandRanges)));
          const held: Set<string>[] = setups.map(() => new Set());
          const started = setups.map(() => false);
          let t = 0;
          for (const o of [...ops, ...setups.map((_, b) => ({ k: "poll" as const, b, startup: false }))]) {
            if (o.k === "add") await add(db, o.t, at(t), { ms: o.s * 1000, origin: o.o });
            else if (o.k === "wait") t += o.s;
            else if (o.k === "del") {
              const active = await activeDecisions(db, at(t));
              if (active.length > 0) await deleteDecision(db, active[o.i % active.length]!.id, at(t));
            } else {
              const setup = setups[o.b]!;
              const startup = o.startup || !started[o.b];
              started[o.b] = true;
              const body = await poll(db, keys[o.b]!, at(t), startup, setup.query);
              const h = held[o.b]!;
              if (startup) h.clear();
              const added = (body.new ?? []).map(wireKey);
              const removed = (body.deleted ?? []).map(wireKey);
              assert.equal(new Set(added).size, added.length, "no address twice in new");
              for (const k of removed) {
                assert.ok(h.has(k), `deleted ${k} that the bouncer does not hold`);
                assert.ok(!added.includes(k), `${k} both new and deleted`);
                h.delete(k);
              }
              for (const k of added) h.add(k);
              const f = parseStreamFilters(setup.query);
              const want = new Set(
                (await activeDecisions(db, at(t))).flatMap((d) =>
                  toWire(d, setup, at(t))
                    .items.filter((i) => passes(i, f))
                    .map(wireKey),
                ),
              );
              assert.deepEqual([...h].sort(), [...want].sort(), `bouncer ${o.b} at t=${t}`);
            }
          }
        }),
        { numRuns: backend.kind === "pglite" ? 40 : 25 },
      );
    });

    it("loses no change to concurrent writers: a poll never skips an uncommitted lower sequence", async () => {
      // Without the writers' lock, a poll can see sequence n+1 committed before n and move past n.
      for (let round = 0; round < 4; round++) {
        await reset();
        const key = await bouncer(db, "fw");
        await poll(db, key, T0, true);
        const held = new Set<string>();
        const apply = (b: StreamBody) => {
          for (const d of b.deleted ?? []) held.delete(d.value);
          for (const d of b.new ?? []) held.add(d.value);
        };
        let done = false;
        const writers = (async () => {
          const made = await Promise.all(
            Array.from({ length: 60 }, (_, i) => add(db, `192.0.2.${i + 1}`, at(1))),
          );
          await Promise.all(made.filter((_, i) => i % 3 === 0).map((d) => deleteDecision(db, d.id, at(1))));
          done = true;
        })();
        while (!done) {
          apply(await poll(db, key, at(2)));
          await new Promise((r) => setImmediate(r));
        }
        await writers;
        apply(await poll(db, key, at(2)));
        const want = (await activeDecisions(db, at(2))).map((d) => d.value);
        assert.equal(want.length, 40);
        assert.deepEqual([...held].sort(), want.sort(), `round ${round}`);
      }
      assert.equal(await expireDecisions(db, at(2)), 0);
    });
  });
}
