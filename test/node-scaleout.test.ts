// Scale-out against the real local NATS JetStream and PostgreSQL: one ingest node, detect workers
// sharing the stream through one durable consumer, an api node reading the shared database. Every
// matching event must become exactly one alert however the chunks are spread, and a worker dying
// (after its commit but before its ack, or in the middle of its transaction) must neither lose nor
// double anything: its chunk comes back to a survivor, which skips it if it was committed.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { NatsConnection } from "@nats-io/transport-node";
import type { RunningNode } from "../src/node/node.js";
import type { Database, Tx } from "../src/store/database.js";
import { type SplitCluster, splitCluster, splitSkipReason } from "./support/split-node.js";

const RULE_ID = "6f0c54a4-5a43-4b7e-9d8e-4f3c1d2b7a10";
const EVENTS = 3000;
const PER_POST = 100;

let skip: string | undefined;
const dir = mkdtempSync(join(tmpdir(), "corridor-scaleout-"));
const rulesDir = join(dir, "rules");
const clusters: SplitCluster[] = [];
const nodes: RunningNode[] = [];

before(async () => {
  skip = await splitSkipReason();
  mkdirSync(rulesDir);
  writeFileSync(
    join(rulesDir, "failed_logon_alerting.yml"),
    `title: Failed logon (scale-out test)
id: ${RULE_ID}
status: test
logsource:
  product: windows
  service: security
detection:
  selection:
    EventID: 4625
  condition: selection
level: medium
`,
  );
});
after(async () => {
  for (const n of nodes.splice(0).reverse()) await n.stop().catch(() => undefined);
  for (const c of clusters) await c.destroy();
  rmSync(dir, { recursive: true, force: true });
});

const start = async (c: SplitCluster, role: "ingest" | "detect" | "api", workerId?: string) => {
  const n = await c.start(role, workerId ? { workerId } : {});
  nodes.push(n);
  return n;
};

/** Event i: a failed logon on its own host (so its own alert) unless i % 3 == 0 (a success). */
const event = (i: number) =>
  JSON.stringify({
    EventID: i % 3 === 0 ? 4624 : 4625,
    Channel: "Security",
    Computer: `host-${i}`,
    TargetUserName: `user${i}`,
    IpAddress: "10.0.0.1",
    so_seq: i,
  });
const MATCHING = Array.from({ length: EVENTS }, (_, i) => i).filter((i) => i % 3 !== 0);

/** Sends EVENTS events in POSTs of PER_POST (each its own JetStream chunk), three at a time. */
async function ingestAll(ingest: RunningNode, token: string): Promise<void> {
  const posts = Array.from({ length: EVENTS / PER_POST }, (_, p) => p);
  const send = async () => {
    for (let p = posts.shift(); p !== undefined; p = posts.shift()) {
      const body = Array.from({ length: PER_POST }, (_, k) => event(p * PER_POST + k)).join("\n");
      for (;;) {
        const r = await fetch(`${ingest.url}/api/v1/events`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/x-ndjson" },
          body,
        });
        const answer = (await r.json()) as { accepted: number };
        if (r.status === 429) continue;
        assert.equal(r.status, 202, JSON.stringify(answer));
        assert.equal(answer.accepted, PER_POST);
        break;
      }
    }
  };
  await Promise.all([send(), send(), send()]);
}

/** Waits until the api node reports no chunk pending or unacknowledged, then for the workers' follow-ups. */
async function drained(api: RunningNode, token: string, workers: readonly RunningNode[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const r = await fetch(`${api.url}/api/v1/node`, { headers: { authorization: `Bearer ${token}` } });
    const { lag } = (await r.json()) as { lag: number };
    if (lag === 0) break;
    assert.ok(Date.now() < deadline, `detection still ${lag} chunks behind after 60 s`);
    await new Promise((res) => setTimeout(res, 50));
  }
  for (const w of workers) await w.settled();
}

/** Every alert of the test rule, read through the api node. */
async function alerts(api: RunningNode, token: string) {
  const all: { entity: string; count: number; eventIds: string[] }[] = [];
  let cursor: string | null = null;
  do {
    const r = await fetch(
      `${api.url}/api/v1/alerts?ruleId=${RULE_ID}&limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    assert.equal(r.status, 200);
    const page = (await r.json()) as { items: typeof all; nextCursor: string | null };
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

/** One alert per matching event, on that event's host, holding that event and no other. */
async function assertExactlyOnce(api: RunningNode, token: string): Promise<void> {
  const list = await alerts(api, token);
  assert.equal(
    list.reduce((s, a) => s + a.count, 0),
    MATCHING.length,
    "alert counts sum to the matches",
  );
  assert.equal(list.length, MATCHING.length, "one alert per matching event (distinct hosts)");
  const ids = list.flatMap((a) => a.eventIds);
  assert.equal(new Set(ids).size, ids.length, "no event is in two alerts");
  assert.ok(
    list.every((a) => a.count === 1 && a.eventIds.length === 1),
    "no alert folded a redelivered match",
  );
  const { rows } = await api.db.query<{ id: string; seq: string }>(
    "SELECT id::text AS id, raw->>'so_seq' AS seq FROM events WHERE id = ANY($1::uuid[])",
    [ids],
  );
  const seqOf = new Map(rows.map((r) => [r.id, Number(r.seq)]));
  for (const a of list) {
    const seq = seqOf.get(a.eventIds[0]!);
    assert.equal(a.entity, `host:host-${seq}`, "the alert holds its own host's event");
  }
  assert.deepEqual(
    [...seqOf.values()].sort((x, y) => x - y),
    MATCHING,
    "every matching event was stored once, no other",
  );
}

test("two detect workers share one stream: each takes chunks, every match is one alert", {
  timeout: 120_000,
}, async (t) => {
  if (skip) return t.skip(skip);
  const c = await splitCluster({ dir, rulesDir });
  clusters.push(c);
  const ingest = await start(c, "ingest");
  const a = await start(c, "detect", "worker-a");
  const b = await start(c, "detect", "worker-b");
  const api = await start(c, "api");
  const token = await c.adminToken(api);

  await ingestAll(ingest, token);
  await drained(api, token, [a, b]);

  const pa = a.detector!.eventsProcessed;
  const pb = b.detector!.eventsProcessed;
  t.diagnostic(`worker-a ${pa} events, worker-b ${pb} events`);
  assert.ok(pa > 0 && pb > 0, `both workers took chunks (a ${pa}, b ${pb})`);
  assert.equal(pa + pb, EVENTS, "each event detected by exactly one worker");
  assert.equal(ingest.detector, undefined, "the ingest role does not detect");
  await assertExactlyOnce(api, token);
});

/** The NATS connection under a node's JetStream queue, to cut it the way a crash would. */
const natsOf = (n: RunningNode): NatsConnection => {
  const nc = (n.queue as unknown as { nc?: NatsConnection }).nc;
  assert.ok(nc, "the JetStream queue keeps its connection in `nc`");
  return nc;
};

/**
 * Arms a worker to die on its first detection transaction: its NATS connection is closed (no ack,
 * no nak can follow) either just before COMMIT, so the chunk is committed but never acknowledged,
 * or in the middle of the transaction, which then rolls back. Resolves once it has died.
 */
function dieOnFirstBatch(n: RunningNode, when: "after-commit" | "mid-transaction"): Promise<void> {
  const db = n.db as { -readonly [K in keyof Database]: Database[K] };
  const original = db.transaction.bind(db);
  let died: () => void;
  const dead = new Promise<void>((r) => {
    died = r;
  });
  let armed = true;
  db.transaction = <T>(fn: (tx: Tx) => Promise<T>) =>
    original(async (tx) => {
      let detecting = false;
      const spy: Tx = {
        ...tx,
        query: (text, params) => {
          if (text.includes("detection_batches")) detecting = true;
          return tx.query(text, params);
        },
      };
      const result = await fn(spy);
      if (armed && detecting) {
        armed = false;
        await natsOf(n).close();
        died();
        if (when === "mid-transaction") throw new Error("worker died mid-transaction");
      }
      return result;
    });
  return dead;
}

test("a worker dying after its commit or mid-transaction: its chunk is redone elsewhere, nothing lost or doubled", {
  timeout: 120_000,
}, async (t) => {
  if (skip) return t.skip(skip);
  const c = await splitCluster({ dir, rulesDir, ackWaitMs: 2_000 });
  clusters.push(c);
  const ingest = await start(c, "ingest");
  const survivor = await start(c, "detect", "survivor");
  const committer = await start(c, "detect", "dies-after-commit");
  const aborter = await start(c, "detect", "dies-mid-transaction");
  const api = await start(c, "api");
  const token = await c.adminToken(api);
  const deaths = [dieOnFirstBatch(committer, "after-commit"), dieOnFirstBatch(aborter, "mid-transaction")];

  await ingestAll(ingest, token);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(deaths),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error("a doomed worker never got a chunk within 30 s")), 30_000);
    }),
  ]).finally(() => clearTimeout(timer));
  await drained(api, token, [survivor]);

  const ps = survivor.detector!.eventsProcessed;
  const pc = committer.detector!.eventsProcessed;
  const pa = aborter.detector!.eventsProcessed;
  t.diagnostic(`survivor ${ps} events, dies-after-commit ${pc}, dies-mid-transaction ${pa}`);
  assert.ok(pc > 0, "the chunk committed before the death counts as done");
  assert.equal(pa, 0, "the rolled-back chunk counts for nothing");
  assert.equal(
    ps + pc + pa,
    EVENTS,
    "the survivor redid the rolled-back chunk and skipped the committed one",
  );
  await assertExactlyOnce(api, token);
});
