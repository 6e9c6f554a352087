// Outbound: an incident for a partner keeps its public indicators, loses its personal data, and
// is refused when its markings may not cross. Inbound: indicator patterns become block targets.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, test } from "node:test";
import type { Incident, IncidentId } from "../../core/index.js";
import { PartnerPolicySchema } from "../policy/index.js";
import { importBundle } from "../stix/index.js";
import { blockCandidates } from "./inbound.js";
import { outgoingIncident } from "./outbound.js";

const policy = PartnerPolicySchema.parse({
  partner: "de",
  jurisdiction: "DE",
  allowedKinds: ["incident", "indicator", "relationship", "identity"],
  maxTlp: "amber",
  maxClassification: "VS-NfD",
  personalData: "pseudonymise",
  pseudonymKey: randomBytes(32).toString("base64"),
});
const fr = { id: "fr", name: "Corridor SOC France", jurisdiction: "FR" };

const incident = (over: Partial<Incident> = {}): Incident => ({
  id: "6b0b6f2e-1f3a-4c1e-9d1d-1b2c3d4e5f60" as IncidentId,
  title: "Ransomware on ws-paris-014 (MARTEL\\c.bernard)",
  description:
    "c.bernard@martel-logistique.example opened the invoice; beacon from 10.20.14.37 to 203.0.113.47",
  status: "contained",
  severity: "high",
  assignee: "analyst",
  classification: { level: "restricted", releasableTo: [] },
  tlp: "amber",
  rsit: "malicious-code",
  techniques: ["T1486", "T1071.001"],
  affectedServices: ["logistics"],
  affectedCountries: ["FR"],
  observables: [
    { kind: "ipv4", value: "203.0.113.47" },
    { kind: "domain", value: "cdn-update.example" },
    { kind: "sha256", value: "a".repeat(64) },
    { kind: "account", value: "MARTEL\\c.bernard" },
    { kind: "hostname", value: "ws-paris-014" },
    { kind: "ipv4", value: "10.20.14.37" },
    { kind: "email", value: "c.bernard@martel-logistique.example" },
  ],
  nis2: { significant: true, maliciousSuspected: true, crossBorderImpact: true },
  awareAt: new Date("2026-11-20T09:35:00Z"),
  reports: { earlyWarning: null, notification: null, finalReport: null },
  createdAt: new Date("2026-11-20T09:35:00Z"),
  updatedAt: new Date("2026-11-20T09:40:00Z"),
  version: 3,
  ...over,
});

describe("outbound", () => {
  test("public indicators pass, personal data is gone from the whole bundle, and the bundle is valid STIX", () => {
    const out = outgoingIncident(incident(), policy, fr);
    assert.equal(out.decision.outcome, "transform");
    const text = JSON.stringify(out.bundle);
    for (const personal of ["c.bernard", "ws-paris-014", "10.20.14.37", "martel-logistique.example"]) {
      assert.ok(!text.includes(personal), `${personal} must not leave`);
    }
    for (const pub of ["203.0.113.47", "cdn-update.example", "a".repeat(64)])
      assert.ok(text.includes(pub), pub);
    const imported = importBundle(text, { schemas: "required" });
    assert.ok(imported.ok, JSON.stringify(!imported.ok && imported.error.slice(0, 3)));
    const types = imported.value.objects.map((o) => o.type);
    assert.equal(types.filter((t) => t === "indicator").length, 3);
    assert.equal(types.filter((t) => t === "sighting").length, 3, "each indicator sighted at fr");
    assert.ok(types.includes("incident"));
    // the personal values travel as keyed pseudonyms, so de can correlate repeats
    const note = imported.value.objects.find((o) => o.type === "note") as { content: string } | undefined;
    assert.ok(note, "a note carries the pseudonyms");
    assert.equal((note.content.match(/pseud:[0-9a-f]{64}/g) ?? []).length, 4);
    const again = outgoingIncident(incident(), policy, fr);
    assert.deepEqual(
      again.bundle?.objects,
      out.bundle?.objects,
      "the same incident gives the same objects: same pseudonyms",
    );
  });

  test("RED, AMBER+STRICT, above VS-NfD and a SPÉCIAL FRANCE caveat never leave", () => {
    for (const over of [
      { tlp: "red" as const },
      { tlp: "amber+strict" as const },
      { classification: { level: "secret" as const, releasableTo: [] } },
      { classification: { level: "restricted" as const, releasableTo: ["FR"] } },
    ]) {
      const out = outgoingIncident(incident(over), policy, fr);
      assert.equal(out.decision.outcome, "refuse", JSON.stringify(over));
      assert.equal(out.bundle, undefined);
    }
  });
});

describe("inbound", () => {
  test("indicator patterns become public block targets; internal addresses, other types and revoked ones do not", () => {
    const ind = (pattern: string, extra: Record<string, unknown> = {}) => ({
      type: "indicator",
      id: `indicator--${crypto.randomUUID()}`,
      pattern,
      pattern_type: "stix",
      ...extra,
    });
    const got = blockCandidates([
      ind("[ipv4-addr:value = '203.0.113.47']"),
      ind(
        "[ipv4-addr:value = '198.51.100.0/24' OR ipv4-addr:value = '10.0.0.1'] OR [domain-name:value = 'x.example']",
      ),
      ind("[ipv6-addr:value = '2001:db8::1']"),
      ind("[ipv4-addr:value = '192.0.2.1'] AND [ipv4-addr:value = '192.0.2.2']"),
      ind("[ipv4-addr:value != '192.0.2.3']"),
      ind("[ipv4-addr:value = '192.0.2.4']", { revoked: true }),
      ind("[ipv4-addr:value = '203.0.113.47']"),
      { type: "malware", id: "malware--x" },
    ]);
    assert.deepEqual(
      got.map((g) => g.target),
      ["203.0.113.47", "198.51.100.0/24", "2001:db8::1"],
    );
  });
});
