// Carries out an approved remediation action and records how it ended on the action (and so on
// its incident's timeline). Blocks become perimeter decisions; webhooks are called; account and
// host actions go to the configured connector, or wait for a responder to report them done.
import type { RemediationAction } from "../core/index.js";
import { addDecision } from "../perimeter/decisions.js";
import { completeAction } from "../store/actions-repo.js";
import type { Database } from "../store/database.js";
import { addTimelineEntry } from "../store/timeline-repo.js";
import { parseDurationMs } from "./config.js";

export interface ExecuteDeps {
  readonly db: Database;
  readonly nodeId: string;
  readonly now: () => Date;
  readonly connectors: {
    readonly "disable-account"?: { readonly url: string } | undefined;
    readonly "isolate-host"?: { readonly url: string } | undefined;
  };
  /** Webhook calls give up after this long. */
  readonly timeoutMs?: number;
}

const DEFAULT_BLOCK_MS = 4 * 3_600_000;

function durationMs(v: unknown): number {
  if (typeof v === "number" && v > 0) return v;
  return (typeof v === "string" ? parseDurationMs(v.trim()) : undefined) ?? DEFAULT_BLOCK_MS;
}

async function callWebhook(
  url: string,
  payload: unknown,
  timeoutMs: number,
): Promise<{ ok: boolean; result: string }> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "corridor" },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = (await res.text()).slice(0, 500);
    return { ok: res.ok, result: `HTTP ${res.status}${text ? `: ${text}` : ""}` };
  } catch (e) {
    return { ok: false, result: `webhook failed: ${(e as Error).message}` };
  }
}

/** Executes an approved action; returns it as it ended (or still approved, awaiting a person). */
export async function executeAction(
  d: ExecuteDeps,
  a: RemediationAction,
  actor: string,
): Promise<RemediationAction> {
  if (a.state !== "approved") return a;
  const now = d.now();
  const finish = async (ok: boolean, result: string) => {
    const r = await completeAction(d.db, a.id, { ok, result, actor, now: d.now() });
    return r.ok ? r.value : a;
  };
  switch (a.kind) {
    case "block-ip":
    case "block-range": {
      const r = await addDecision(
        d.db,
        {
          target: a.target,
          durationMs: durationMs(a.params.duration),
          origin: d.nodeId,
          scenario: a.playbook ? `corridor/playbook/${a.playbook}` : "corridor/manual",
          reason: typeof a.params.reason === "string" ? a.params.reason : `action ${a.id}`,
          actionId: a.id,
        },
        now,
      );
      if (!r.ok) return finish(false, r.error.message);
      return finish(
        true,
        `perimeter decision ${r.value.id}: ban ${r.value.value} until ${r.value.until.toISOString()}`,
      );
    }
    case "webhook": {
      const url = typeof a.params.url === "string" ? a.params.url : a.target;
      const r = await callWebhook(url, { action: a }, d.timeoutMs ?? 5000);
      return finish(r.ok, r.result);
    }
    case "disable-account":
    case "isolate-host": {
      const connector = d.connectors[a.kind];
      if (connector) {
        const r = await callWebhook(connector.url, { action: a }, d.timeoutMs ?? 5000);
        return finish(r.ok, r.result);
      }
      if (a.incidentId) {
        await addTimelineEntry(d.db, {
          incidentId: a.incidentId,
          at: now,
          actor: "system",
          kind: "action-awaiting",
          details: {
            actionId: a.id,
            kind: a.kind,
            target: a.target,
            note: `no ${a.kind} connector is configured: carry it out, then report it done (POST /api/v1/actions/${a.id}/complete)`,
          },
        });
      }
      return a;
    }
  }
}
