// Every route x every role against a real node: 401 without or with a bad token, 403 for a role
// the route does not declare, the route's success status for a role it does. The table of example
// requests must name every route, so a new route cannot skip this test.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { AssistanceInput, openRequest } from "../src/assist/request.js";
import { recordEvent } from "../src/assist/store.js";
import { ROLES, type Role } from "../src/core/index.js";
import { decideAction, proposeAction } from "../src/store/actions-repo.js";
import { recordMatch } from "../src/store/alerts-repo.js";
import { createIncident } from "../src/store/incidents-repo.js";
import { createToken } from "../src/store/tokens-repo.js";
import { REPO, startTestNode, type TestNode } from "./support/node.js";

let t: TestNode;
let incidentId: string;
let eventId: string;
let alertId: string;

interface Example {
  readonly path: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  readonly status: number;
}

const newIncident = async () =>
  (
    await createIncident(
      t.node.db,
      { title: "matrix", severity: "low", classification: { level: "restricted", releasableTo: [] } },
      "test",
      new Date(),
    )
  ).id;
const newAlert = async () =>
  (
    await recordMatch(
      t.node.db,
      {
        ruleId: "matrix-rule",
        ruleTitle: "Matrix",
        severity: "low",
        tags: [],
        techniques: [],
        entity: `host:${randomUUID()}`,
        eventId: randomUUID(),
        at: new Date(),
      },
      60_000,
    )
  ).alert.id;
const newAction = async (approved: boolean) => {
  const r = await proposeAction(
    t.node.db,
    { incidentId, kind: "isolate-host", target: "ws-matrix" },
    { actor: "test", now: new Date() },
  );
  assert.ok(r.ok);
  if (approved) await decideAction(t.node.db, r.value.id, { approve: true, actor: "test", now: new Date() });
  return r.value.id;
};

const assistanceBody = {
  to: "de",
  requestingEntity: "CERT fr",
  crisisLevel: "crisis",
  impact: "hospital logistics down",
  measuresTaken: "hosts isolated",
  capabilities: ["forensics"],
  deadline: "2030-01-01T00:00:00Z",
};
/** A request from the partner de to this node (fr), as if de had sent it. */
const inbound = async () => {
  const e = openRequest(
    AssistanceInput.parse({ ...assistanceBody, to: "fr" }),
    { id: randomUUID(), from: "de" },
    new Date(),
  );
  const r = await recordEvent(t.node.db, e, { delivered: true });
  assert.ok(r.ok);
  return r.value.id;
};
const outbound = async () => {
  const e = openRequest(AssistanceInput.parse(assistanceBody), { id: randomUUID(), from: "fr" }, new Date());
  const r = await recordEvent(t.node.db, e, { delivered: true });
  assert.ok(r.ok);
  return r.value.id;
};

/** One example request per operation; async so each call gets fresh objects where it consumes them. */
const EXAMPLES: Record<string, () => Promise<Example>> = {
  getNode: async () => ({ path: "/api/v1/node", status: 200 }),
  ingestEvents: async () => ({
    path: "/api/v1/events",
    body: '{"EventID":1,"Channel":"Microsoft-Windows-Sysmon/Operational","Image":"C:\\\\x.exe"}\n',
    headers: { "content-type": "application/x-ndjson" },
    status: 202,
  }),
  getEvent: async () => ({ path: `/api/v1/events/${eventId}`, status: 200 }),
  listAlerts: async () => ({ path: "/api/v1/alerts?limit=5", status: 200 }),
  getAlert: async () => ({ path: `/api/v1/alerts/${alertId}`, status: 200 }),
  listIncidents: async () => ({ path: "/api/v1/incidents?limit=5", status: 200 }),
  createIncident: async () => ({
    path: "/api/v1/incidents",
    body: { title: "by hand", severity: "low" },
    status: 201,
  }),
  incidentFromAlert: async () => ({
    path: `/api/v1/alerts/${await newAlert()}/incident`,
    body: undefined,
    status: 201,
  }),
  getIncident: async () => ({ path: `/api/v1/incidents/${incidentId}`, status: 200 }),
  updateIncident: async () => ({
    path: `/api/v1/incidents/${await newIncident()}`,
    body: { assignee: "someone" },
    status: 200,
  }),
  commentIncident: async () => ({
    path: `/api/v1/incidents/${incidentId}/comments`,
    body: { text: "hi" },
    status: 201,
  }),
  linkAlert: async () => ({
    path: `/api/v1/incidents/${incidentId}/alerts`,
    body: { alertId: await newAlert() },
    status: 200,
  }),
  incidentTimeline: async () => ({ path: `/api/v1/incidents/${incidentId}/timeline`, status: 200 }),
  listActions: async () => ({ path: "/api/v1/actions", status: 200 }),
  proposeAction: async () => ({
    path: `/api/v1/incidents/${incidentId}/actions`,
    body: { kind: "block-ip", target: "198.51.100.9", params: { duration: "1h" } },
    status: 201,
  }),
  approveAction: async () => ({
    path: `/api/v1/actions/${await newAction(false)}/approve`,
    body: {},
    status: 200,
  }),
  rejectAction: async () => ({
    path: `/api/v1/actions/${await newAction(false)}/reject`,
    body: { reason: "no" },
    status: 200,
  }),
  completeAction: async () => ({
    path: `/api/v1/actions/${await newAction(true)}/complete`,
    body: { ok: true, result: "done by hand" },
    status: 200,
  }),
  shareIncident: async () => ({ path: `/api/v1/incidents/${incidentId}/share`, body: {}, status: 200 }),
  requestAssistance: async () => ({ path: "/api/v1/assistance", body: assistanceBody, status: 201 }),
  listAssistance: async () => ({ path: "/api/v1/assistance", status: 200 }),
  getAssistance: async () => ({ path: `/api/v1/assistance/${await inbound()}`, status: 200 }),
  acknowledgeAssistance: async () => ({
    path: `/api/v1/assistance/${await inbound()}/acknowledge`,
    body: {},
    status: 200,
  }),
  acceptAssistance: async () => ({
    path: `/api/v1/assistance/${await inbound()}/accept`,
    body: {},
    status: 200,
  }),
  declineAssistance: async () => ({
    path: `/api/v1/assistance/${await inbound()}/decline`,
    body: { reason: "no capacity" },
    status: 200,
  }),
  updateAssistance: async () => ({
    path: `/api/v1/assistance/${await inbound()}/update`,
    body: { text: "news" },
    status: 200,
  }),
  closeAssistance: async () => ({
    path: `/api/v1/assistance/${await outbound()}/close`,
    body: { outcome: "handled alone" },
    status: 200,
  }),
  getRules: async () => ({ path: "/api/v1/rules", status: 200 }),
  reloadRules: async () => ({ path: "/api/v1/rules/reload", body: {}, status: 200 }),
  listTokens: async () => ({ path: "/api/v1/tokens", status: 200 }),
  createToken: async () => ({
    path: "/api/v1/tokens",
    body: { name: "made", role: "read-only", nationality: "FR" },
    status: 201,
  }),
  revokeToken: async () => {
    const { id } = await createToken(
      t.node.db,
      { name: "victim", role: "read-only", clearance: "restricted", nationality: "FR" },
      new Date(),
    );
    return { path: `/api/v1/tokens/${id}`, status: 204 };
  },
  listAudit: async () => ({ path: "/api/v1/audit?limit=5", status: 200 }),
  verifyAudit: async () => ({ path: "/api/v1/audit/verify", status: 200 }),
};

before(async () => {
  t = await startTestNode();
  const body = readFileSync(join(REPO, "samples/windows/ws-paris-014.jsonl"));
  const r = await t.call("admin", "POST", "/api/v1/events", body, { "content-type": "application/x-ndjson" });
  assert.equal(r.status, 202);
  await t.node.settled();
  const alerts = (await (await t.call("admin", "GET", "/api/v1/alerts?limit=1")).json()) as {
    items: { id: string; eventIds: string[] }[];
  };
  alertId = alerts.items[0]!.id;
  eventId = alerts.items[0]!.eventIds[0]!;
  incidentId = await newIncident();
});
after(async () => {
  await t.stop();
});

test("role x route matrix: 401 without a token or with a bad one, 403 outside the route's roles, success inside", async () => {
  const res = await t.call(null, "GET", "/openapi.json");
  const openapi = (await res.json()) as {
    paths: Record<string, Record<string, { operationId: string; "x-corridor-roles": Role[] | "public" }>>;
  };
  const ops = Object.entries(openapi.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method, ...op })),
  );
  const protectedOps = ops.filter((o) => o["x-corridor-roles"] !== "public");
  assert.deepEqual(
    protectedOps.map((o) => o.operationId).sort(),
    Object.keys(EXAMPLES).sort(),
    "every protected route has an example, every example a route",
  );
  const cells: string[] = [];
  for (const op of protectedOps) {
    const make = EXAMPLES[op.operationId]!;
    const method = op.method.toUpperCase();
    const anon = await make();
    const none = await t.call(null, method, anon.path, anon.body, anon.headers);
    assert.equal(none.status, 401, `${op.operationId} without a token`);
    assert.match(none.headers.get("content-type") ?? "", /application\/problem\+json/);
    assert.equal(none.headers.get("www-authenticate"), 'Bearer realm="corridor"');
    const bad = await fetch(`${t.url}${anon.path}`, {
      method,
      headers: { authorization: "Bearer crd_not-a-real-token-at-all-000000000000000000" },
    });
    assert.equal(bad.status, 401, `${op.operationId} with a bad token`);
    for (const role of ROLES) {
      const ex = await make();
      const r = await t.call(role, method, ex.path, ex.body, ex.headers);
      const allowed = (op["x-corridor-roles"] as Role[]).includes(role);
      const want = allowed ? ex.status : 403;
      const text = await r.text();
      assert.equal(r.status, want, `${op.operationId} as ${role}: ${r.status} ${text.slice(0, 300)}`);
      cells.push(`${op.operationId}/${role}=${r.status}`);
    }
  }
  assert.equal(cells.length, protectedOps.length * ROLES.length);
});

test("refused calls are in the audit log", async () => {
  await t.call(null, "GET", "/api/v1/incidents");
  await t.call("partner", "GET", "/api/v1/incidents");
  const r = await t.call("auditor", "GET", "/api/v1/audit?limit=200");
  const page = (await r.json()) as { items: { action: string; outcome: string; target: string | null }[] };
  assert.ok(page.items.some((e) => e.action === "auth.failure" && e.target === "GET /api/v1/incidents"));
  assert.ok(page.items.some((e) => e.action === "auth.denied" && e.outcome === "denied"));
});

test("public routes answer without a token", async () => {
  for (const path of ["/healthz", "/readyz", "/metrics", "/openapi.json"]) {
    const r = await fetch(`${t.url}${path}`);
    assert.equal(r.status, 200, path);
  }
  const metrics = await (await fetch(`${t.url}/metrics`)).text();
  assert.match(metrics, /corridor_events_accepted_total\{source="auto"\} \d+/);
  assert.match(metrics, /corridor_http_requests_total\{route="getNode",status="200"\}/);
});

test("the OpenAPI document is 3.1, complete and consistent with the routes", async () => {
  const doc = (await (await fetch(`${t.url}/openapi.json`)).json()) as {
    openapi: string;
    components: { securitySchemes: Record<string, unknown> };
    paths: Record<string, Record<string, Record<string, unknown>>>;
  };
  assert.equal(doc.openapi, "3.1.0");
  assert.ok(doc.components.securitySchemes.bearer);
  const ids = new Set<string>();
  for (const [path, methods] of Object.entries(doc.paths)) {
    const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    for (const [method, op] of Object.entries(methods)) {
      const where = `${method.toUpperCase()} ${path}`;
      assert.ok(
        typeof op.operationId === "string" && !ids.has(op.operationId),
        `${where}: unique operationId`,
      );
      ids.add(op.operationId as string);
      assert.ok(typeof op.summary === "string" && (op.summary as string).length > 5, `${where}: summary`);
      const params = (op.parameters ?? []) as { name: string; in: string; schema: unknown }[];
      assert.deepEqual(
        params.filter((p) => p.in === "path").map((p) => p.name),
        inPath,
        `${where}: every path parameter is declared`,
      );
      assert.ok(
        params.every((p) => p.schema !== undefined),
        `${where}: parameters have schemas`,
      );
      const responses = op.responses as Record<string, unknown>;
      assert.ok(
        Object.keys(responses).some((s) => s.startsWith("2")),
        `${where}: a success response`,
      );
      if (op["x-corridor-roles"] !== "public") {
        assert.ok(responses["401"] && responses["403"], `${where}: 401 and 403 documented`);
      }
      if (method === "post" || method === "patch") {
        if (op.requestBody)
          assert.ok((op.requestBody as { content: unknown }).content, `${where}: body media types`);
      }
    }
  }
  assert.ok(ids.size >= 25);
});
