// Crash safety of a real `corridor node` process: several clients ingest while the node is SIGKILLed
// mid-stream. Every event whose batch got a 202 must be in the segment log afterwards (read
// directly while the node is down), and the restarted node must come back ready, catch detection
// up and keep an intact audit chain. Alerts must count each matching event exactly once across
// all crashes: the detector commits alerts and its cursor together, so nothing is lost or doubled.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { decodeRecord } from "../src/ingest/queue/record.js";
import { SegmentLog } from "../src/ingest/segment-log/index.js";
import {
  type ChildNode,
  createTokenCli,
  freePort,
  killNode,
  spawnNode,
  stopNode,
  writeNodeConfig,
} from "./support/child-node.js";

const ROUNDS = 3;
const SENDERS = 4;
const BATCH = 200;
/** rules/windows/proc_creation_win_powershell_encoded_command.yml */
const ENCODED_PS = "398108ab-dac9-497a-a86f-e5c5bbd1d9c7";
const HOSTS = 6;

const dir = mkdtempSync(join(tmpdir(), "corridor-crash-"));
let running: ChildNode | undefined;
after(async () => {
  if (running) await killNode(running);
  rmSync(dir, { recursive: true, force: true });
});

/** One Sysmon process creation; every tenth an encoded PowerShell command the rule above matches. */
function event(marker: string, n: number): Record<string, unknown> {
  const matches = n % 10 === 0;
  return {
    EventID: 1,
    Channel: "Microsoft-Windows-Sysmon/Operational",
    Computer: `ws-crash-${n % HOSTS}`,
    Image: matches
      ? "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe"
      : "C:\\Windows\\System32\\cmd.exe",
    CommandLine: matches
      ? "powershell.exe -NoProfile -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoA"
      : "cmd.exe /c ver",
    User: "CORP\\crash",
    crash_seq: marker,
  };
}

/** Posts batches until told to stop; returns the markers of every batch answered 202. */
async function sender(url: string, token: string, round: number, id: number, stop: { now: boolean }) {
  const acked: string[] = [];
  let failures = 0;
  for (let b = 0; !stop.now; b++) {
    const markers = Array.from({ length: BATCH }, (_, i) => `r${round}-s${id}-b${b}-e${i}`);
    const body = `${markers.map((m, i) => JSON.stringify(event(m, b * BATCH + i))).join("\n")}\n`;
    let status: number;
    let answer: { accepted?: number };
    try {
      const r = await fetch(`${url}/api/v1/events`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/x-ndjson" },
        body,
      });
      status = r.status;
      answer = (await r.json()) as { accepted?: number };
    } catch {
      // the node died under this request: its batch may or may not be in the log, both are fine
      if (++failures > 3) break;
      await new Promise((r) => setTimeout(r, 20));
      continue;
    }
    if (status === 202) {
      assert.equal(answer.accepted, BATCH, "the whole batch is accepted");
      acked.push(...markers);
    } else assert.equal(status, 429, `unexpected ${status}: ${JSON.stringify(answer)}`);
  }
  return acked;
}

/** Every record in the node's segment log (the node must be down: the log is one process's). */
async function logContents(): Promise<{ markers: Set<string>; ids: number; matching: number }> {
  const log = await SegmentLog.open(join(dir, "data", "events"));
  try {
    const markers = new Set<string>();
    const ids = new Set<string>();
    let matching = 0;
    for (let off = log.firstOffset; off < log.durableOffset; ) {
      const records = await log.read(off, 10_000);
      if (records.length === 0) break;
      for (const r of records) {
        const q = decodeRecord(r.data.toString("utf8"));
        const marker = q.event.crash_seq;
        assert.equal(typeof marker, "string");
        assert.ok(!markers.has(marker as string), `marker ${marker} logged twice`);
        markers.add(marker as string);
        ids.add(q.id);
        if (String(q.event.CommandLine).includes(" -enc ")) matching++;
      }
      off = records[records.length - 1]!.offset + 1;
    }
    return { markers, ids: ids.size, matching };
  } finally {
    await log.close();
  }
}

async function api<T>(node: ChildNode, token: string, path: string): Promise<T> {
  const r = await fetch(`${node.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(r.status, 200, `${path}: ${r.status}`);
  return (await r.json()) as T;
}

async function caughtUp(node: ChildNode, token: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { lag } = await api<{ lag: number }>(node, token, "/api/v1/node");
    if (lag === 0) return;
    assert.ok(Date.now() < deadline, `detection still ${lag} events behind after 20 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function alertedMatches(node: ChildNode, token: string): Promise<number> {
  let total = 0;
  let cursor: string | null = null;
  do {
    const page: { items: { count: number }[]; nextCursor: string | null } = await api(
      node,
      token,
      `/api/v1/alerts?ruleId=${ENCODED_PS}&limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    );
    total += page.items.reduce((s, a) => s + a.count, 0);
    cursor = page.nextCursor;
  } while (cursor);
  return total;
}

test("SIGKILL under sustained ingest: every 202'd event survives, detection catches up exactly once, audit intact", {
  timeout: 180_000,
}, async (t) => {
  const port = await freePort();
  const config = writeNodeConfig(dir, port);
  const token = await createTokenCli(config);
  const everAcked = new Set<string>();
  running = await spawnNode(config, port);
  for (let round = 1; round <= ROUNDS; round++) {
    // the node recovered by the previous round is this round's victim
    const node = running;
    const stop = { now: false };
    const senders = Array.from({ length: SENDERS }, (_, i) => sender(node.url, token, round, i, stop));
    // kill while batches are in flight, at a moment that differs from round to round
    await new Promise((r) => setTimeout(r, 900 + round * 250));
    await killNode(node);
    running = undefined;
    stop.now = true;
    const acked = (await Promise.all(senders)).flat();
    assert.ok(acked.length >= BATCH, `round ${round}: some batches were acknowledged before the kill`);
    for (const m of acked) everAcked.add(m);

    const log = await logContents();
    const lost = [...everAcked].filter((m) => !log.markers.has(m));
    assert.deepEqual(lost.slice(0, 5), [], `round ${round}: ${lost.length} acknowledged events missing`);
    assert.equal(log.ids, log.markers.size, "each logged event has its own id");

    // back up: ready, detection catches up over everything logged, the audit chain holds
    const t2 = Date.now();
    running = await spawnNode(config, port);
    const t3 = Date.now();
    await caughtUp(running, token);
    t.diagnostic(
      `round ${round}: ${acked.length} acked, ${log.markers.size} logged (${log.matching} matching), restart ${t3 - t2} ms, caught up ${Date.now() - t3} ms`,
    );
    assert.equal(
      await alertedMatches(running, token),
      log.matching,
      `round ${round}: alerts count each matching logged event once`,
    );
    const verify = await api<{ ok: boolean; entries: number }>(running, token, "/api/v1/audit/verify");
    assert.equal(verify.ok, true, JSON.stringify(verify));
    assert.ok(verify.entries > round, "the node.start entries of every run are chained");
  }
  assert.equal(await stopNode(running), 0, "a clean stop after the last recovery");
  running = undefined;
});
