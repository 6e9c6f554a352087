import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  alertFromMatch,
  DEFAULT_DEDUP_WINDOW_MS,
  dedupKey,
  entityObservables,
  entityOf,
  foldAlert,
  foldsInto,
  severityOfLevel,
} from "./alerts.js";
import { attackOfTags, techniqueOfTag } from "./attack.js";

describe("alertFromMatch", () => {
  it("reads severity, techniques, tactics and the host entity from a Sysmon match", () => {
    const a = alertFromMatch({
      rule: {
        id: "r1",
        title: "Encoded PowerShell",
        level: "high",
        tags: [
          "attack.execution",
          "attack.t1059.001",
          "attack.T1027",
          "attack.g0016",
          "attack.s0002",
          "cve.2021-44228",
          "attack.defense_evasion",
        ],
      },
      event: {
        Computer: "WS-Paris-014",
        User: "MARTEL\\c.bernard",
        SourceIp: "10.20.14.37",
        Image: "C:\\x.exe",
      },
    });
    assert.deepEqual(a, {
      ruleId: "r1",
      ruleTitle: "Encoded PowerShell",
      severity: "high",
      tags: [
        "attack.execution",
        "attack.t1059.001",
        "attack.T1027",
        "attack.g0016",
        "attack.s0002",
        "cve.2021-44228",
        "attack.defense_evasion",
      ],
      techniques: ["T1059.001", "T1027"],
      tactics: ["execution", "defense-evasion"],
      entity: "host:ws-paris-014",
    });
  });

  it("keys a correlation on its group", () => {
    const a = alertFromMatch({
      rule: {
        id: "c1",
        title: "Brute force",
        level: "critical",
        tags: ["attack.credential-access", "attack.t1110"],
      },
      event: { Computer: "dc01" },
      correlation: { type: "event_count", group: "IpAddress=203.0.113.47" },
    });
    assert.equal(a.entity, "IpAddress=203.0.113.47");
    assert.deepEqual(a.correlation, { type: "event_count", group: "IpAddress=203.0.113.47" });
  });

  it("falls back from host to user to source address", () => {
    assert.equal(
      entityOf({
        Computer: "-",
        TargetUserName: "alice",
        TargetDomainName: "CORP",
        IpAddress: "203.0.113.47",
      }),
      "user:CORP\\alice",
    );
    assert.equal(
      entityOf({ userIdentity: { arn: "arn:aws:iam::1:user/bob" }, sourceIPAddress: "198.51.100.7" }),
      "user:arn:aws:iam::1:user/bob",
    );
    assert.equal(entityOf({ IpAddress: "::ffff:203.0.113.47", TargetUserName: "" }), "ip:203.0.113.47");
    assert.equal(entityOf({ src_ip: "not-an-ip" }), "");
    assert.equal(entityOf({ "host.name": "web-1" }), "host:web-1");
    assert.equal(entityOf({ host: { name: "web-2" } }), "host:web-2");
  });

  it("maps Sigma levels to severities, unknown to medium", () => {
    assert.equal(severityOfLevel("informational"), "informational");
    assert.equal(severityOfLevel("Critical"), "critical");
    assert.equal(severityOfLevel(undefined), "medium");
    assert.equal(severityOfLevel("urgent"), "medium");
  });

  it("reads ATT&CK technique tags exactly", () => {
    assert.equal(techniqueOfTag("attack.t1003.001"), "T1003.001");
    assert.equal(techniqueOfTag("attack.t1003"), "T1003");
    assert.equal(techniqueOfTag("attack.t10031"), undefined);
    assert.equal(techniqueOfTag("attack.t1003.01"), undefined);
    assert.equal(techniqueOfTag("car.2013-05-004"), undefined);
    assert.deepEqual(
      attackOfTags(["attack.t1110", "attack.t1110", "attack.credential_access", "attack.credential-access"]),
      {
        techniques: ["T1110"],
        tactics: ["credential-access"],
      },
    );
  });
});

describe("deduplication", () => {
  const t0 = new Date("2026-11-20T08:40:00Z");
  const existing = { ruleId: "r1", entity: "host:a", lastSeen: t0 };

  it("folds a match of the same rule and entity within the window", () => {
    assert.equal(
      foldsInto(
        existing,
        { ruleId: "r1", entity: "host:a" },
        new Date(t0.getTime() + DEFAULT_DEDUP_WINDOW_MS),
      ),
      true,
    );
    assert.equal(
      foldsInto(
        existing,
        { ruleId: "r1", entity: "host:a" },
        new Date(t0.getTime() + DEFAULT_DEDUP_WINDOW_MS + 1),
      ),
      false,
    );
    assert.equal(foldsInto(existing, { ruleId: "r1", entity: "host:b" }, t0), false);
    assert.equal(foldsInto(existing, { ruleId: "r2", entity: "host:a" }, t0), false);
    assert.equal(
      foldsInto(existing, { ruleId: "r1", entity: "host:a" }, new Date(t0.getTime() + 60_000), {
        dedupWindowMs: 30_000,
      }),
      false,
    );
  });

  it("keys never collide across rule and entity boundaries", () => {
    assert.notEqual(dedupKey({ ruleId: "a", entity: "bc" }), dedupKey({ ruleId: "ab", entity: "c" }));
  });

  it("widens the span, counts, and keeps the first event ids (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: -1e6, max: 1e6 }), fc.option(fc.uuid())), { maxLength: 50 }),
        (matches) => {
          let a = { count: 1, firstSeen: t0, lastSeen: t0, eventIds: ["e0"] as readonly string[] };
          for (const [offset, id] of matches)
            a = foldAlert(a, new Date(t0.getTime() + offset), id, { maxEventIds: 5 });
          const times = [0, ...matches.map(([o]) => o)];
          assert.equal(a.count, matches.length + 1);
          assert.equal(a.firstSeen.getTime(), t0.getTime() + Math.min(...times));
          assert.equal(a.lastSeen.getTime(), t0.getTime() + Math.max(...times));
          assert.ok(a.eventIds.length <= 5);
          assert.equal(new Set(a.eventIds).size, a.eventIds.length);
          const distinct = [...new Set(["e0", ...matches.flatMap(([, id]) => (id === null ? [] : [id]))])];
          assert.deepEqual(a.eventIds, distinct.slice(0, 5));
        },
      ),
    );
  });
});

describe("entityObservables", () => {
  it("names the host, user or address of an alert's entity, and the fields of a correlation group", () => {
    assert.deepEqual(entityObservables("host:ws-paris-014"), [{ kind: "hostname", value: "ws-paris-014" }]);
    assert.deepEqual(entityObservables("user:MARTEL\\c.bernard"), [
      { kind: "account", value: "MARTEL\\c.bernard" },
    ]);
    assert.deepEqual(entityObservables("ip:203.0.113.47"), [{ kind: "ipv4", value: "203.0.113.47" }]);
    assert.deepEqual(entityObservables("IpAddress=10.20.14.37,Computer=srv-lyon-dc01,Workstation="), [
      { kind: "ipv4", value: "10.20.14.37" },
      { kind: "hostname", value: "srv-lyon-dc01" },
    ]);
    assert.deepEqual(entityObservables(""), []);
  });
});
