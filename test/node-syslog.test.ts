// Syslog into a node: RFC 5424 over UDP and RFC 3164 over TCP are mapped (mappings/syslog.yml)
// and detected like any event; a rule file dropped into the watched folder is live without restart.
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { startTestNode, testConfig } from "./support/node.js";

const rule = (id: string, title: string, keyword: string) => `title: ${title}
id: ${id}
status: test
logsource:
  product: linux
  service: syslog
detection:
  keywords:
    - '${keyword}'
  condition: keywords
level: high
tags:
  - attack.credential-access
  - attack.t1110
`;

async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 8000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test("syslog over UDP and TCP is detected; a new rule file is picked up while the node runs", async () => {
  const rules = mkdtempSync(join(tmpdir(), "corridor-syslog-rules-"));
  writeFileSync(
    join(rules, "ssh.yml"),
    rule("11111111-1111-4111-8111-111111111111", "SSH root guessing", "Failed password for root"),
  );
  const t = await startTestNode({
    config: testConfig({
      rules: [rules],
      detection: { watchRules: true },
      syslog: { udp: { host: "127.0.0.1", port: 0 }, tcp: { host: "127.0.0.1", port: 0 } },
    }),
  });
  try {
    const { udp, tcp } = t.node.syslog ?? {};
    assert.ok(udp && tcp, "both listeners are up");
    const sock = createSocket("udp4");
    const m5424 =
      '<38>1 2026-11-20T08:50:01.123Z srv-lyon-fic01 sshd 4242 - [meta sequenceId="7"] Failed password for root from 198.51.100.23 port 52144 ssh2';
    await new Promise<void>((res, rej) =>
      sock.send(m5424, udp.port, "127.0.0.1", (e) => (e ? rej(e) : res())),
    );
    sock.close();
    const alertsOf = async (ruleId: string) =>
      (
        (await (await t.call("analyst", "GET", `/api/v1/alerts?ruleId=${ruleId}`)).json()) as {
          items: { entity: string; eventIds: string[] }[];
        }
      ).items;
    const first = await until("the UDP alert", async () => {
      const a = await alertsOf("11111111-1111-4111-8111-111111111111");
      return a.length > 0 ? a : undefined;
    });
    assert.equal(first[0]!.entity, "host:srv-lyon-fic01");
    const ev = (await (await t.call("analyst", "GET", `/api/v1/events/${first[0]!.eventIds[0]}`)).json()) as {
      source: string;
      event: Record<string, unknown>;
    };
    assert.equal(ev.source, "syslog");
    assert.equal(ev.event.app_name, "sshd");
    assert.equal(ev.event.transport, "udp");

    writeFileSync(
      join(rules, "sudo.yml"),
      rule("22222222-2222-4222-8222-222222222222", "Sudo by an unknown user", "user NOT in sudoers"),
    );
    await until("the reload", async () => {
      const r = (await (await t.call("admin", "GET", "/api/v1/rules")).json()) as { detections: number };
      return r.detections === 2 ? true : undefined;
    });
    const client = connect({ host: "127.0.0.1", port: tcp.port });
    await new Promise<void>((res) => client.once("connect", () => res()));
    const m3164 =
      "<85>Nov 20 08:52:10 srv-lyon-fic01 sudo: mallory : user NOT in sudoers ; TTY=pts/0 ; COMMAND=/bin/sh";
    client.end(`${Buffer.byteLength(m3164)} ${m3164}`);
    const second = await until("the TCP alert", async () => {
      const a = await alertsOf("22222222-2222-4222-8222-222222222222");
      return a.length > 0 ? a : undefined;
    });
    assert.equal(second.length, 1);
    const audit = (await (await t.call("auditor", "GET", "/api/v1/audit?action=rules.reload")).json()) as {
      items: { actor: string }[];
    };
    assert.ok(audit.items.some((e) => e.actor === "file-watch"));
  } finally {
    await t.stop();
    rmSync(rules, { recursive: true, force: true });
  }
});
