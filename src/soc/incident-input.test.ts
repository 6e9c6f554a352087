import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { IncidentInputSchema, parseIncidentInput, parseIncidentPatch } from "./incident-input.js";

const now = new Date("2026-11-20T10:00:00Z");
const codes = (r: { ok: boolean; error?: unknown }) =>
  r.ok ? [] : (r.error as { code: string; path?: string }[]).map((p) => `${p.code} ${p.path ?? ""}`.trim());

describe("IncidentInputSchema", () => {
  it("fills defaults and canonicalises", () => {
    const r = parseIncidentInput(
      {
        title: "  Ransomware on the Lyon file server ",
        severity: "critical",
        techniques: ["t1486", "T1486", "T1490"],
        affectedCountries: ["FR", "FR", "DE"],
        observables: [
          { kind: "ipv6", value: "::ffff:203.0.113.47" },
          { kind: "ipv4", value: "203.0.113.47" },
          { kind: "domain", value: "C2.Evil.Example" },
        ],
      },
      now,
    );
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepEqual(r.value, {
      title: "Ransomware on the Lyon file server",
      description: "",
      severity: "critical",
      assignee: null,
      tlp: "amber",
      classification: { level: "restricted", releasableTo: [] },
      rsit: "other",
      techniques: ["T1486", "T1490"],
      affectedServices: [],
      affectedCountries: ["FR", "DE"],
      observables: [
        { kind: "ipv4", value: "203.0.113.47" },
        { kind: "domain", value: "c2.evil.example" },
      ],
      nis2: { significant: true, maliciousSuspected: false, crossBorderImpact: false },
      awareAt: now,
      alertIds: [],
    });
  });

  it("presumes significance from severity unless told", () => {
    const sig = (body: object) => {
      const r = parseIncidentInput({ title: "x", ...body }, now);
      assert.ok(r.ok);
      return r.value.nis2.significant;
    };
    assert.equal(sig({ severity: "low" }), false);
    assert.equal(sig({ severity: "high" }), true);
    assert.equal(sig({ severity: "high", nis2: { significant: false } }), false);
    assert.equal(sig({ nis2: { significant: true } }), true);
  });

  it("says precisely what is wrong (golden)", () => {
    const r = parseIncidentInput(
      {
        title: "   ",
        description: "x".repeat(20_001),
        severity: "severe",
        techniques: ["T1059.1"],
        affectedCountries: ["fr"],
        observables: [
          { kind: "ipv4", value: "10.0.0.256" },
          { kind: "phone", value: "1" },
        ],
        nis2: { significant: "yes", other: true },
        awareAt: "yesterday",
        colour: "red",
        alertIds: ["not-a-uuid"],
      },
      now,
    );
    assert.deepEqual(codes(r), [
      "too-small title",
      "too-big description",
      "invalid-value severity",
      "invalid-format techniques[0]",
      "invalid-format affectedCountries[0]",
      "invalid-observable observables[0].value",
      "invalid-value observables[1].kind",
      "invalid-type nis2.significant",
      "unknown-field nis2.other",
      "invalid-format awareAt",
      "invalid-format alertIds[0]",
      "unknown-field colour",
    ]);
    assert.deepEqual(codes(parseIncidentInput({}, now)), ["missing-field title"]);
    assert.deepEqual(codes(parseIncidentInput(null, now)), ["invalid-type"]);
    const msg = parseIncidentInput({ title: "x", observables: [{ kind: "ipv4", value: "1.2.3" }] }, now);
    assert.ok(!msg.ok);
    assert.equal(msg.error[0]?.message, 'observables[0].value: not a valid ipv4: "1.2.3"');
  });

  it("refuses awareness in the future", () => {
    assert.deepEqual(codes(parseIncidentInput({ title: "x", awareAt: "2026-11-20T10:06:00Z" }, now)), [
      "aware-in-future awareAt",
    ]);
    const r = parseIncidentInput({ title: "x", awareAt: "2026-11-20T11:04:00+01:00" }, now);
    assert.ok(r.ok);
    assert.equal(r.value.awareAt.toISOString(), "2026-11-20T10:04:00.000Z");
  });

  it("accepts every title of 1 to 200 characters after trimming, and nothing longer (property)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 260 }), (title) => {
        const r = IncidentInputSchema.safeParse({ title });
        const t = title.trim();
        assert.equal(r.success, t.length >= 1 && t.length <= 200);
      }),
    );
  });
});

describe("IncidentPatchSchema", () => {
  it("accepts a status change with its reason, observable edits and report times", () => {
    const r = parseIncidentPatch(
      {
        status: "closed",
        resolution: "false-positive",
        reason: "our own scanner",
        observables: {
          add: [{ kind: "sha1", value: "A".repeat(40) }],
          remove: [{ kind: "ipv4", value: "10.0.0.1" }],
        },
        reports: { earlyWarning: "2026-11-20T09:00:00Z", notification: null },
        nis2: { crossBorderImpact: true },
        assignee: null,
        version: 3,
      },
      now,
    );
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepEqual(r.value.observables?.add, [{ kind: "sha1", value: "a".repeat(40) }]);
    assert.deepEqual(r.value.reports, { earlyWarning: new Date("2026-11-20T09:00:00Z"), notification: null });
    assert.equal(r.value.assignee, null);
  });

  it("refuses empty and ill-formed patches (golden)", () => {
    assert.deepEqual(codes(parseIncidentPatch({}, now)), ["empty-patch"]);
    assert.deepEqual(codes(parseIncidentPatch({ version: 2 }, now)), ["empty-patch"]);
    assert.deepEqual(codes(parseIncidentPatch({ reason: "x", tlp: "red" }, now)), ["needs-status reason"]);
    assert.deepEqual(codes(parseIncidentPatch({ observables: {} }, now)), ["empty-patch observables"]);
    assert.deepEqual(codes(parseIncidentPatch({ nis2: {} }, now)), ["empty-patch nis2"]);
    assert.deepEqual(codes(parseIncidentPatch({ status: "done" }, now)), ["invalid-value status"]);
    assert.deepEqual(codes(parseIncidentPatch({ tlp: "white", id: "x" }, now)), [
      "invalid-value tlp",
      "unknown-field id",
    ]);
    assert.deepEqual(codes(parseIncidentPatch({ reports: { finalReport: "2026-11-21T00:00:00Z" } }, now)), [
      "report-in-future reports.finalReport",
    ]);
  });
});
