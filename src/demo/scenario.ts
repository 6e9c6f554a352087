// The demo's story, step by step over the nodes' public interfaces (HTTP): the sample intrusion
// reaches fr, fr detects it and opens incidents, an analyst shares the C2 incident, the policy
// strips personal data, de imports the indicator and its bouncer stream carries the block, then
// fr asks de for help and de answers.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Corridor, DemoNode } from "./corridor.js";
import { PACKAGE_ROOT } from "./corridor.js";

export interface DemoStep {
  /** Milliseconds since the scenario started. */
  readonly t: number;
  readonly at: string;
  readonly node: "fr" | "de" | "fr→de" | "de→fr";
  readonly step: string;
  readonly detail: string;
}

export interface DemoSummary {
  readonly steps: readonly DemoStep[];
  readonly eventsSent: number;
  readonly alerts: number;
  readonly incidents: number;
  readonly sharedIncident: string;
  readonly policyChanges: readonly { code: string; what: string }[];
  readonly blocked: string;
  /** From the share request at fr to the decision on de's bouncer stream. */
  readonly propagationMs: number;
  readonly assistance: { readonly id: string; readonly status: string };
}

const C2_RULE = "388f6280-c760-43e3-a276-e24fffa5ad1d";
const SAMPLES = ["windows/ws-paris-014.jsonl", "windows/srv-lyon-dc01.jsonl", "windows/ws-paris-adm01.jsonl"];

type Json = Record<string, unknown>;

async function api(
  n: DemoNode,
  role: keyof DemoNode["tokens"],
  method: string,
  path: string,
  body?: unknown,
): Promise<Json> {
  const res = await fetch(`${n.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${n.tokens[role]}`,
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const json = (await res.json()) as Json;
  if (!res.ok)
    throw new Error(`${n.id} ${method} ${path}: ${res.status} ${JSON.stringify(json).slice(0, 300)}`);
  return json;
}

async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 15_000, every = 20): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`demo: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

/** "3 values pseudonymised (account, hostname, ipv4), text scrubbed in title, description". */
function describeChanges(changes: readonly { code: string; what: string }[]): string {
  const kinds = [
    ...new Set(
      changes
        .filter((c) => c.code !== "personal-data.scrubbed-text")
        .map((c) => /\(([^)]+)\)/.exec(c.what)?.[1] ?? c.what),
    ),
  ];
  const values = changes.filter((c) => c.code !== "personal-data.scrubbed-text").length;
  const texts = changes
    .filter((c) => c.code === "personal-data.scrubbed-text")
    .map((c) => c.what.replace(/^fields\./, ""));
  const parts = [`${values} personal values pseudonymised (${kinds.join(", ")})`];
  if (texts.length > 0) parts.push(`personal data scrubbed from ${texts.join(", ")}`);
  return parts.join(", ");
}

export async function runScenario(
  c: Corridor,
  onStep: (s: DemoStep) => void = () => undefined,
): Promise<DemoSummary> {
  const t0 = performance.now();
  const steps: DemoStep[] = [];
  const step = (node: DemoStep["node"], name: string, detail: string) => {
    const s = {
      t: Math.round(performance.now() - t0),
      at: new Date().toISOString(),
      node,
      step: name,
      detail,
    };
    steps.push(s);
    onStep(s);
  };
  const { fr, de } = c;

  // de's firewall bouncer starts and takes the decisions in force
  const stream = async (startup: boolean) => {
    const res = await fetch(`${de.url}/v1/decisions/stream${startup ? "?startup=true" : ""}`, {
      headers: { "x-api-key": c.bouncerKey },
    });
    return (await res.json()) as {
      new: { value: string; duration: string; origin: string; scenario: string }[] | null;
    };
  };
  await stream(true);

  let eventsSent = 0;
  for (const f of SAMPLES) {
    const res = await fetch(`${fr.url}/api/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${fr.tokens.analyst}`, "content-type": "application/x-ndjson" },
      body: readFileSync(join(PACKAGE_ROOT, "samples", f)),
    });
    const body = (await res.json()) as { accepted: number };
    eventsSent += body.accepted;
  }
  step(
    "fr",
    "ingest",
    `${eventsSent} Windows events of the sample intrusion accepted (durable before the 202)`,
  );

  await fr.node.settled();
  const alerts = (await api(fr, "analyst", "GET", "/api/v1/alerts?limit=500")) as { items: Json[] };
  const rules = new Set(alerts.items.map((a) => String(a.ruleTitle)));
  step("fr", "detection", `${alerts.items.length} alerts from ${rules.size} rules (Sigma, streaming)`);
  const incidents = (await api(fr, "analyst", "GET", "/api/v1/incidents?limit=100")) as { items: Json[] };
  step(
    "fr",
    "incidents",
    `${incidents.items.length} incidents opened automatically (high severity), NIS2 early warning due in 24 h`,
  );

  const c2 = alerts.items.find((a) => a.ruleId === C2_RULE);
  if (!c2) throw new Error("demo: the C2 alert was not raised");
  const opened = await api(fr, "analyst", "POST", `/api/v1/alerts/${c2.id}/incident`);
  step(
    "fr",
    "triage",
    `an analyst opens "${String(opened.title)}" (TLP:${String(opened.tlp).toUpperCase()}, RESTRICTED)`,
  );

  const shareStart = performance.now();
  const shared = (await api(fr, "analyst", "POST", `/api/v1/incidents/${opened.id}/share`, {})) as {
    partners: { partner: string; outcome: string; objects: number; pushed: boolean; codes: string[] }[];
  };
  const toDe = shared.partners.find((p) => p.partner === "de");
  if (!toDe?.pushed) throw new Error(`demo: the share to de did not land: ${JSON.stringify(toDe)}`);
  const audit = (await api(fr, "auditor", "GET", "/api/v1/audit?action=share.decision&limit=5")) as {
    items: { details: { partner: string; outcome: string; changes?: { code: string; what: string }[] } }[];
  };
  const changes = audit.items.find((e) => e.details.partner === "de")?.details.changes ?? [];
  step(
    "fr→de",
    "share",
    `policy: ${toDe.outcome}; ${describeChanges(changes)}; ${toDe.objects} STIX objects signed (Ed25519) and pushed over TAXII`,
  );

  const blocked = await until(
    "the decision on de's bouncer stream",
    async () => {
      const s = await stream(false);
      return s.new?.find((d) => d.value === "203.0.113.47");
    },
    10_000,
    10,
  );
  const propagationMs = Math.round(performance.now() - shareStart);
  step(
    "de",
    "perimeter",
    `the bouncer stream carries ban ${blocked.value} for ${blocked.duration} (origin ${blocked.origin}, ${blocked.scenario}) ${propagationMs} ms after fr shared`,
  );

  const asked = await api(fr, "crisis-officer", "POST", "/api/v1/assistance", {
    to: "de",
    requestingEntity: "CERT of the fr operator",
    incident: { id: String(opened.id), title: String(opened.title) },
    crisisLevel: "crisis",
    impact: "Ransomware at a haulier serving three hospitals; file servers encrypted in Lyon",
    measuresTaken: "Hosts isolated, C2 address blocked at both perimeters",
    capabilities: ["forensics", "blocking"],
    deadline: new Date(Date.now() + 4 * 3_600_000).toISOString(),
  });
  step("fr→de", "assistance", `crisis request sent (forensics, blocking); de must acknowledge within 15 min`);
  const id = String(asked.id);
  await until("the request at de", async () => {
    const r = (await api(de, "crisis-officer", "GET", "/api/v1/assistance")) as { items: Json[] };
    return r.items.find((x) => x.id === id);
  });
  await api(de, "crisis-officer", "POST", `/api/v1/assistance/${id}/acknowledge`, {});
  await api(de, "crisis-officer", "POST", `/api/v1/assistance/${id}/accept`, {
    reason: "forensic team available now",
  });
  const answered = await until("fr to see the answer", async () => {
    const r = await api(fr, "crisis-officer", "GET", `/api/v1/assistance/${id}`);
    return r.status === "accepted" ? r : undefined;
  });
  step(
    "de→fr",
    "assistance",
    `de acknowledged and accepted: "${String(answered.decisionReason)}"; both sides show ${String(answered.status)}`,
  );

  return {
    steps,
    eventsSent,
    alerts: alerts.items.length,
    incidents: incidents.items.length,
    sharedIncident: String(opened.id),
    policyChanges: changes,
    blocked: blocked.value,
    propagationMs,
    assistance: { id, status: String(answered.status) },
  };
}
