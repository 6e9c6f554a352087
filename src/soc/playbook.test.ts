import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import type { Observable } from "../core/index.js";
import { cidrTouchesInternal, isPrivateOrInternal, parseCidr } from "./ip.js";
import { evaluatePlaybooks, explainPlaybooks, type PlaybookSubject } from "./playbook.js";
import { defaultPlaybooksDir, loadPlaybooks } from "./playbook-loader.js";
import { type Playbook, parsePlaybook } from "./playbook-schema.js";

const now = new Date("2026-11-20T09:00:00Z");
const shipped = (() => {
  const r = loadPlaybooks([defaultPlaybooksDir()]);
  assert.ok(r.ok);
  return r.value;
})();
const playbook = (yaml: string): Playbook => {
  const r = parsePlaybook("test.yaml", yaml);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.error));
  return r.value;
};
const subject = (over: Partial<PlaybookSubject>): PlaybookSubject => ({
  kind: "alert",
  severity: "medium",
  tags: [],
  techniques: [],
  observables: [],
  ...over,
});
const brief = (list: readonly { playbook: string; kind: string; target: string }[]) =>
  list.map((a) => `${a.playbook} ${a.kind} ${a.target}`);

describe("shipped playbooks", () => {
  it("block a public brute-force source, not the internal ones", () => {
    const s = subject({
      severity: "medium",
      tags: ["attack.credential-access", "attack.t1110.001"],
      techniques: ["T1110.001"],
      rule: { id: "bf", title: "Brute Force" },
      observables: [
        { kind: "ipv4", value: "203.0.113.47" },
        { kind: "ipv4", value: "10.20.14.37" },
        { kind: "ipv4", value: "198.51.100.77" },
        { kind: "account", value: "MARTEL\\a.fournier" },
      ],
    });
    const proposals = evaluatePlaybooks(shipped, s, now);
    assert.deepEqual(proposals, [
      {
        playbook: "block-bruteforce-source",
        kind: "block-ip",
        target: "203.0.113.47",
        params: {
          reason: "Brute force from 203.0.113.47 (Brute Force)",
          duration: "4h",
          durationMs: 14_400_000,
          until: "2026-11-20T13:00:00.000Z",
          decision: "ban",
        },
      },
      {
        playbook: "block-bruteforce-source",
        kind: "block-ip",
        target: "198.51.100.77",
        params: {
          reason: "Brute force from 198.51.100.77 (Brute Force)",
          duration: "4h",
          durationMs: 14_400_000,
          until: "2026-11-20T13:00:00.000Z",
          decision: "ban",
        },
      },
    ]);
    // Internal only: the condition (observable + public_only) does not hold at all.
    const internal = explainPlaybooks(
      shipped,
      { ...s, observables: [{ kind: "ipv4", value: "10.20.14.37" }] },
      now,
    );
    assert.deepEqual(internal, { matched: [], proposals: [], skipped: [] });
  });

  it("isolate the host and disable the account of an intrusion chain; ticket a critical incident", () => {
    const s = subject({
      kind: "incident",
      severity: "critical",
      title: "Ransomware at Lyon",
      techniques: ["T1003.001", "T1490", "T1059.001", "T1071.001"],
      observables: [
        { kind: "hostname", value: "srv-lyon-fic01" },
        { kind: "account", value: "MARTEL\\adm.durand" },
        { kind: "ipv4", value: "203.0.113.47" },
        { kind: "ipv4", value: "203.0.113.99" },
        { kind: "ipv4", value: "10.20.14.37" },
      ],
    });
    const r = explainPlaybooks(shipped, s, now);
    assert.deepEqual([...r.matched].sort(), [
      "block-c2-range",
      "disable-account-credential-dumping",
      "isolate-ransomware-host",
      "ticket-on-critical",
    ]);
    assert.deepEqual(brief(r.proposals).sort(), [
      "block-c2-range block-range 203.0.113.0/24", // once, though two addresses fall in it
      "disable-account-credential-dumping disable-account MARTEL\\adm.durand",
      "isolate-ransomware-host isolate-host srv-lyon-fic01",
      "ticket-on-critical webhook https://itsm.example/api/hooks/corridor-incident",
    ]);
    const ticket = r.proposals.find((p) => p.kind === "webhook");
    assert.deepEqual(ticket?.params, { reason: "Critical incident: Ransomware at Lyon", method: "POST" });
    assert.deepEqual(r.skipped, []);
  });

  it("stay quiet below their severity or on the wrong subject", () => {
    const s = subject({
      severity: "medium",
      techniques: ["T1003.001"],
      observables: [{ kind: "account", value: "x" }],
    });
    assert.deepEqual(evaluatePlaybooks(shipped, s, now), []);
    assert.deepEqual(
      evaluatePlaybooks(shipped, { ...s, kind: "alert", severity: "critical", techniques: [] }, now),
      [],
    );
  });
});

describe("evaluatePlaybooks", () => {
  it("matches rule ids, tags in either spelling, and sub-techniques", () => {
    const p = playbook(`id: p
title: P
when:
  on: alert
  rule_ids: [r1]
  rule_tags: [attack.credential_access]
  techniques: [T1110]
actions:
  - { kind: webhook, url: "https://h.example/x" }
`);
    const ok = subject({
      rule: { id: "r1", title: "t" },
      tags: ["Attack.Credential-Access"],
      techniques: ["T1110.003"],
    });
    assert.equal(evaluatePlaybooks([p], ok, now).length, 1);
    assert.equal(evaluatePlaybooks([p], { ...ok, rule: { id: "r2", title: "t" } }, now).length, 0);
    assert.equal(evaluatePlaybooks([p], { ...ok, tags: ["attack.execution"] }, now).length, 0);
    assert.equal(evaluatePlaybooks([p], { ...ok, techniques: ["T1111"] }, now).length, 0);
    assert.equal(evaluatePlaybooks([p], { ...ok, kind: "incident" }, now).length, 0);
    const off = playbook(
      `id: off\ntitle: Off\nenabled: false\nwhen: { on: alert }\nactions: [{ kind: webhook, url: "https://h.example/x" }]\n`,
    );
    assert.equal(evaluatePlaybooks([off], ok, now).length, 0);
  });

  it("refuses internal and broad targets unless allowed, and says why", () => {
    const p = playbook(`id: p
title: P
when: { on: alert }
actions:
  - { kind: block-ip, target: "{{observable.ipv6}}", duration: 1h }
  - { kind: block-range, target: "{{observable.ipv4 | network:8}}", duration: 1h }
  - { kind: block-range, target: "{{observable.ipv4 | network:24}}", duration: 1h }
  - { kind: block-ip, target: "{{observable.ipv4}}", duration: 1h, allow_internal: true }
  - { kind: block-range, target: "{{observable.ipv4 | network:12}}", duration: 15m, allow_broad: true }
  - { kind: isolate-host, target: "{{observable.hostname}}" }
  - { kind: block-ip, target: "{{subject.entity}}", duration: 1h }
`);
    const r = explainPlaybooks(
      [p],
      subject({
        entity: "host:ws-1",
        observables: [
          { kind: "ipv6", value: "fd00::1" },
          { kind: "ipv6", value: "2001:db8::1" },
          { kind: "ipv4", value: "192.168.1.9" },
          { kind: "ipv4", value: "203.0.113.47" },
        ],
      }),
      now,
    );
    assert.deepEqual(brief(r.proposals), [
      "p block-ip 2001:db8::1",
      "p block-range 203.0.113.0/24",
      "p block-ip 192.168.1.9",
      "p block-ip 203.0.113.47",
      "p block-range 203.0.0.0/12",
    ]);
    assert.deepEqual(
      r.skipped.map((s) => `${s.code} ${s.target}: ${s.message}`),
      [
        "internal-target fd00::1: fd00::1 is internal (allow_internal is not set)",
        "range-too-broad 192.0.0.0/8: 192.0.0.0/8 is broader than /16 (allow_broad is not set)",
        "range-too-broad 203.0.0.0/8: 203.0.0.0/8 is broader than /16 (allow_broad is not set)",
        "internal-target 192.168.1.0/24: 192.168.1.0/24 covers internal addresses (allow_internal is not set)",
        "internal-target 192.160.0.0/12: 192.160.0.0/12 covers internal addresses (allow_internal is not set)",
        'invalid-target host:ws-1: "host:ws-1" is not an IP address',
      ],
    );
  });

  it("proposes nothing for an observable kind the subject lacks", () => {
    const p = playbook(
      `id: p\ntitle: P\nwhen: { on: alert }\nactions: [{ kind: disable-account, target: "{{observable.account}}" }]\n`,
    );
    assert.deepEqual(explainPlaybooks([p], subject({}), now), { matched: ["p"], proposals: [], skipped: [] });
  });

  const anyIp = fc.oneof(
    fc.ipV4(),
    fc.ipV6(),
    fc.constantFrom(
      "10.1.2.3",
      "192.168.0.1",
      "172.16.5.4",
      "100.64.1.1",
      "127.0.0.1",
      "169.254.0.1",
      "::1",
      "fe80::1",
      "fd00::5",
      "::ffff:10.0.0.1",
      "203.0.113.47",
    ),
  );
  const observable: fc.Arbitrary<Observable> = anyIp.map((v) => ({
    kind: v.includes(":") ? "ipv6" : "ipv4",
    value: v,
  }));
  const action = fc.record({
    kind: fc.constantFrom("block-ip", "block-range"),
    v: fc.constantFrom("ipv4", "ipv6"),
    p4: fc.integer({ min: 0, max: 32 }),
    p6: fc.integer({ min: 0, max: 128 }),
    allowBroad: fc.boolean(),
    publicOnly: fc.boolean(),
  });

  it("never proposes blocking internal space or a broad range unless the playbook allows it (property)", () => {
    fc.assert(
      fc.property(
        fc.array(action, { minLength: 1, maxLength: 4 }),
        fc.array(observable, { maxLength: 8 }),
        (actions, observables) => {
          const playbooks = actions.map((a, i) =>
            playbook(`id: p${i}
title: P
when:
  on: alert${a.publicOnly ? `\n  observable: ${a.v}\n  public_only: true` : ""}
actions:
  - kind: ${a.kind}
    target: "{{observable.${a.v}${a.kind === "block-range" ? ` | network:${a.p4}/${a.p6}` : ""}}}"
    duration: 1h${a.kind === "block-range" ? `\n    allow_broad: ${a.allowBroad}` : ""}
`),
          );
          for (const p of evaluatePlaybooks(playbooks, subject({ observables }), now)) {
            if (p.kind === "block-ip") assert.equal(isPrivateOrInternal(p.target), false, p.target);
            if (p.kind === "block-range") {
              const c = parseCidr(p.target);
              assert.ok(c, p.target);
              assert.equal(cidrTouchesInternal(c), false, p.target);
              const allowed = actions[Number(p.playbook.slice(1))]?.allowBroad;
              if (!allowed) assert.ok(c.prefix >= (c.version === 4 ? 16 : 48), p.target);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
