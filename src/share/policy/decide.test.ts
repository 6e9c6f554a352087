import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ShareCandidate } from "./candidate.js";
import { decide, decisionCodes, type PolicyDecision } from "./decide.js";
import { type PartnerPolicy, PartnerPolicySchema, SHARE_KINDS } from "./partner-policy.js";
import { pseudonym } from "./personal-data.js";

const KEY_DE = Buffer.alloc(32, 7).toString("base64");
const KEY_IT = Buffer.alloc(32, 9).toString("base64");

export const dePolicy = (over: Partial<PartnerPolicy> = {}): PartnerPolicy =>
  PartnerPolicySchema.parse({
    partner: "de",
    jurisdiction: "DE",
    allowedKinds: [...SHARE_KINDS],
    maxTlp: "amber",
    maxClassification: "VS-NfD",
    personalData: "pseudonymise",
    pseudonymKey: KEY_DE,
    ...over,
  });

const candidate = (over: Partial<ShareCandidate> = {}): ShareCandidate => ({
  kind: "indicator",
  id: "indicator--6b6a1c4e-2a39-4a3c-9d8c-0d2b1f3c4e5a",
  tlp: "green",
  classification: { level: "unclassified", releasableTo: [] },
  originator: "fr",
  observables: [
    { kind: "ipv4", value: "203.0.113.66" },
    { kind: "domain", value: "evil.example" },
    { kind: "sha256", value: "a".repeat(64) },
  ],
  fields: { title: "C2 beacon", description: "beaconing to 203.0.113.66" },
  ...over,
});

const ctx = { self: "fr" };
const codes = (d: PolicyDecision) => decisionCodes(d);

describe("sharing policy: markings", () => {
  it("allows public indicators at TLP:GREEN unchanged, marked in the partner's words", () => {
    const d = decide(candidate(), dePolicy(), ctx);
    assert.equal(d.outcome, "allow");
    if (d.outcome !== "allow") return;
    assert.deepEqual(d.candidate.observables, candidate().observables);
    assert.deepEqual(d.candidate.fields, candidate().fields);
    assert.deepEqual(d.marking, {
      tlp: "green",
      level: "unclassified",
      label: "offen",
      jurisdiction: "DE",
      releasableTo: [],
    });
    assert.deepEqual(d.candidate.classification, { jurisdiction: "DE", label: "offen", releasableTo: [] });
  });

  it("TLP: RED and AMBER+STRICT never leave; AMBER only within the partner's ceiling; unknown refused", () => {
    assert.deepEqual(codes(decide(candidate({ tlp: "red" }), dePolicy(), ctx)), ["tlp-red"]);
    assert.deepEqual(codes(decide(candidate({ tlp: "amber+strict" }), dePolicy(), ctx)), [
      "tlp-amber-strict",
    ]);
    assert.equal(decide(candidate({ tlp: "amber" }), dePolicy(), ctx).outcome, "allow");
    assert.deepEqual(codes(decide(candidate({ tlp: "amber" }), dePolicy({ maxTlp: "green" }), ctx)), [
      "tlp-above-partner-max",
    ]);
    assert.deepEqual(codes(decide(candidate({ tlp: "green" }), dePolicy({ maxTlp: "clear" }), ctx)), [
      "tlp-above-partner-max",
    ]);
    assert.equal(decide(candidate({ tlp: "clear" }), dePolicy({ maxTlp: "clear" }), ctx).outcome, "allow");
    assert.deepEqual(codes(decide(candidate({ tlp: "white" }), dePolicy(), ctx)), ["tlp-unknown"]);
    assert.deepEqual(codes(decide(candidate({ tlp: "AMBER" }), dePolicy(), ctx)), ["tlp-unknown"]);
  });

  it("translates DR to VS-NfD and NP to offen; refuses anything higher, and unknown labels", () => {
    const dr = decide(
      candidate({ classification: { jurisdiction: "FR", label: "DR", releasableTo: [] } }),
      dePolicy(),
      ctx,
    );
    assert.equal(dr.outcome, "allow");
    if (dr.outcome === "allow") assert.equal(dr.marking.label, "VS-NfD");
    const toFr = decide(
      candidate({
        classification: { jurisdiction: "DE", label: "VS-NfD", releasableTo: [] },
        originator: "de",
      }),
      dePolicy({ partner: "fr", jurisdiction: "FR", maxClassification: "DR" }),
      { self: "de" },
    );
    assert.equal(toFr.outcome === "allow" && toFr.marking.label, "DR");
    for (const level of ["confidential", "secret", "top-secret"] as const) {
      assert.deepEqual(
        codes(decide(candidate({ classification: { level, releasableTo: [] } }), dePolicy(), ctx)),
        ["classification-too-high"],
      );
    }
    assert.deepEqual(
      codes(
        decide(
          candidate({ classification: { jurisdiction: "DE", label: "VS-Vertraulich", releasableTo: [] } }),
          dePolicy(),
          ctx,
        ),
      ),
      ["classification-too-high"],
    );
    assert.deepEqual(
      codes(
        decide(
          candidate({ classification: { jurisdiction: "FR", label: "Confidentiel", releasableTo: [] } }),
          dePolicy(),
          ctx,
        ),
      ),
      ["classification-unknown"],
    );
    assert.deepEqual(
      codes(
        decide(
          candidate({ classification: { level: "restricted", releasableTo: [] } }),
          dePolicy({ maxClassification: "offen" }),
          ctx,
        ),
      ),
      ["classification-above-partner-max"],
    );
  });

  it("refuses when a nationality caveat excludes the partner", () => {
    assert.deepEqual(
      codes(
        decide(
          candidate({ classification: { level: "unclassified", releasableTo: ["FR"] } }),
          dePolicy(),
          ctx,
        ),
      ),
      ["caveat-excludes-partner"],
    );
    const ok = decide(
      candidate({ classification: { level: "restricted", releasableTo: ["FR", "DE"] } }),
      dePolicy(),
      ctx,
    );
    assert.equal(ok.outcome, "allow");
    if (ok.outcome === "allow") assert.deepEqual(ok.marking.releasableTo, ["FR", "DE"]);
  });

  it("refuses kinds the partner does not take, and reports every reason at once", () => {
    const d = decide(
      candidate({ kind: "note", tlp: "red", classification: { level: "secret", releasableTo: ["FR"] } }),
      dePolicy({ allowedKinds: ["indicator"] }),
      ctx,
    );
    assert.deepEqual(codes(d), [
      "kind-not-allowed",
      "tlp-red",
      "classification-too-high",
      "caveat-excludes-partner",
    ]);
  });
});

describe("sharing policy: onward sharing", () => {
  const fromIt = (consent?: ShareCandidate["consent"]) =>
    candidate({ originator: "it", ...(consent === undefined ? {} : { consent }) });
  it("needs the originator's consent to pass on what a partner sent", () => {
    assert.deepEqual(codes(decide(fromIt(), dePolicy(), ctx)), ["consent-missing"]);
    assert.deepEqual(codes(decide(fromIt({ onwardSharing: false }), dePolicy(), ctx)), ["consent-missing"]);
    assert.equal(decide(fromIt({ onwardSharing: true }), dePolicy(), ctx).outcome, "allow");
    assert.equal(
      decide(fromIt({ onwardSharing: true, partners: ["de", "nl"] }), dePolicy(), ctx).outcome,
      "allow",
    );
    assert.deepEqual(codes(decide(fromIt({ onwardSharing: true, partners: ["nl"] }), dePolicy(), ctx)), [
      "consent-excludes-partner",
    ]);
  });
  it("returning an object to its originator is not onward sharing", () => {
    assert.equal(decide(candidate({ originator: "de" }), dePolicy(), ctx).outcome, "allow");
  });
});

describe("sharing policy: personal data", () => {
  const personal = candidate({
    observables: [
      { kind: "ipv4", value: "203.0.113.66" },
      { kind: "ipv4", value: "10.20.30.40" },
      { kind: "account", value: "CORP\\c.bernard" },
      { kind: "email", value: "Claire.Bernard@corp.example" },
      { kind: "hostname", value: "ws-042.corp.internal" },
      { kind: "domain", value: "evil.example" },
    ],
    fields: {
      title: "Logon by c.bernard on WS-042.corp.internal",
      description:
        "CORP\\C.Bernard (claire.bernard@corp.example) on 10.20.30.40 and 192.168.1.7 talked to 203.0.113.66; mail bob@corp.example",
    },
    attributes: { pattern: "[ipv4-addr:value = '10.20.30.40']", extra: ["ws-042.corp.internal"] },
  });

  it("pseudonymises accounts, e-mails, internal IPs and host names everywhere, keeps public ones", () => {
    const d = decide(personal, dePolicy(), ctx);
    assert.equal(d.outcome, "transform");
    if (d.outcome !== "transform") return;
    assert.deepEqual(d.candidate.observables, [
      { kind: "ipv4", value: "203.0.113.66" },
      { kind: "domain", value: "evil.example" },
    ]);
    const key = Buffer.alloc(32, 7);
    const p = (kind: "ipv4" | "account" | "email" | "hostname", value: string) =>
      pseudonym(key, { kind, value });
    assert.deepEqual(d.candidate.pseudonyms, [
      { kind: "ipv4", value: p("ipv4", "10.20.30.40") },
      { kind: "account", value: p("account", "corp\\c.bernard") },
      { kind: "email", value: p("email", "claire.bernard@corp.example") },
      { kind: "hostname", value: p("hostname", "WS-042.corp.internal") },
    ]);
    assert.equal(
      d.candidate.fields.title,
      `Logon by ${p("account", "CORP\\c.bernard")} on ${p("hostname", "ws-042.corp.internal")}`,
    );
    assert.equal(
      d.candidate.fields.description,
      `${p("account", "corp\\c.bernard")} (${p("email", "claire.bernard@corp.example")}) on ${p("ipv4", "10.20.30.40")} and ${p("ipv4", "192.168.1.7")} talked to 203.0.113.66; mail ${p("email", "bob@corp.example")}`,
    );
    assert.deepEqual(d.candidate.attributes, {
      pattern: `[ipv4-addr:value = '${p("ipv4", "10.20.30.40")}']`,
      extra: [p("hostname", "ws-042.corp.internal")],
    });
    const out = JSON.stringify(d);
    for (const raw of ["10.20.30.40", "192.168.1.7", "c.bernard", "corp.example", "ws-042"])
      assert.ok(!out.toLowerCase().includes(raw), `${raw} leaked`);
    assert.deepEqual(codes(d), ["personal-data.pseudonymised", "personal-data.scrubbed-text"]);
    assert.ok(
      d.changes.every((c) => !/bernard|10\.20/i.test(c.what)),
      "changes name no personal value",
    );
  });

  it("removes them instead when the partner's policy says so", () => {
    const d = decide(personal, dePolicy({ personalData: "remove" }), ctx);
    assert.equal(d.outcome, "transform");
    if (d.outcome !== "transform") return;
    assert.equal(d.candidate.pseudonyms, undefined);
    assert.equal(d.candidate.fields.title, "Logon by [redacted account] on [redacted hostname]");
    assert.deepEqual(codes(d), ["personal-data.removed", "personal-data.scrubbed-text"]);
  });

  it("gives the same value the same pseudonym for one partner, another one for another partner", () => {
    const a = decide(personal, dePolicy(), ctx);
    const b = decide(personal, dePolicy(), ctx);
    const c = decide(personal, dePolicy({ partner: "it", jurisdiction: "DE", pseudonymKey: KEY_IT }), ctx);
    assert.ok(a.outcome === "transform" && b.outcome === "transform" && c.outcome === "transform");
    assert.deepEqual(a.candidate.pseudonyms, b.candidate.pseudonyms);
    const pa = new Set(a.candidate.pseudonyms?.map((p) => p.value));
    assert.ok(c.candidate.pseudonyms?.every((p) => !pa.has(p.value)));
  });

  it("an internal address inside a longer one is replaced whole", () => {
    const d = decide(
      candidate({
        observables: [{ kind: "ipv4", value: "10.0.0.1" }],
        fields: { d: "from 10.0.0.15 and 10.0.0.1." },
      }),
      dePolicy({ personalData: "remove" }),
      ctx,
    );
    assert.ok(d.outcome === "transform");
    assert.equal(d.candidate.fields.d, "from [redacted ipv4] and [redacted ipv4].");
  });
});

describe("partner policy config", () => {
  it("refuses ceilings above the border and weak keys", () => {
    const base = {
      partner: "de",
      jurisdiction: "DE",
      allowedKinds: ["indicator"],
      personalData: "remove",
      pseudonymKey: KEY_DE,
    };
    assert.equal(
      PartnerPolicySchema.safeParse({ ...base, maxTlp: "red", maxClassification: "offen" }).success,
      false,
    );
    assert.equal(
      PartnerPolicySchema.safeParse({ ...base, maxTlp: "amber+strict", maxClassification: "offen" }).success,
      false,
    );
    assert.equal(
      PartnerPolicySchema.safeParse({ ...base, maxTlp: "amber", maxClassification: "VS-Vertraulich" })
        .success,
      false,
    );
    assert.equal(
      PartnerPolicySchema.safeParse({ ...base, maxTlp: "amber", maxClassification: "DR" }).success,
      false,
    );
    assert.equal(
      PartnerPolicySchema.safeParse({
        ...base,
        maxTlp: "amber",
        maxClassification: "offen",
        pseudonymKey: Buffer.alloc(16).toString("base64"),
      }).success,
      false,
    );
    assert.equal(
      PartnerPolicySchema.safeParse({
        ...base,
        maxTlp: "amber",
        maxClassification: "offen",
        onwardSharingRequiresConsent: false,
      }).success,
      false,
    );
    const ok = PartnerPolicySchema.parse({ ...base, maxTlp: "amber", maxClassification: "VS-NfD" });
    assert.equal(ok.onwardSharingRequiresConsent, true);
  });
});
