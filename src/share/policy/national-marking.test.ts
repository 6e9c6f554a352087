import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CLASSIFICATION_LEVELS } from "../../core/index.js";
import { equivalentLabel, parseNationalMarking } from "./national-marking.js";
import { TLP_MARKING_IDS, tlpOfMarkingRefs } from "./stix-tlp.js";

const level = (j: string, l: string) => {
  const r = parseNationalMarking(j, l);
  return r.ok ? r.value : r.error.code;
};

describe("national markings", () => {
  it("reads the FR and DE labels, whatever the case, accents and spacing", () => {
    assert.equal(level("FR", "NP"), "unclassified");
    assert.equal(level("FR", "Non Protégé"), "unclassified");
    assert.equal(level("FR", "non protege"), "unclassified");
    assert.equal(level("FR", "DR"), "restricted");
    assert.equal(level("FR", "Diffusion  Restreinte"), "restricted");
    assert.equal(level("FR", "TRES SECRET"), "top-secret");
    assert.equal(level("DE", "offen"), "unclassified");
    assert.equal(level("DE", "VS-NfD"), "restricted");
    assert.equal(level("DE", "VS - NUR FÜR DEN DIENSTGEBRAUCH"), "restricted");
    assert.equal(level("DE", "VS-Vertraulich"), "confidential");
    assert.equal(level("DE", "Streng Geheim"), "top-secret");
  });

  it("refuses unknown labels and jurisdictions", () => {
    assert.equal(level("FR", "VS-NfD"), "marking.unknown-label");
    assert.equal(level("FR", "Confidentiel Défense"), "marking.unknown-label");
    assert.equal(level("DE", "DR"), "marking.unknown-label");
    assert.equal(level("IT", "riservato"), "marking.unknown-jurisdiction");
  });

  it("translates the equivalence table NP<->offen, DR<->VS-NfD", () => {
    assert.deepEqual(equivalentLabel("unclassified", "DE"), { ok: true, value: "offen" });
    assert.deepEqual(equivalentLabel("restricted", "DE"), { ok: true, value: "VS-NfD" });
    assert.deepEqual(equivalentLabel("unclassified", "FR"), { ok: true, value: "NP" });
    assert.deepEqual(equivalentLabel("restricted", "FR"), { ok: true, value: "DR" });
    const fr = equivalentLabel("confidential", "FR");
    assert.equal(fr.ok ? fr.value : fr.error.code, "marking.no-equivalent");
  });

  it("round-trips every label it writes", () => {
    for (const j of ["FR", "DE"]) {
      for (const l of CLASSIFICATION_LEVELS) {
        const label = equivalentLabel(l, j);
        if (label.ok) assert.equal(level(j, label.value), l, `${j} ${label.value}`);
      }
    }
  });
});

describe("TLP from STIX marking refs", () => {
  it("maps TLP 2.0 and 1.0 ids, takes the most restrictive, refuses none", () => {
    const tlp = (refs: string[]) => {
      const r = tlpOfMarkingRefs(refs);
      return r.ok ? r.value : r.error.code;
    };
    assert.equal(tlp([TLP_MARKING_IDS.green]), "green");
    assert.equal(tlp(["marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"]), "clear");
    assert.equal(tlp(["marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"]), "red");
    assert.equal(
      tlp([TLP_MARKING_IDS.green, TLP_MARKING_IDS["amber+strict"], TLP_MARKING_IDS.amber]),
      "amber+strict",
    );
    assert.equal(tlp(["marking-definition--00000000-0000-4000-8000-000000000000"]), "tlp.missing");
    assert.equal(tlp([]), "tlp.missing");
  });
});
