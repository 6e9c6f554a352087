// Alerts: windowed deduplication (also under concurrency), listing with keyset pages, linking.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { it } from "node:test";
import type { Severity } from "../../core/soc.js";
import {
  getAlert,
  linkAlertToIncident,
  listAlerts,
  MAX_ALERT_EVENT_IDS,
  type RuleMatch,
  recordMatch,
} from "../alerts-repo.js";
import { createIncident } from "../incidents-repo.js";
import { listTimeline } from "../timeline-repo.js";
import { at, type CaseContext, must, unique } from "./context.js";

const MIN = 60_000;

function match(ruleId: string, over: Partial<RuleMatch> = {}): RuleMatch {
  return {
    ruleId,
    ruleTitle: "Suspicious PowerShell",
    severity: "high",
    tags: ["attack.execution", "attack.t1059.001"],
    techniques: ["T1059.001"],
    entity: "host-1",
    eventId: randomUUID(),
    at: at(0),
    ...over,
  };
}

export function alertCases(ctx: CaseContext): void {
  it("opens an alert, folds matches within the window into it, opens a new one after the window", async () => {
    const db = ctx.db();
    const rule = unique("rule");
    const first = await recordMatch(
      db,
      match(rule, { correlation: { type: "event_count", group: "g1" } }),
      10 * MIN,
    );
    assert.equal(first.created, true);
    assert.equal(first.alert.count, 1);
    assert.equal(first.alert.ruleTitle, "Suspicious PowerShell");
    assert.deepEqual(first.alert.techniques, ["T1059.001"]);
    assert.deepEqual(first.alert.correlation, { type: "event_count", group: "g1" });
    assert.equal(first.alert.incidentId, null);

    const second = await recordMatch(db, match(rule, { at: at(9 * MIN) }), 10 * MIN);
    assert.equal(second.created, false);
    assert.equal(second.alert.id, first.alert.id);
    assert.equal(second.alert.count, 2);
    assert.equal(second.alert.lastSeen.getTime(), at(9 * MIN).getTime());
    // Sliding: measured from the last match, so 18 min after the first still folds.
    const third = await recordMatch(db, match(rule, { at: at(18 * MIN) }), 10 * MIN);
    assert.equal(third.alert.id, first.alert.id);
    const late = await recordMatch(db, match(rule, { at: at(29 * MIN) }), 10 * MIN);
    assert.equal(late.created, true);
    assert.notEqual(late.alert.id, first.alert.id);
    // A late-arriving older event widens first_seen of the alert it belongs to.
    const early = await recordMatch(db, match(rule, { at: at(-5 * MIN) }), 10 * MIN);
    assert.equal(early.alert.id, first.alert.id);
    assert.equal(early.alert.firstSeen.getTime(), at(-5 * MIN).getTime());
    assert.equal(early.alert.count, 4);
  });

  it("keeps alerts apart by entity and by rule, and treats a redelivered event as no new match", async () => {
    const db = ctx.db();
    const rule = unique("rule");
    const a = await recordMatch(db, match(rule, { entity: "host-a" }), MIN);
    const b = await recordMatch(db, match(rule, { entity: "host-b" }), MIN);
    const c = await recordMatch(db, match(unique("rule"), { entity: "host-a" }), MIN);
    assert.equal(new Set([a.alert.id, b.alert.id, c.alert.id]).size, 3);
    const again = await recordMatch(
      db,
      match(rule, { entity: "host-a", eventId: a.alert.eventIds[0]! }),
      MIN,
    );
    assert.equal(again.alert.count, 1);
    assert.equal(again.created, false);
  });

  it("bounds the stored event ids while the count keeps the true total", async () => {
    const db = ctx.db();
    const rule = unique("rule");
    let last = await recordMatch(db, match(rule), MIN);
    await db.transaction(async (tx) => {
      for (let i = 1; i < MAX_ALERT_EVENT_IDS + 20; i++)
        last = await recordMatch(tx, match(rule, { at: at(i) }), MIN);
    });
    assert.equal(last.alert.count, MAX_ALERT_EVENT_IDS + 20);
    assert.equal(last.alert.eventIds.length, MAX_ALERT_EVENT_IDS);
    assert.deepEqual((await getAlert(db, last.alert.id))?.eventIds, last.alert.eventIds);
  });

  it("yields one alert when workers record the same match concurrently (separate connections on PostgreSQL)", async () => {
    const db = ctx.db();
    const rule = unique("rule");
    const n = 12;
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) => recordMatch(db, match(rule, { at: at(i) }), MIN)),
    );
    assert.equal(results.filter((r) => r.created).length, 1);
    const page = must(await listAlerts(db, { ruleId: rule, limit: 10 }));
    assert.equal(page.items.length, 1);
    assert.equal(page.items[0]!.count, n);
    assert.equal(page.items[0]!.eventIds.length, n);
  });

  it("lists newest first with filters and stable keyset pages", async () => {
    const db = ctx.db();
    const rule = unique("rule");
    const severities: Severity[] = ["low", "high", "critical"];
    const made: string[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await recordMatch(
        db,
        match(rule, { entity: `h${i}`, at: at(i * MIN), severity: severities[i % 3]! }),
        1,
      );
      made.push(r.alert.id);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = must(await listAlerts(db, { ruleId: rule, limit: 3, ...(cursor ? { cursor } : {}) }));
      seen.push(...page.items.map((a) => a.id));
      if (page.nextCursor === null) break;
      assert.equal(page.items.length, 3);
      cursor = page.nextCursor;
    }
    assert.deepEqual(seen, [...made].reverse());
    const high = must(await listAlerts(db, { ruleId: rule, severity: "high" }));
    assert.deepEqual(
      high.items.map((a) => a.entity),
      ["h4", "h1"],
    );
    const recent = must(await listAlerts(db, { ruleId: rule, since: at(5 * MIN) }));
    assert.deepEqual(
      recent.items.map((a) => a.entity),
      ["h6", "h5"],
    );
    const bad = await listAlerts(db, { cursor: "nonsense" });
    assert.equal(bad.ok ? "" : bad.error.code, "store.bad-cursor");
    assert.equal(await getAlert(db, "nope"), null);
    assert.equal(await getAlert(db, randomUUID()), null);
  });

  it("links an alert to an incident once, noting it on the timeline, and filters alerts by incident", async () => {
    const db = ctx.db();
    const rule = unique("rule");
    const { alert } = await recordMatch(db, match(rule), MIN);
    const inc = await createIncident(
      db,
      { title: "t", severity: "high", classification: { level: "unclassified", releasableTo: [] } },
      "ana",
      at(0),
    );
    const linked = must(await linkAlertToIncident(db, alert.id, inc.id, { actor: "ana", now: at(1000) }));
    assert.equal(linked.incidentId, inc.id);
    must(await linkAlertToIncident(db, alert.id, inc.id, { actor: "ana", now: at(2000) }));
    const tl = await listTimeline(db, inc.id);
    assert.deepEqual(
      tl.map((e) => e.kind),
      ["created", "alert-linked"],
    );
    assert.equal(tl[1]!.details.alertId, alert.id);
    assert.equal(tl[1]!.details.ruleId, rule);
    const byIncident = must(await listAlerts(db, { incidentId: inc.id }));
    assert.deepEqual(
      byIncident.items.map((a) => a.id),
      [alert.id],
    );
    const missing = await linkAlertToIncident(db, alert.id, randomUUID(), { actor: "ana", now: at(0) });
    assert.equal(missing.ok ? "" : missing.error.code, "store.not-found");
    const missingAlert = await linkAlertToIncident(db, randomUUID(), inc.id, { actor: "ana", now: at(0) });
    assert.equal(missingAlert.ok ? "" : missingAlert.error.code, "store.not-found");
  });
}
