import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import Ajv2020 from "ajv/dist/2020.js";
import fc from "fast-check";
import {
  bundle,
  courseOfActionFrom,
  grouping,
  identityFor,
  indicatorFromObservables,
  note,
  observedDataFrom,
  relationship,
  sightingOf,
} from "./builders.js";
import { incidentBundle } from "./export.js";
import { importBundle } from "./import.js";
import {
  INCIDENT_EXTENSION,
  INCIDENT_EXTENSION_ID,
  type incidentExtension,
  incidentFrom,
} from "./incident.js";
import { tlpMarking } from "./markings.js";
import { loadSchemas } from "./schemas.js";
import { INCIDENT, incidentArb, NODE, observableArb } from "./test-fixtures.js";
import type { StixObject } from "./types.js";
import { validateStix } from "./validate.js";

const schemasAvailable = !("code" in loadSchemas());
const SKIP = schemasAvailable ? false : "STIX schemas not found: set CORRIDOR_STIX_SCHEMAS";

const valid = (o: unknown) => {
  const r = validateStix(o);
  assert.ok(r.ok, `${JSON.stringify(o)}\n${r.ok ? "" : r.error.map((p) => p.message).join("\n")}`);
};

const producer = identityFor(NODE);
const at = new Date("2026-03-02T08:05:00.000Z");

describe("builders (golden, validated against the official schemas)", { skip: SKIP }, () => {
  it("identity: an organisation, its id fixed by the node id", () => {
    valid(producer);
    assert.equal(producer.identity_class, "organization");
    assert.equal(producer.id, identityFor({ ...NODE, name: "renamed" }).id);
    assert.notEqual(producer.id, identityFor({ ...NODE, id: "de" }).id);
    valid(identityFor(NODE, { sectors: ["government-national"], contactInformation: "soc@fr.example" }));
  });

  it("indicator: pattern, types, ATT&CK, TLP; same pattern + producer = same id", () => {
    const r = indicatorFromObservables([{ kind: "ipv4", value: "203.0.113.47" }], {
      createdBy: producer.id,
      created: at,
      validFrom: at,
      tlp: "green",
      techniques: ["T1110.001"],
      tactics: ["credential-access"],
      labels: ["brute-force"],
    });
    assert.ok(r.ok);
    const i = r.value;
    valid(i);
    assert.equal(i.pattern, "[ipv4-addr:value = '203.0.113.47']");
    assert.deepEqual(i.object_marking_refs, ["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"]);
    assert.deepEqual(i.kill_chain_phases, [
      { kill_chain_name: "mitre-attack", phase_name: "credential-access" },
    ]);
    assert.equal(i.external_references?.[0]?.url, "https://attack.mitre.org/techniques/T1110/001/");
    const again = indicatorFromObservables([{ kind: "ipv4", value: "203.0.113.47" }], {
      createdBy: producer.id,
      created: new Date(),
      validFrom: new Date(),
    });
    assert.ok(again.ok && again.value.id === i.id);
    const other = identityFor({ ...NODE, id: "de" });
    const theirs = indicatorFromObservables([{ kind: "ipv4", value: "203.0.113.47" }], {
      createdBy: other.id,
      created: at,
      validFrom: at,
    });
    assert.ok(theirs.ok && theirs.value.id !== i.id);
    assert.equal(
      indicatorFromObservables([], { createdBy: producer.id, created: at, validFrom: at }).ok,
      false,
    );
  });

  it("sighting, observed data with SCOs, course of action, relationship, note, grouping, bundle", () => {
    const ind = indicatorFromObservables(INCIDENT.observables, {
      createdBy: producer.id,
      created: at,
      validFrom: at,
    });
    assert.ok(ind.ok);
    const od = observedDataFrom(INCIDENT.observables, {
      createdBy: producer.id,
      created: at,
      firstObserved: INCIDENT.awareAt,
      lastObserved: INCIDENT.updatedAt,
      numberObserved: 12,
      tlp: "amber",
    });
    assert.ok(od.ok);
    valid(od.value.observedData);
    for (const s of od.value.observables) valid(s);
    assert.deepEqual(
      od.value.observables.map((s) => s.type),
      ["ipv4-addr", "domain-name", "file", "ipv4-addr", "user-account"],
    );
    const s = sightingOf(ind.value.id, {
      createdBy: producer.id,
      created: at,
      count: 12,
      firstSeen: INCIDENT.awareAt,
      lastSeen: INCIDENT.updatedAt,
      whereSighted: [producer.id],
      observedDataRefs: [od.value.observedData.id],
      tlp: "amber",
    });
    valid(s);
    assert.equal(
      s.id,
      sightingOf(ind.value.id, {
        createdBy: producer.id,
        created: new Date(),
        firstSeen: INCIDENT.awareAt,
        whereSighted: [producer.id],
      }).id,
    );
    const coa = courseOfActionFrom(
      {
        id: "a1",
        kind: "block-ip",
        target: "203.0.113.47",
        playbook: "brute-force",
        reason: null,
        createdAt: at,
        updatedAt: at,
      } as never,
      { createdBy: producer.id, tlp: "green" },
    );
    valid(coa);
    assert.equal(coa.name, "Block the IP address 203.0.113.47");
    const disable = courseOfActionFrom(
      {
        id: "a2",
        kind: "disable-account",
        target: "alice",
        playbook: null,
        reason: "compromised",
        createdAt: at,
        updatedAt: at,
      } as never,
      { createdBy: producer.id },
    );
    assert.equal(disable.name, "Disable the account"); // the account is not named in a shared object
    const rel = relationship(coa.id, "mitigates", ind.value.id, { createdBy: producer.id, created: at });
    valid(rel);
    assert.equal(rel.id, relationship(coa.id, "mitigates", ind.value.id, { created: new Date() }).id);
    const n = note("Seen from the DE side too.", [ind.value.id], {
      createdBy: producer.id,
      created: at,
      authors: ["de"],
    });
    valid(n);
    const g = grouping([ind.value.id, s.id], { createdBy: producer.id, created: at, name: "VPN campaign" });
    valid(g);
    const b = bundle([producer, ind.value, ind.value, s, tlpMarking("amber")]);
    assert.equal(b.objects.length, 4);
    valid(b);
  });

  it("modified never precedes created; lists are never empty (the schemas refuse both)", () => {
    const r = relationship(
      "indicator--0b4f1a1e-6a4e-4c39-9d4e-3f7f0c6b1e11",
      "related-to",
      "incident--0b4f1a1e-6a4e-4c39-9d4e-3f7f0c6b1e12",
      {
        created: at,
        modified: new Date(at.getTime() - 1000),
        labels: [],
        markings: [],
      },
    );
    assert.equal(r.modified, r.created);
    assert.equal("labels" in r, false);
    assert.equal("object_marking_refs" in r, false);
  });

  it("incident: STIX incident + Corridor extension; the extension validates against its own schema", () => {
    const i = incidentFrom(INCIDENT, producer);
    valid(i);
    valid(INCIDENT_EXTENSION);
    assert.equal(i.created, "2026-03-02T08:05:00.000Z");
    assert.equal(i.modified, "2026-03-03T09:00:00.000Z");
    assert.equal("severity" in i, false, "core.json forbids a top-level severity");
    const ext = i.extensions?.[INCIDENT_EXTENSION_ID] as unknown as ReturnType<typeof incidentExtension>;
    assert.equal(ext.rsit_category, "intrusion-attempts");
    assert.deepEqual(ext.nis2, {
      significant: true,
      malicious_suspected: true,
      cross_border_impact: true,
      aware_at: "2026-03-02T08:00:00.000Z",
      early_warning_due: "2026-03-03T08:00:00.000Z",
      notification_due: "2026-03-05T08:00:00.000Z",
      final_report_due: "2026-04-05T08:00:00.000Z",
      early_warning_submitted: "2026-03-02T20:00:00.000Z",
    });
    assert.deepEqual(ext.affected_countries, ["DE", "FR"]);
    const schema = JSON.parse(
      readFileSync(
        new URL("../../../../src/share/stix/incident-extension.schema.json", import.meta.url),
        "utf8",
      ),
    ) as object;
    const check = new Ajv2020.default({ strict: true }).compile(schema);
    assert.ok(check(ext), JSON.stringify(check.errors));
    assert.equal(
      INCIDENT_EXTENSION.schema.length > 0 && INCIDENT_EXTENSION.extension_types[0],
      "property-extension",
    );
  });

  it("the incident bundle: every object valid, ids stable across exports", () => {
    const b1 = incidentBundle(INCIDENT, { node: NODE });
    const b2 = incidentBundle(INCIDENT, { node: NODE });
    for (const o of b1.objects) valid(o);
    assert.deepEqual(b1.objects, b2.objects);
    const types = b1.objects.map((o) => o.type);
    assert.equal(types.filter((t) => t === "indicator").length, INCIDENT.observables.length);
    assert.equal(types.filter((t) => t === "relationship").length, INCIDENT.observables.length);
    assert.deepEqual(
      b1.objects.filter((o) => o.type === "marking-definition").map((o) => o.id),
      ["marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"],
    );
    const r = importBundle(JSON.stringify(b1));
    assert.ok(r.ok, JSON.stringify(!r.ok && r.error));
    assert.deepEqual(r.value.warnings, []);
  });
});

describe("builders (property: random incidents and observables)", { skip: SKIP }, () => {
  it("every object of a random incident's bundle validates, and the bundle imports", () => {
    fc.assert(
      fc.property(incidentArb, (incident) => {
        const b = incidentBundle(incident, { node: NODE });
        for (const o of b.objects) valid(o);
        const r = importBundle(b);
        assert.ok(r.ok, JSON.stringify(!r.ok && r.error));
      }),
      { numRuns: 60 },
    );
  });

  it("observed data, SCOs and indicators of random observables validate", () => {
    fc.assert(
      fc.property(fc.array(observableArb, { minLength: 1, maxLength: 8 }), (obs) => {
        const ind = indicatorFromObservables(obs, {
          createdBy: producer.id,
          created: at,
          validFrom: at,
          tlp: "clear",
        });
        assert.ok(ind.ok);
        valid(ind.value);
        const od = observedDataFrom(obs, { created: at, firstObserved: at, lastObserved: at });
        assert.ok(od.ok);
        const all: StixObject[] = [od.value.observedData, ...od.value.observables];
        for (const o of all) valid(o);
      }),
      { numRuns: 100 },
    );
  });
});
