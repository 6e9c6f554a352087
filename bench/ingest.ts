// bench/ingest: a whole node under load. Starts `corridor node` in-process (embedded PGlite, then
// PostgreSQL in a fresh schema), with the FULL SigmaHQ rule set and the shipped playbooks, and
// replays the OTRF Windows events as NDJSON POSTs of --batch events from --clients concurrent
// clients until --events were acknowledged. Prints, per storage:
//
//  - acknowledged events/s: events answered 202 (durable in the segment log) / wall time from the
//    first POST to the last 202;
//  - detected events/s: the same events / wall time from the first POST until the queue lag is 0
//    (every event through detection, its alerts committed);
//  - alert latency as a client sees it: while the load runs, and again at a steady half of the
//    measured detection rate, a probe POSTs one event every 200 ms that only an own bench rule
//    matches (a new host each time, so each probe opens a new alert); the latency is from the
//    probe's 202 to its alert being listed by GET /api/v1/alerts (polled every 5 ms, so +≤5 ms).
//    Under saturation a probe queues behind the backlog, which is the honest figure there; the
//    steady phase is the one the < 250 ms goal is about;
//  - the node's own corridor_alert_latency_seconds histogram (event received -> alert committed,
//    every new alert of the run), as bucket bounds;
//  - peak RSS of the process sampled every 100 ms from the node's start to its stop (node and its
//    PGlite; the load clients run in a worker thread of the same process and hold the corpus, ~2x
//    its 53 MB, while they run).
//
//   npm run bench:ingest -- [--events 200000] [--batch 1000] [--clients 4] [--storage both|pglite|postgres]
//                           [--steady-seconds 5] [--rules ../shared/corpus/sigma/rules]
// DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) picks the PostgreSQL server.

import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import pg from "pg";
import pino from "pino";
import { parseConfig } from "../src/node/config.js";
import { type RunningNode, startNode } from "../src/node/node.js";
import { createToken } from "../src/store/tokens-repo.js";
import { corpusLines } from "./corpus.js";

const REPO = resolve(import.meta.dirname, "../..");
const PROBE_RULE = "0b7c1f7e-3d2a-4c55-9a61-b3e7c0a9d1f2";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface ClientJob {
  readonly url: string;
  readonly token: string;
  readonly corpus: string;
  readonly events: number;
  readonly batch: number;
  readonly clients: number;
  /** Events per second to hold to (0: as fast as the node answers). */
  readonly rate: number;
}
interface ClientResult {
  readonly acked: number;
  readonly refused: number;
  readonly start: number;
  readonly lastAck: number;
}

/** The load generator (worker thread): POSTs NDJSON bodies cut from the corpus, retrying 429s. */
async function runClients(job: ClientJob): Promise<ClientResult> {
  const lines = corpusLines(job.corpus);
  const bodies: Buffer[] = [];
  for (let i = 0; i + job.batch <= lines.length; i += job.batch) {
    bodies.push(Buffer.from(`${lines.slice(i, i + job.batch).join("\n")}\n`));
  }
  const posts = Math.ceil(job.events / job.batch);
  let next = 0;
  let acked = 0;
  let refused = 0;
  let lastAck = 0;
  const start = Date.now();
  const one = async () => {
    for (let k = next++; k < posts; k = next++) {
      if (job.rate > 0) {
        const due = start + ((k * job.batch) / job.rate) * 1000;
        if (due > Date.now()) await sleep(due - Date.now());
      }
      for (;;) {
        const r = await fetch(`${job.url}/api/v1/events`, {
          method: "POST",
          headers: { authorization: `Bearer ${job.token}`, "content-type": "application/x-ndjson" },
          body: bodies[k % bodies.length]!,
        });
        const answer = (await r.json()) as { accepted?: number };
        if (r.status === 202) {
          acked += answer.accepted ?? 0;
          lastAck = Date.now();
          break;
        }
        if (r.status !== 429) throw new Error(`POST /api/v1/events: ${r.status} ${JSON.stringify(answer)}`);
        refused++;
        await sleep(100);
      }
    }
  };
  await Promise.all(Array.from({ length: job.clients }, one));
  return { acked, refused, start, lastAck };
}

if (!isMainThread) {
  runClients(workerData as ClientJob).then(
    (r) => parentPort!.postMessage(r),
    (e: unknown) => {
      throw e;
    },
  );
}

const clientsInWorker = (job: ClientJob) =>
  new Promise<ClientResult>((res, rej) => {
    const w = new Worker(new URL(import.meta.url), { workerData: job });
    w.once("message", res);
    w.once("error", rej);
  });

/** Probes every 200 ms until `until` says stop: 202 of a one-event batch -> its alert listed. */
async function probe(node: RunningNode, token: string, until: () => boolean, tag: string): Promise<number[]> {
  const latencies: number[] = [];
  const auth = { authorization: `Bearer ${token}` };
  for (let k = 0; !until(); k++) {
    const host = `probe-${tag}-${k}`;
    const body = JSON.stringify({ EventID: 4799, Channel: "Security", Computer: host, bench_probe: "yes" });
    const r = await fetch(`${node.url}/api/v1/events`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/x-ndjson" },
      body,
    });
    await r.arrayBuffer();
    if (r.status !== 202) {
      await sleep(200);
      continue;
    }
    const acked = performance.now();
    for (;;) {
      const list = await fetch(`${node.url}/api/v1/alerts?ruleId=${PROBE_RULE}&limit=20`, { headers: auth });
      const { items } = (await list.json()) as { items: { entity: string }[] };
      if (items.some((a) => a.entity === `host:${host}`)) break;
      if (performance.now() - acked > 120_000) throw new Error(`probe ${host} never alerted`);
      await sleep(5);
    }
    latencies.push(performance.now() - acked);
    await sleep(Math.max(0, 200 - (performance.now() - acked)));
  }
  return latencies;
}

const quantile = (xs: readonly number[], q: number) => {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
};

/** p-quantile of the node's alert latency histogram, as "≤ bucket bound". */
function histogramQuantile(metrics: string, q: number): string {
  const buckets = [
    ...metrics.matchAll(/^corridor_alert_latency_seconds_bucket\{le="([^"]+)"\} (\d+)$/gm),
  ].map((m) => ({ le: m[1]!, n: Number(m[2]) }));
  const total = buckets.find((b) => b.le === "+Inf")?.n ?? 0;
  if (total === 0) return "n/a";
  const hit = buckets.find((b) => b.n >= q * total)!;
  return hit.le === "+Inf" ? "> 5 s" : `≤ ${Number(hit.le) * 1000} ms`;
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

async function benchOne(kind: "pglite" | "postgres", o: Options): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), `corridor-bench-${kind}-`));
  const probeRules = join(dir, "probe-rules");
  mkdirSync(probeRules);
  writeFileSync(
    join(probeRules, "bench_probe.yml"),
    `title: Bench probe\nid: ${PROBE_RULE}\nstatus: test\nlogsource:\n  product: windows\n  service: security\ndetection:\n  selection:\n    EventID: 4799\n    bench_probe: 'yes'\n  condition: selection\nlevel: low\n`,
  );
  const databaseUrl = process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
  const schema = `bench_${randomBytes(4).toString("hex")}`;
  const parsed = parseConfig(
    {
      node: { id: "bench", jurisdiction: "FR" },
      dataDir: join(dir, "data"),
      rules: [o.rules, probeRules],
      playbooks: [join(REPO, "playbooks")],
      detection: { watchRules: false },
      log: { level: "warn" },
    },
    kind === "postgres" ? { DATABASE_URL: databaseUrl } : {},
  );
  if (!parsed.ok) throw new Error(parsed.error.map((p) => p.message).join("; "));
  const t0 = performance.now();
  const node = await startNode({
    config: parsed.value,
    baseDir: dir,
    port: 0,
    logger: pino({ level: "warn" }),
    ...(kind === "postgres" ? { databaseSchema: schema } : {}),
  });
  const rules = node.services.rules();
  console.log(
    `\n== ${kind}: node up in ${fmt(performance.now() - t0)} ms, ${rules?.detections ?? "?"} detection rules, ${
      rules?.correlations ?? "?"
    } correlations (${rules?.report.failed ?? "?"} files failed), queue ${node.queue.kind}`,
  );
  const token = (
    await createToken(
      node.db,
      { name: "bench", role: "admin", clearance: "secret", nationality: "FR" },
      new Date(),
    )
  ).secret;
  let peakRss = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 100);
  try {
    const job = { url: node.url, token, corpus: o.corpus, batch: o.batch, clients: o.clients };
    const startedRss = process.memoryUsage.rss();
    // warm-up, not measured: one pass over the corpus builds the engine's per-logsource routes and
    // prefilters (lazily, on the first event of each kind), warms the JIT and the first queries
    await clientsInWorker({ ...job, events: Math.max(1, Math.floor(28_000 / o.batch)) * o.batch, rate: 0 });
    await node.settled();

    // saturation: as fast as the node acknowledges
    let loading = true;
    const probes = probe(node, token, () => !loading, "load");
    const load = clientsInWorker({ ...job, events: o.events, rate: 0 });
    const result = await load;
    while ((await node.queue.lag()) > 0) await sleep(10);
    const detectedAt = Date.now();
    loading = false;
    const loadLatency = await probes;
    const ackRate = result.acked / ((result.lastAck - result.start) / 1000);
    const detectRate = result.acked / ((detectedAt - result.start) / 1000);

    // steady: half the detection rate, the load a node should be sized to run at
    const rate = Math.max(1000, detectRate / 2);
    let steadying = true;
    const steadyProbes = probe(node, token, () => !steadying, "steady");
    const steady = await clientsInWorker({
      ...job,
      clients: 2,
      events: Math.round(rate * o.steadySeconds),
      rate,
    });
    await node.settled();
    steadying = false;
    const steadyLatency = await steadyProbes;
    const metrics = node.services.metrics.render();
    const goal = kind === "pglite" ? 20_000 : 40_000;
    const ok = (good: boolean) => (good ? "met" : "NOT met");
    console.log(
      [
        `events acknowledged   ${fmt(result.acked)} in ${fmt(result.lastAck - result.start)} ms, ${result.refused} POSTs refused (429)`,
        `acknowledged          ${fmt(ackRate)} ev/s   (goal ≥ ${fmt(goal)} ev/s: ${ok(ackRate >= goal)})`,
        `fully detected        ${fmt(detectRate)} ev/s   (lag 0 after ${fmt(detectedAt - result.start)} ms)`,
        `alert latency, load   p50 ${fmt(quantile(loadLatency, 0.5))} ms, p99 ${fmt(quantile(loadLatency, 0.99))} ms over ${loadLatency.length} probes (202 -> listed by the API, behind the backlog)`,
        `alert latency, steady p50 ${fmt(quantile(steadyLatency, 0.5))} ms, p99 ${fmt(quantile(steadyLatency, 0.99))} ms over ${steadyLatency.length} probes at ${fmt(rate)} ev/s (${fmt(steady.acked)} events)   (goal p99 < 250 ms: ${ok(quantile(steadyLatency, 0.99) < 250)})`,
        `node histogram        received -> alert committed: p50 ${histogramQuantile(metrics, 0.5)}, p99 ${histogramQuantile(metrics, 0.99)}`,
        `peak RSS              ${fmt(peakRss / 1024 / 1024)} MiB (${fmt(startedRss / 1024 / 1024)} MiB once the node was up, before any load)`,
      ].join("\n"),
    );
  } finally {
    clearInterval(sampler);
    await node.stop();
    if (kind === "postgres") {
      const c = new pg.Client({ connectionString: databaseUrl });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => c.end());
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Options {
  readonly events: number;
  readonly batch: number;
  readonly clients: number;
  readonly steadySeconds: number;
  readonly rules: string;
  readonly corpus: string;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      events: { type: "string", default: "200000" },
      batch: { type: "string", default: "1000" },
      clients: { type: "string", default: "4" },
      storage: { type: "string", default: "both" },
      "steady-seconds": { type: "string", default: "5" },
      rules: { type: "string", default: "../shared/corpus/sigma/rules" },
      corpus: { type: "string", default: "../shared/corpus/events/otrf-security-datasets/windows" },
    },
  });
  const o: Options = {
    events: Number(values.events),
    batch: Number(values.batch),
    clients: Number(values.clients),
    steadySeconds: Number(values["steady-seconds"]),
    rules: resolve(REPO, values.rules),
    corpus: resolve(REPO, values.corpus),
  };
  if (!process.env.CORRIDOR_BENCH_CHILD)
    console.log(
      `bench:ingest: ${fmt(o.events)} OTRF events, POSTs of ${fmt(o.batch)}, ${o.clients} clients; rules ${o.rules}`,
    );
  if (values.storage === "both") {
    // one process per storage, so neither run's heap, JIT or RSS peak leaks into the other's figures
    for (const kind of ["pglite", "postgres"]) {
      const args = [...process.execArgv, process.argv[1]!, ...process.argv.slice(2), "--storage", kind];
      const r = spawnSync(process.execPath, args, {
        stdio: ["ignore", "inherit", "inherit"],
        env: { ...process.env, CORRIDOR_BENCH_CHILD: "1" },
      });
      if (r.status !== 0) process.exitCode = r.status ?? 1;
    }
    return;
  }
  if (values.storage !== "pglite" && values.storage !== "postgres")
    throw new Error("--storage is both, pglite or postgres");
  await benchOne(values.storage, o);
}

if (isMainThread) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
