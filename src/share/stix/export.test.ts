import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { err, ok } from "../../core/result.js";
import { exportIncident, incidentBundle } from "./export.js";
import { parseIncidentJson } from "./incident-json.js";
import { INCIDENT, NODE } from "./test-fixtures.js";

describe("exportIncident", () => {
  it("applies the caller's transform (the sharing policy hook) to the finished bundle", async () => {
    const seen: string[] = [];
    const r = await exportIncident(INCIDENT, {
      node: NODE,
      transform: (b) => {
        seen.push(b.id);
        return ok({ ...b, objects: b.objects.filter((o) => o.type !== "indicator") });
      },
    });
    assert.ok(r.ok);
    assert.equal(seen.length, 1);
    assert.equal(
      r.value.objects.some((o) => o.type === "indicator"),
      false,
    );
  });

  it("returns the transform's refusal as it is", async () => {
    const r = await exportIncident(INCIDENT, {
      node: NODE,
      transform: async () => err([{ code: "policy-denied", message: "TLP:RED never crosses the border" }]),
    });
    assert.ok(!r.ok && r.error[0]?.code === "policy-denied");
  });

  it("without a transform, the bundle is the pure incidentBundle", async () => {
    const r = await exportIncident(INCIDENT, {
      node: NODE,
      bundleId: "bundle--0b4f1a1e-6a4e-4c39-9d4e-3f7f0c6b1e10",
    });
    assert.ok(r.ok);
    assert.deepEqual(
      r.value,
      incidentBundle(INCIDENT, { node: NODE, bundleId: "bundle--0b4f1a1e-6a4e-4c39-9d4e-3f7f0c6b1e10" }),
    );
  });
});

describe("parseIncidentJson", () => {
  const json = JSON.parse(JSON.stringify(INCIDENT)) as Record<string, unknown>;

  it("reads the API's shape back (ISO dates to Dates, extra fields ignored)", () => {
    const r = parseIncidentJson(JSON.stringify({ ...json, deadlines: {}, overdue: true }));
    assert.ok(r.ok, JSON.stringify(!r.ok && r.error));
    assert.deepEqual(r.value, INCIDENT);
  });

  it("names each wrong field", () => {
    const r = parseIncidentJson({
      ...json,
      tlp: "purple",
      awareAt: "yesterday",
      observables: [{ kind: "ipv4" }],
    });
    assert.ok(!r.ok);
    const paths = r.error.map((p) => p.path).sort();
    assert.deepEqual(paths, ["awareAt", "observables[0].value", "tlp"]);
    assert.equal(parseIncidentJson("{").ok, false);
  });
});
