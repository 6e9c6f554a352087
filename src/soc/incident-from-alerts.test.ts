import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { AlertId } from "../core/index.js";
import { alertFromMatch } from "./alerts.js";
import { incidentFromAlert, incidentFromAlerts } from "./incident-from-alerts.js";
import { IncidentInputSchema } from "./incident-input.js";

const now = new Date("2026-11-20T09:00:00Z");
const dumpEvent = {
  Computer: "ws-paris-adm01",
  SourceImage: "C:\\Users\\Public\\m.exe",
  TargetImage: "C:\\Windows\\System32\\lsass.exe",
  User: "MARTEL\\adm.durand",
};
const dump = {
  ...alertFromMatch({
    rule: {
      id: "lsass",
      title: "LSASS Access",
      level: "high",
      tags: ["attack.credential-access", "attack.t1003.001"],
    },
    event: dumpEvent,
  }),
  id: "3f1b2c8e-5d4a-4b7e-9a61-0c2d3e4f5a6b" as AlertId,
  count: 3,
  firstSeen: new Date("2026-11-20T08:41:06Z"),
  lastSeen: new Date("2026-11-20T08:42:00Z"),
};
const bruteEvent = {
  Computer: "srv-lyon-dc01",
  IpAddress: "203.0.113.47",
  TargetUserName: "a.fournier",
  TargetDomainName: "MARTEL",
};
const brute = alertFromMatch({
  rule: {
    id: "bf",
    title: "Brute Force",
    level: "medium",
    tags: ["attack.credential-access", "attack.t1110"],
  },
  event: bruteEvent,
  correlation: { type: "event_count", group: "IpAddress=203.0.113.47" },
});

describe("incidentFromAlerts", () => {
  it("opens an incident from one alert with the product's defaults", () => {
    const i = incidentFromAlert(dump, [dumpEvent], now);
    assert.equal(i.title, "LSASS Access on host ws-paris-adm01");
    assert.equal(i.severity, "high");
    assert.equal(i.rsit, "intrusions");
    assert.equal(i.tlp, "amber");
    assert.deepEqual(i.classification, { level: "restricted", releasableTo: [] });
    assert.deepEqual(i.nis2, { significant: true, maliciousSuspected: true, crossBorderImpact: false });
    assert.deepEqual(i.techniques, ["T1003.001"]);
    assert.deepEqual(i.alertIds, [dump.id]);
    assert.equal(i.awareAt, now);
    assert.deepEqual(i.observables, [
      { kind: "account", value: "MARTEL\\adm.durand" },
      { kind: "hostname", value: "ws-paris-adm01" },
    ]);
    assert.equal(
      i.description,
      [
        "Opened from 1 alert.",
        "",
        "- HIGH LSASS Access (rule lsass) on host ws-paris-adm01, 3 matches, seen 2026-11-20T08:41:06.000Z to 2026-11-20T08:42:00.000Z",
        "",
        "ATT&CK techniques: T1003.001.",
        "RSIT class suggested from credential theft, lateral movement or account takeover (T1003.001).",
        "2 observables from the matching events, 2 of them personal data.",
      ].join("\n"),
    );
  });

  it("groups alerts: strongest severity and class, union of techniques and observables", () => {
    const i = incidentFromAlerts([brute, dump], [bruteEvent, dumpEvent], now);
    assert.equal(i.title, "LSASS Access on host ws-paris-adm01 and 1 more alert");
    assert.equal(i.severity, "high");
    assert.equal(i.rsit, "intrusions");
    assert.deepEqual(i.techniques, ["T1003.001", "T1110"]);
    assert.ok(i.observables.some((o) => o.kind === "ipv4" && o.value === "203.0.113.47"));
    const low = incidentFromAlert(brute, [bruteEvent], now);
    assert.equal(low.rsit, "intrusion-attempts");
    assert.equal(low.nis2.significant, false);
    assert.equal(low.title, "Brute Force on IpAddress=203.0.113.47");
    assert.deepEqual(low.alertIds, []);
  });

  it("produces what the API schema accepts, unchanged (round trip through JSON)", () => {
    const i = incidentFromAlerts([brute, dump], [bruteEvent, dumpEvent], now);
    const parsed = IncidentInputSchema.safeParse(JSON.parse(JSON.stringify(i)));
    assert.ok(parsed.success, JSON.stringify(parsed.error?.issues));
    assert.deepEqual(parsed.data, i);
  });

  it("clips a long title", () => {
    const i = incidentFromAlert({ ...dump, ruleTitle: "x".repeat(300) }, [], now);
    assert.equal(i.title.length, 200);
    assert.ok(i.title.endsWith("…"));
  });
});
