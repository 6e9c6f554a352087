// Remediation actions: proposed -> approved/rejected -> executed/failed, guarded, on the timeline.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { it } from "node:test";
import { completeAction, decideAction, getAction, listActions, proposeAction } from "../actions-repo.js";
import { createIncident } from "../incidents-repo.js";
import { listTimeline } from "../timeline-repo.js";
import { at, type CaseContext, must } from "./context.js";

export function actionCases(ctx: CaseContext): void {
  const incident = () =>
    createIncident(
      ctx.db(),
      { title: "t", severity: "low", classification: { level: "unclassified", releasableTo: [] } },
      "a",
      at(0),
    );

  it("walks proposed -> approved -> executed, recording who, why and the result on the timeline", async () => {
    const db = ctx.db();
    const inc = await incident();
    const proposed = must(
      await proposeAction(
        db,
        {
          incidentId: inc.id,
          playbook: "contain-ip",
          kind: "block-ip",
          target: "203.0.113.9",
          params: { ttl: 3600 },
        },
        { actor: "playbook:contain-ip", now: at(1) },
      ),
    );
    assert.equal(proposed.state, "proposed");
    assert.deepEqual(proposed.params, { ttl: 3600 });
    assert.equal(proposed.decidedBy, null);
    const approved = must(
      await decideAction(db, proposed.id, {
        approve: true,
        actor: "rita",
        reason: "confirmed C2",
        now: at(2),
      }),
    );
    assert.equal(approved.state, "approved");
    assert.equal(approved.decidedBy, "rita");
    assert.equal(approved.reason, "confirmed C2");
    const done = must(
      await completeAction(db, proposed.id, {
        ok: true,
        result: "blocked on fw-1",
        actor: "perimeter",
        now: at(3),
      }),
    );
    assert.equal(done.state, "executed");
    assert.equal(done.result, "blocked on fw-1");
    assert.equal(done.updatedAt.getTime(), at(3).getTime());
    assert.deepEqual(await getAction(db, proposed.id), done);
    const kinds = (await listTimeline(db, inc.id)).map((e) => e.kind);
    assert.deepEqual(kinds, ["created", "action-proposed", "action-approved", "action-executed"]);
  });

  it("refuses a second decision, completion before approval, and unknown ids, as values", async () => {
    const db = ctx.db();
    const a = must(
      await proposeAction(db, { kind: "disable-account", target: "jdoe" }, { actor: "x", now: at(0) }),
    );
    const early = await completeAction(db, a.id, { ok: true, result: "", actor: "x", now: at(1) });
    assert.equal(early.ok ? "" : early.error.code, "store.invalid-state");
    const rejected = must(await decideAction(db, a.id, { approve: false, actor: "rita", now: at(1) }));
    assert.equal(rejected.state, "rejected");
    assert.equal(rejected.reason, null);
    const again = await decideAction(db, a.id, { approve: true, actor: "sam", now: at(2) });
    assert.equal(again.ok, false);
    if (!again.ok) {
      assert.equal(again.error.code, "store.invalid-state");
      assert.equal(again.error.code === "store.invalid-state" && again.error.state, "rejected");
    }
    const unknown = await decideAction(db, randomUUID(), { approve: true, actor: "x", now: at(0) });
    assert.equal(unknown.ok ? "" : unknown.error.code, "store.not-found");
    const badRef = await proposeAction(
      db,
      { incidentId: randomUUID(), kind: "webhook", target: "https://x" },
      { actor: "x", now: at(0) },
    );
    assert.equal(badRef.ok ? "" : badRef.error.code, "store.not-found");
  });

  it("lets exactly one of two concurrent deciders win", async () => {
    const db = ctx.db();
    const a = must(
      await proposeAction(db, { kind: "isolate-host", target: "ws-12" }, { actor: "x", now: at(0) }),
    );
    const rs = await Promise.all([
      decideAction(db, a.id, { approve: true, actor: "one", now: at(1) }),
      decideAction(db, a.id, { approve: false, actor: "two", now: at(1) }),
    ]);
    assert.equal(rs.filter((r) => r.ok).length, 1);
  });

  it("lists by incident and by state, newest first, in pages; failed completions keep their result", async () => {
    const db = ctx.db();
    const inc = await incident();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const a = must(
        await proposeAction(
          db,
          { incidentId: inc.id, kind: "block-ip", target: `192.0.2.${i}` },
          { actor: "p", now: at(i) },
        ),
      );
      ids.push(a.id);
    }
    must(await decideAction(db, ids[1]!, { approve: true, actor: "r", now: at(10) }));
    const failed = must(
      await completeAction(db, ids[1]!, { ok: false, result: "fw timeout", actor: "p", now: at(11) }),
    );
    assert.equal(failed.state, "failed");
    assert.equal(failed.result, "fw timeout");
    const p1 = must(await listActions(db, { incidentId: inc.id, limit: 2 }));
    const p2 = must(await listActions(db, { incidentId: inc.id, limit: 2, cursor: p1.nextCursor! }));
    const p3 = must(await listActions(db, { incidentId: inc.id, limit: 2, cursor: p2.nextCursor! }));
    assert.deepEqual(
      [...p1.items, ...p2.items, ...p3.items].map((a) => a.id),
      [...ids].reverse(),
    );
    assert.equal(p3.nextCursor, null);
    const proposedOnly = must(await listActions(db, { incidentId: inc.id, state: "proposed" }));
    assert.equal(proposedOnly.items.length, 4);
    const failedOnly = must(await listActions(db, { incidentId: inc.id, state: "failed" }));
    assert.deepEqual(
      failedOnly.items.map((a) => a.id),
      [ids[1]],
    );
  });
}
