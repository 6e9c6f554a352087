// Incidents: create with a "created" entry, versioned updates with per-group timeline entries,
// listing by status/severity/assignee/NIS2 overdue, comments.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { it } from "node:test";
import {
  createIncident,
  getIncident,
  listIncidents,
  type NewIncident,
  updateIncident,
} from "../incidents-repo.js";
import { addComment, listTimeline } from "../timeline-repo.js";
import { at, type CaseContext, must, unique } from "./context.js";

const H = 3_600_000;
const base: NewIncident = {
  title: "Ransomware on file servers",
  severity: "high",
  classification: { level: "restricted", releasableTo: ["FR", "DE"] },
};

export function incidentCases(ctx: CaseContext): void {
  it("creates an incident with defaults and every field round-tripping, plus a 'created' entry", async () => {
    const db = ctx.db();
    const inc = await createIncident(
      db,
      {
        ...base,
        description: "Fichiers chiffrés — «Verschlüsselt»",
        tlp: "amber+strict",
        rsit: "malicious-code",
        techniques: ["T1486"],
        affectedServices: ["files"],
        affectedCountries: ["FR", "DE"],
        observables: [
          { kind: "ipv4", value: "198.51.100.7" },
          { kind: "sha256", value: "ab".repeat(32) },
        ],
        nis2: { significant: true },
        awareAt: at(-H),
      },
      "ana",
      at(0),
    );
    assert.equal(inc.status, "new");
    assert.equal(inc.version, 1);
    assert.equal(inc.assignee, null);
    assert.deepEqual(inc.nis2, { significant: true, maliciousSuspected: false, crossBorderImpact: false });
    assert.deepEqual(inc.reports, { earlyWarning: null, notification: null, finalReport: null });
    assert.equal(inc.awareAt.getTime(), at(-H).getTime());
    assert.equal(inc.createdAt.getTime(), at(0).getTime());
    assert.deepEqual(await getIncident(db, inc.id), inc);
    const defaults = await createIncident(db, base, "ana", at(0));
    assert.equal(defaults.tlp, "amber");
    assert.equal(defaults.rsit, "other");
    assert.equal(defaults.awareAt.getTime(), at(0).getTime());
    const tl = await listTimeline(db, inc.id);
    assert.equal(tl.length, 1);
    assert.equal(tl[0]!.kind, "created");
    assert.equal(tl[0]!.actor, "ana");
    assert.equal(await getIncident(db, randomUUID()), null);
    assert.equal(await getIncident(db, "x"), null);
  });

  it("refuses values outside the enumerations at the database (CHECK constraints)", async () => {
    await assert.rejects(
      createIncident(ctx.db(), { ...base, severity: "apocalyptic" as never }, "ana", at(0)),
      (e: unknown) => (e as { code?: string }).code === "23514",
    );
  });

  it("updates with one timeline entry per changed group, before/after, and bumps the version", async () => {
    const db = ctx.db();
    const inc = await createIncident(db, base, "ana", at(0));
    const r = await updateIncident(
      db,
      inc.id,
      {
        status: "triage",
        assignee: "bob",
        severity: "high", // unchanged: no entry
        classification: { level: "secret", releasableTo: ["FR"] },
        nis2: { crossBorderImpact: true },
        reports: { earlyWarning: at(H) },
        observables: [{ kind: "domain", value: "evil.example" }],
      },
      { actor: "carol", expectedVersion: 1, now: at(2 * H) },
    );
    const next = must(r);
    assert.equal(next.version, 2);
    assert.equal(next.updatedAt.getTime(), at(2 * H).getTime());
    assert.deepEqual(next.classification, { level: "secret", releasableTo: ["FR"] });
    assert.deepEqual(next.nis2, { significant: false, maliciousSuspected: false, crossBorderImpact: true });
    assert.equal(next.reports.earlyWarning?.getTime(), at(H).getTime());
    assert.deepEqual(await getIncident(db, inc.id), next);
    const tl = await listTimeline(db, inc.id);
    assert.deepEqual(
      tl.map((e) => e.kind),
      ["created", "status", "assigned", "classification", "observables", "flags", "reported"],
    );
    const status = tl.find((e) => e.kind === "status")!;
    assert.deepEqual(status.details, { before: { status: "new" }, after: { status: "triage" } });
    assert.equal(status.actor, "carol");
    assert.deepEqual(tl.find((e) => e.kind === "assigned")!.details, {
      before: { assignee: null },
      after: { assignee: "bob" },
    });
    assert.deepEqual(tl.find((e) => e.kind === "reported")!.details.after, {
      reports: { earlyWarning: at(H).toISOString(), notification: null, finalReport: null },
    });
  });

  it("returns a version conflict as a value, and leaves a no-op patch without version bump or entry", async () => {
    const db = ctx.db();
    const inc = await createIncident(db, base, "ana", at(0));
    must(
      await updateIncident(db, inc.id, { title: "renamed" }, { actor: "a", expectedVersion: 1, now: at(1) }),
    );
    const stale = await updateIncident(
      db,
      inc.id,
      { title: "other" },
      { actor: "b", expectedVersion: 1, now: at(2) },
    );
    assert.equal(stale.ok, false);
    if (!stale.ok) {
      assert.equal(stale.error.code, "store.version-conflict");
      assert.equal(stale.error.code === "store.version-conflict" && stale.error.currentVersion, 2);
    }
    const same = must(
      await updateIncident(db, inc.id, { title: "renamed", severity: "high" }, { actor: "c", now: at(3) }),
    );
    assert.equal(same.version, 2);
    assert.equal((await listTimeline(db, inc.id)).length, 2);
    const gone = await updateIncident(db, randomUUID(), { title: "x" }, { actor: "a", now: at(0) });
    assert.equal(gone.ok ? "" : gone.error.code, "store.not-found");
  });

  it("serialises concurrent updates: each lands, versions count them, and only one of two racers at v1 wins", async () => {
    const db = ctx.db();
    const inc = await createIncident(db, base, "ana", at(0));
    const titles = Array.from({ length: 6 }, (_, i) => `t${i}`);
    await Promise.all(
      titles.map((title, i) => updateIncident(db, inc.id, { title }, { actor: "x", now: at(i + 1) })),
    );
    assert.equal((await getIncident(db, inc.id))?.version, 7);
    const v = 7;
    const racers = await Promise.all(
      ["a", "b"].map((t) =>
        updateIncident(db, inc.id, { description: t }, { actor: t, expectedVersion: v, now: at(100) }),
      ),
    );
    assert.equal(racers.filter((r) => r.ok).length, 1);
  });

  it("lists by status, severity, assignee and NIS2 overdue at `now`, in keyset pages", async () => {
    const db = ctx.db();
    const who = unique("analyst");
    const mk = async (over: Partial<NewIncident>, n: number) =>
      createIncident(db, { ...base, assignee: who, ...over }, "ana", at(n));
    const fresh = await mk({ nis2: { significant: true }, awareAt: at(0) }, 1);
    const late = await mk({ nis2: { significant: true }, awareAt: at(-30 * H), severity: "critical" }, 2);
    const minor = await mk({ awareAt: at(-30 * H), severity: "low" }, 3);
    const reported = await mk({ nis2: { significant: true }, awareAt: at(-30 * H), status: "triage" }, 4);
    must(
      await updateIncident(
        db,
        reported.id,
        { reports: { earlyWarning: at(-10 * H) } },
        { actor: "a", now: at(5) },
      ),
    );
    const now = at(H);
    const ids = async (q: Parameters<typeof listIncidents>[1]) =>
      must(await listIncidents(db, { assignee: who, ...q })).items.map((i) => i.id);
    assert.deepEqual(await ids({ overdue: true, now }), [late.id]);
    assert.deepEqual(await ids({ overdue: false, now }), [reported.id, minor.id, fresh.id]);
    // 73 h after awareness the notification is overdue too; 43 h after, fresh's early warning is.
    assert.deepEqual(await ids({ overdue: true, now: at(43 * H) }), [reported.id, late.id, fresh.id]);
    assert.deepEqual(await ids({ severity: "critical" }), [late.id]);
    assert.deepEqual(await ids({ status: "triage" }), [reported.id]);
    const noNow = await listIncidents(db, { overdue: true });
    assert.equal(noNow.ok ? "" : noNow.error.code, "store.now-required");

    const p1 = must(await listIncidents(db, { assignee: who, limit: 3 }));
    assert.equal(p1.items.length, 3);
    const p2 = must(await listIncidents(db, { assignee: who, limit: 3, cursor: p1.nextCursor! }));
    assert.deepEqual(
      p2.items.map((i) => i.id),
      [fresh.id],
    );
    assert.equal(p2.nextCursor, null);
  });

  it("adds comments as 'comment' timeline entries, in order, and refuses an unknown incident", async () => {
    const db = ctx.db();
    const inc = await createIncident(db, base, "ana", at(0));
    const c1 = must(await addComment(db, inc.id, { actor: "bob", text: "Isolé le serveur 🖥️", now: at(1) }));
    const c2 = must(await addComment(db, inc.id, { actor: "eve", text: "ok", now: at(2) }));
    assert.ok(c2.seq > c1.seq);
    const tl = await listTimeline(db, inc.id);
    assert.deepEqual(
      tl.map((e) => [e.kind, e.actor, e.details.text]),
      [
        ["created", "ana", undefined],
        ["comment", "bob", "Isolé le serveur 🖥️"],
        ["comment", "eve", "ok"],
      ],
    );
    assert.deepEqual(
      (await listTimeline(db, inc.id, { afterSeq: c1.seq })).map((e) => e.seq),
      [c2.seq],
    );
    const missing = await addComment(db, randomUUID(), { actor: "bob", text: "x", now: at(0) });
    assert.equal(missing.ok ? "" : missing.error.code, "store.not-found");
  });
}
