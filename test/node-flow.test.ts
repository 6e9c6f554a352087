// A node end to end over the project's sample intrusion: alerts (and correlations) as `corridor
// hunt` finds them, auto-incidents with NIS2 clocks, playbook proposals, approval into a perimeter
// decision, the incident lifecycle over HTTP, visibility by clearance and nationality, correlation
// windows surviving a restart, rule reload, and the audit chain (API and CLI, tamper detected).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { activeDecisions } from "../src/perimeter/decisions.js";
import { createToken } from "../src/store/tokens-repo.js";
import { REPO, startTestNode, type TestNode, testConfig } from "./support/node.js";

type Json = Record<string, unknown>;
const json = async (r: Response) => (await r.json()) as Json;
const SAMPLES = ["windows/srv-lyon-dc01.jsonl", "windows/ws-paris-014.jsonl", "windows/ws-paris-adm01.jsonl"];
const sendFile = (t: TestNode, file: string) =>
  t.call("analyst", "POST", "/api/v1/events", readFileSync(join(REPO, "samples", file)), {
    "content-type": "application/x-ndjson",
  });

describe("the sample intrusion through one node", () => {
  let t: TestNode;
  before(async () => {
    t = await startTestNode();
    for (const f of [...SAMPLES, "linux/auditd.jsonl", "cloud/cloudtrail.jsonl"]) {
      const r = await sendFile(t, f);
      assert.equal(r.status, 202, f);
      const body = await json(r);
      assert.deepEqual(body.rejected, []);
    }
    await t.node.settled();
  });
  after(() => t.stop());

  test("alerts come from the same rules `corridor hunt` finds, correlations included", async () => {
    const hits = JSON.parse(readFileSync(join(REPO, "samples/expected-hits.json"), "utf8")) as Record<
      string,
      { kind: string; standalone?: boolean }
    >;
    // filters raise nothing; inputs of correlations that do not `generate` raise nothing alone
    const expected = Object.fromEntries(
      Object.entries(hits).filter(([, h]) => h.kind !== "filter" && h.standalone !== false),
    );
    const seen = new Set<string>();
    let cursor: string | null = null;
    do {
      const page = (await json(
        await t.call("read-only", "GET", `/api/v1/alerts?limit=200${cursor ? `&cursor=${cursor}` : ""}`),
      )) as { items: { ruleId: string; correlation: unknown }[]; nextCursor: string | null };
      for (const a of page.items) seen.add(a.ruleId);
      cursor = page.nextCursor;
    } while (cursor);
    assert.deepEqual([...seen].sort(), Object.keys(expected).sort());
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    assert.match(metrics, /corridor_detect_events_total \d+/);
    assert.match(metrics, /corridor_alert_latency_seconds_count \d+/);
  });

  test("high alerts opened incidents with NIS2 clocks, observables and playbook proposals", async () => {
    const page = (await json(await t.call("analyst", "GET", "/api/v1/incidents?limit=100"))) as {
      items: Json[];
    };
    assert.ok(page.items.length > 0);
    const ransom = page.items.find((i) => String(i.title).startsWith("Ransom Note Written to Disk"));
    assert.ok(ransom, "the ransom note opened an incident");
    assert.equal(ransom.severity, "high");
    assert.equal(ransom.rsit, "malicious-code");
    assert.deepEqual(ransom.nis2, { significant: true, maliciousSuspected: true, crossBorderImpact: false });
    const d = ransom.deadlines as Record<string, { due: string; state: string }>;
    const aware = Date.parse(String(ransom.awareAt));
    assert.equal(Date.parse(d.earlyWarning!.due) - aware, 24 * 3_600_000);
    assert.equal(Date.parse(d.notification!.due) - aware, 72 * 3_600_000);
    assert.equal(d.earlyWarning!.state, "pending");
    const timeline = (await json(
      await t.call("analyst", "GET", `/api/v1/incidents/${ransom.id}/timeline`),
    )) as { items: { kind: string; actor: string; at: string }[] };
    const kinds = timeline.items.map((e) => e.kind);
    assert.equal(kinds[0], "created");
    assert.ok(kinds.includes("alert-linked"));
    assert.ok(kinds.includes("action-proposed"), "the ransomware playbook proposed isolating the host");
    assert.ok(timeline.items.every((e) => e.actor.length > 0 && !Number.isNaN(Date.parse(e.at))));
  });

  test("a proposed block, once approved, becomes a perimeter decision; the run lands on the timeline", async () => {
    const actions = (await json(
      await t.call("responder", "GET", "/api/v1/actions?state=proposed&limit=200"),
    )) as {
      items: { id: string; kind: string; target: string; incidentId: string | null }[];
    };
    const block = actions.items.find((a) => a.kind === "block-ip" || a.kind === "block-range");
    assert.ok(block, `a block was proposed: ${actions.items.map((a) => `${a.kind} ${a.target}`).join(", ")}`);
    const r = await t.call("responder", "POST", `/api/v1/actions/${block.id}/approve`, {
      reason: "confirmed C2",
    });
    assert.equal(r.status, 200);
    const done = await json(r);
    assert.equal(done.state, "executed", String(done.result));
    const decisions = await activeDecisions(t.node.db, new Date());
    const d = decisions.find((x) => x.actionId === block.id);
    assert.ok(d, "a decision points to the action");
    assert.equal(d.origin, "fr");
    assert.equal(block.target.startsWith(d.value.split("/")[0]!.split(".").slice(0, 3).join(".")), true);
    const again = await t.call("responder", "POST", `/api/v1/actions/${block.id}/approve`, {});
    assert.equal(again.status, 409, "an executed action cannot be approved again");
    const isolate = actions.items.find((a) => a.kind === "isolate-host");
    assert.ok(isolate);
    const approved = await json(
      await t.call("responder", "POST", `/api/v1/actions/${isolate.id}/approve`, {}),
    );
    assert.equal(approved.state, "approved", "no EDR connector: it waits for a person");
    const completed = await json(
      await t.call("responder", "POST", `/api/v1/actions/${isolate.id}/complete`, {
        ok: true,
        result: "isolated from the EDR console",
      }),
    );
    assert.equal(completed.state, "executed");
  });
});

describe("incidents over HTTP", () => {
  let t: TestNode;
  let clock = Date.parse("2026-11-20T10:00:00Z");
  before(async () => {
    t = await startTestNode({ extra: { now: () => new Date(clock) } });
  });
  after(() => t.stop());

  test("lifecycle: allowed steps, refused jumps, reasons, versions, comments, all on the timeline", async () => {
    const created = await json(
      await t.call("analyst", "POST", "/api/v1/incidents", {
        title: "Phishing wave",
        severity: "high",
        observables: [{ kind: "ipv4", value: "203.0.113.47" }],
      }),
    );
    const id = String(created.id);
    assert.equal(created.status, "new");
    assert.equal((created.nis2 as Json).significant, true, "high severity presumes significance");
    const patch = (body: unknown) => t.call("analyst", "PATCH", `/api/v1/incidents/${id}`, body);
    const jump = await patch({ status: "recovered" });
    assert.equal(jump.status, 409);
    assert.equal((await json(jump)).code, "invalid-transition");
    const noise = await patch({ status: "closed" });
    assert.equal((await json(noise)).code, "resolution-required");
    const triage = await json(await patch({ status: "triage", assignee: "c.dupont", version: 1 }));
    assert.equal(triage.status, "triage");
    assert.equal(triage.assignee, "c.dupont");
    const stale = await patch({ severity: "critical", version: 1 });
    assert.equal(stale.status, 409);
    assert.equal((await json(stale)).code, "version-conflict");
    const obs = await json(
      await patch({
        observables: {
          add: [{ kind: "domain", value: "Evil.Example" }],
          remove: [{ kind: "ipv4", value: "203.0.113.47" }],
        },
      }),
    );
    assert.deepEqual(obs.observables, [{ kind: "domain", value: "evil.example" }]);
    const c = await t.call("responder", "POST", `/api/v1/incidents/${id}/comments`, {
      text: "called the user",
    });
    assert.equal(c.status, 201);
    const bad = await patch({ status: "nope" });
    assert.equal(bad.status, 400);
    const problem = await json(bad);
    assert.equal(problem.code, "invalid-body");
    assert.match(String(problem.detail), /body\.status/);
    const timeline = (await json(await t.call("auditor", "GET", `/api/v1/incidents/${id}/timeline`))) as {
      items: { kind: string; actor: string; details: Json }[];
    };
    const kinds = timeline.items.map((e) => e.kind);
    for (const k of ["created", "status", "assigned", "observables", "comment"])
      assert.ok(kinds.includes(k), k);
    const status = timeline.items.find((e) => e.kind === "status")!;
    assert.equal(status.actor, "test-analyst (analyst)");
    assert.deepEqual(
      [status.details.before, status.details.after],
      [{ status: "new" }, { status: "triage" }],
    );
  });

  test("NIS2: overdue reports show in the API and in the overdue filter; submitting one clears it", async () => {
    const created = await json(
      await t.call("analyst", "POST", "/api/v1/incidents", {
        title: "DDoS on the portal",
        severity: "critical",
        awareAt: "2026-11-20T09:00:00Z",
      }),
    );
    clock = Date.parse("2026-11-21T10:00:00Z"); // 25 h after awareness
    const now = await json(await t.call("analyst", "GET", `/api/v1/incidents/${created.id}`));
    const d = now.deadlines as Record<string, { state: string; remainingMs: number }>;
    assert.equal(d.earlyWarning!.state, "overdue");
    assert.ok(d.earlyWarning!.remainingMs < 0);
    assert.equal(now.overdue, true);
    const overdue = (await json(await t.call("analyst", "GET", "/api/v1/incidents?overdue=true"))) as {
      items: { id: string }[];
    };
    assert.ok(overdue.items.some((i) => i.id === created.id));
    const sent = await json(
      await t.call("crisis-officer", "PATCH", `/api/v1/incidents/${created.id}`, {
        reports: { earlyWarning: "2026-11-21T09:59:00Z" },
      }),
    );
    assert.equal((sent.deadlines as Record<string, { state: string }>).earlyWarning!.state, "submitted-late");
    assert.equal(sent.overdue, false);
    const future = await t.call("crisis-officer", "PATCH", `/api/v1/incidents/${created.id}`, {
      reports: { notification: "2027-01-01T00:00:00Z" },
    });
    assert.equal(future.status, 400);
    clock = Date.parse("2026-11-20T10:00:00Z");
  });

  test("an incident above a user's clearance or under another nation's caveat does not exist for them", async () => {
    const secret = await json(
      await t.call("analyst", "POST", "/api/v1/incidents", {
        title: "State actor in the hypervisor",
        severity: "critical",
        classification: { level: "secret", releasableTo: ["FR"] },
      }),
    );
    const low = await createToken(
      t.node.db,
      { name: "low", role: "analyst", clearance: "restricted", nationality: "FR" },
      new Date(),
    );
    const german = await createToken(
      t.node.db,
      { name: "de", role: "analyst", clearance: "top-secret", nationality: "DE" },
      new Date(),
    );
    const as = (secretToken: string, path: string) =>
      fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${secretToken}` } });
    for (const who of [low.secret, german.secret]) {
      assert.equal((await as(who, `/api/v1/incidents/${secret.id}`)).status, 404);
      assert.equal((await as(who, `/api/v1/incidents/${secret.id}/timeline`)).status, 404);
      const list = (await (await as(who, "/api/v1/incidents?limit=1000")).json()) as {
        items: { id: string }[];
      };
      assert.ok(!list.items.some((i) => i.id === secret.id));
    }
    assert.equal((await t.call("analyst", "GET", `/api/v1/incidents/${secret.id}`)).status, 200);
  });

  test("bad input is refused precisely and the node keeps serving", async () => {
    const send = (body: string | Uint8Array, type = "application/x-ndjson") =>
      t.call("analyst", "POST", "/api/v1/events", body, { "content-type": type });
    const mixed = await json(
      await send(
        Buffer.concat([
          Buffer.from('{"EventID":1}\n{"broken": \n[1,2]\n"text"\n{"big":"'),
          Buffer.from("x".repeat(2 * 1024 * 1024)),
          Buffer.from('"}\n{"bad":"\xff\xfe"}\n'.split("").map((c) => c.charCodeAt(0))),
          Buffer.from('{"ok":true}\n'),
        ]),
      ),
    );
    assert.equal(mixed.accepted, 2);
    const codes = (mixed.rejected as { index: number; code: string }[]).map((r) => `${r.index}:${r.code}`);
    assert.deepEqual(codes, [
      "1:invalid-json",
      "2:not-an-object",
      "3:not-an-object",
      "4:event-too-large",
      "5:invalid-utf8",
    ]);
    const tenMb = await send(`{"blob":"${"y".repeat(10 * 1024 * 1024)}"}`);
    assert.equal(tenMb.status, 202);
    assert.equal(((await json(tenMb)).rejected as { code: string }[])[0]?.code, "event-too-large");
    const wrongType = await t.call("analyst", "POST", "/api/v1/incidents", "title=x", {
      "content-type": "application/x-www-form-urlencoded",
    });
    assert.equal(wrongType.status, 415);
    const notJson = await t.call("analyst", "POST", "/api/v1/incidents", "{", {
      "content-type": "application/json",
    });
    assert.equal((await json(notJson)).code, "invalid-json");
    const types = await t.call("analyst", "POST", "/api/v1/incidents", { title: 42, severity: "huge" });
    const p = await json(types);
    assert.equal(p.code, "invalid-body");
    assert.deepEqual((p.errors as { path: string }[]).map((e) => e.path).sort(), [
      "body.severity",
      "body.title",
    ]);
    const source = await t.call("analyst", "POST", "/api/v1/events", '{"a":1}', {
      "content-type": "application/json",
      "x-corridor-source": "no-such-mapping",
    });
    assert.equal((await json(source)).code, "unknown-source");
    const badId = await t.call("analyst", "GET", "/api/v1/incidents/not-a-uuid");
    assert.equal(badId.status, 400);
    assert.equal((await fetch(`${t.url}/healthz`)).status, 200);
    assert.equal((await t.call("read-only", "GET", "/api/v1/node")).status, 200);
  });
});

describe("limits", () => {
  test("a body over the limit gets 413; detection far behind gets 429 with Retry-After", async () => {
    const t = await startTestNode({
      config: testConfig({ ingest: { maxBodyBytes: 64 * 1024, maxLag: 10 } }),
    });
    try {
      const big = await t.call("analyst", "POST", "/api/v1/events", `{"x":"${"z".repeat(100_000)}"}`, {
        "content-type": "application/json",
      });
      assert.equal(big.status, 413);
      assert.equal((await json(big)).code, "body-too-large");
      // stop detection so the lag grows, as on a node whose detection fell behind
      await t.node.detector?.stop();
      const batch = Array.from({ length: 50 }, (_, i) => JSON.stringify({ n: i })).join("\n");
      const first = await t.call("analyst", "POST", "/api/v1/events", batch, {
        "content-type": "application/x-ndjson",
      });
      assert.equal(first.status, 202);
      await new Promise((r) => setTimeout(r, 250)); // the lag view refreshes every 200 ms
      const second = await t.call("analyst", "POST", "/api/v1/events", batch, {
        "content-type": "application/x-ndjson",
      });
      assert.equal(second.status, 429);
      assert.ok(Number(second.headers.get("retry-after")) > 0);
      assert.equal((await json(second)).code, "detection-behind");
    } finally {
      await t.stop();
    }
  });
});

describe("restarts", () => {
  const failed = (i: number, ip: string) =>
    JSON.stringify({
      "@timestamp": new Date(Date.parse("2026-11-20T08:46:00Z") + i * 10_000).toISOString(),
      TimeCreated: new Date(Date.parse("2026-11-20T08:46:00Z") + i * 10_000).toISOString(),
      EventID: 4625,
      Channel: "Security",
      SourceName: "Microsoft-Windows-Security-Auditing",
      Hostname: "srv-lyon-dc01",
      Computer: "srv-lyon-dc01",
      TargetUserName: `user${i}`,
      TargetDomainName: "MARTEL",
      LogonType: "3",
      Status: "0xc000006d",
      IpAddress: ip,
      IpPort: "50000",
    });

  test("a correlation window open at shutdown fires after the restart", async () => {
    const dir = mkdtempSync(join(tmpdir(), "corridor-restart-"));
    try {
      const first = await startTestNode({ dir });
      const half = Array.from({ length: 6 }, (_, i) => failed(i, "198.51.100.99")).join("\n");
      assert.equal(
        (
          await first.call("analyst", "POST", "/api/v1/events", half, {
            "content-type": "application/x-ndjson",
          })
        ).status,
        202,
      );
      await first.node.settled();
      await first.stop();
      const second = await startTestNode({ dir });
      try {
        const rest = Array.from({ length: 4 }, (_, i) => failed(i + 6, "198.51.100.99")).join("\n");
        await second.call("analyst", "POST", "/api/v1/events", rest, {
          "content-type": "application/x-ndjson",
        });
        await second.node.settled();
        const alerts = (await json(
          await second.call("analyst", "GET", "/api/v1/alerts?ruleId=e469a7e1-bd4d-4a63-9c5d-3c5e38ed5109"),
        )) as { items: { correlation: { type: string; group: string } | null; entity: string }[] };
        assert.equal(alerts.items.length, 1, "ten failures across the restart make one brute-force alert");
        assert.equal(alerts.items[0]!.correlation?.type, "event_count");
        assert.match(alerts.items[0]!.entity, /198\.51\.100\.99/);
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("rule reload answers the load report and is audited; the audit chain verifies, and a tampered row is named (API and CLI)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "corridor-audit-"));
    try {
      const t = await startTestNode({ dir });
      const reload = await json(await t.call("admin", "POST", "/api/v1/rules/reload", {}));
      assert.equal((reload.report as Json).failed, 0);
      assert.ok(Number(reload.detections) > 10);
      const ok = await json(await t.call("auditor", "GET", "/api/v1/audit/verify"));
      assert.equal(ok.ok, true);
      const page = (await json(await t.call("auditor", "GET", "/api/v1/audit?action=rules.reload"))) as {
        items: { seq: number }[];
      };
      assert.equal(page.items.length, 1);
      const victim = page.items[0]!.seq;
      // an insider with database access rewrites history: the trigger must be bypassed to do it
      await assert.rejects(t.node.db.query("UPDATE audit SET actor = 'nobody' WHERE seq = $1", [victim]));
      await t.node.db.query("ALTER TABLE audit DISABLE TRIGGER USER");
      await t.node.db.query("UPDATE audit SET actor = 'nobody' WHERE seq = $1", [victim]);
      await t.node.db.query("ALTER TABLE audit ENABLE TRIGGER USER");
      const broken = await json(await t.call("auditor", "GET", "/api/v1/audit/verify"));
      assert.equal(broken.ok, false);
      assert.deepEqual(broken.firstBroken, { seq: victim, reason: "hash-mismatch" });
      await t.stop();
      const config = join(dir, "corridor.yaml");
      writeFileSync(config, `node: {id: fr, jurisdiction: FR}\ndataDir: ${dir}\n`);
      const cli = spawnSync(
        process.execPath,
        [join(REPO, "bin/corridor.js"), "audit", "verify", "--config", config, "--format", "json"],
        {
          encoding: "utf8",
        },
      );
      assert.equal(cli.status, 1, cli.stderr);
      assert.deepEqual(JSON.parse(cli.stdout).firstBroken, { seq: victim, reason: "hash-mismatch" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("a detection worker that dies", () => {
  test("is replaced with the same rules; the batch in flight is retried, nothing is lost", async () => {
    const t = await startTestNode();
    try {
      const worker = t.node.detectionWorker;
      assert.ok(worker, "the single-process node detects in a worker thread");
      await worker.crashForTest();
      const r = await sendFile(t, "windows/ws-paris-014.jsonl");
      assert.equal(r.status, 202);
      await t.node.settled();
      assert.equal(worker.restarts, 1);
      const alerts = (await json(await t.call("analyst", "GET", "/api/v1/alerts?limit=200"))) as {
        items: unknown[];
      };
      assert.ok(alerts.items.length >= 5, `alerts after the restart: ${alerts.items.length}`);
      const node = (await json(await t.call("analyst", "GET", "/api/v1/node"))) as { lag: number };
      assert.equal(node.lag, 0);
    } finally {
      await t.stop();
    }
  });
});
