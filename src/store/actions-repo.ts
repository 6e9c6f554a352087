// Remediation actions: proposed (by a playbook or a person), then approved or rejected, then
// executed or failed. Each step is a guarded UPDATE, so two deciders cannot both win.
import { randomUUID } from "node:crypto";
import { err, ok, type Problem, type Result } from "../core/result.js";
import type {
  ActionId,
  ActionKind,
  ActionState,
  AlertId,
  IncidentId,
  RemediationAction,
} from "../core/soc.js";
import { inTransaction, type Sql } from "./database.js";
import { decodeTimeCursor, encodeTimeCursor, type Page, pageSize, toPage, Where } from "./page.js";
import { addTimelineEntry } from "./timeline-repo.js";
import { isUuid, jsonParam, textParam } from "./values.js";

type ActionRow = {
  id: string;
  incident_id: string | null;
  alert_id: string | null;
  playbook: string | null;
  kind: ActionKind;
  target: string;
  params: Record<string, unknown>;
  state: ActionState;
  decided_by: string | null;
  reason: string | null;
  result: string | null;
  created_at: Date;
  updated_at: Date;
};

const COLUMNS =
  "id, incident_id, alert_id, playbook, kind, target, params, state, decided_by, reason, result, created_at, updated_at";

function toAction(r: ActionRow): RemediationAction {
  return {
    id: r.id as ActionId,
    incidentId: r.incident_id as IncidentId | null,
    alertId: r.alert_id as AlertId | null,
    playbook: r.playbook,
    kind: r.kind,
    target: r.target,
    params: r.params,
    state: r.state,
    decidedBy: r.decided_by,
    reason: r.reason,
    result: r.result,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export interface NewAction {
  readonly incidentId?: string | null | undefined;
  readonly alertId?: string | null | undefined;
  readonly playbook?: string | null | undefined;
  readonly kind: ActionKind;
  readonly target: string;
  readonly params?: Readonly<Record<string, unknown>> | undefined;
}

export type ActionError =
  | { readonly code: "store.not-found"; readonly message: string }
  | { readonly code: "store.invalid-state"; readonly message: string; readonly state: ActionState };

/** Proposes an action (state "proposed"); noted on its incident's timeline when it has one. */
export function proposeAction(
  sql: Sql,
  a: NewAction,
  by: { readonly actor: string; readonly now: Date },
): Promise<Result<RemediationAction, Problem>> {
  return inTransaction(sql, async (tx) => {
    // Checked first, not caught as a foreign-key error: that would abort a caller's transaction.
    const refs: [string, string | null | undefined][] = [
      ["incidents", a.incidentId],
      ["alerts", a.alertId],
    ];
    for (const [table, id] of refs) {
      if (id == null) continue;
      const found = isUuid(id) ? await tx.query(`SELECT 1 FROM ${table} WHERE id = $1`, [id]) : { rows: [] };
      if (found.rows.length === 0)
        return err({ code: "store.not-found", message: `no ${table.slice(0, -1)} ${id}` });
    }
    const { rows } = await tx.query<ActionRow>(
      `INSERT INTO actions (id, incident_id, alert_id, playbook, kind, target, params, state, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, 'proposed', $8, $8) RETURNING ${COLUMNS}`,
      [
        randomUUID(),
        a.incidentId ?? null,
        a.alertId ?? null,
        a.playbook ?? null,
        a.kind,
        textParam(a.target),
        jsonParam(a.params ?? {}),
        by.now.toISOString(),
      ],
    );
    const row = rows[0]!;
    await note(tx, row, "action-proposed", by, {
      kind: row.kind,
      target: row.target,
      playbook: row.playbook,
    });
    return ok(toAction(row));
  });
}

/** Approves or rejects a proposed action. Only a proposed action can be decided. */
export function decideAction(
  sql: Sql,
  id: string,
  d: {
    readonly approve: boolean;
    readonly actor: string;
    readonly reason?: string | undefined;
    readonly now: Date;
  },
): Promise<Result<RemediationAction, ActionError>> {
  return transition(sql, id, ["proposed"], d.approve ? "approved" : "rejected", d, {
    decided_by: d.actor,
    reason: d.reason ?? null,
  });
}

/** Records how an approved action ended: executed, or failed, with the executor's result text. */
export function completeAction(
  sql: Sql,
  id: string,
  c: { readonly ok: boolean; readonly result: string; readonly actor: string; readonly now: Date },
): Promise<Result<RemediationAction, ActionError>> {
  return transition(sql, id, ["approved"], c.ok ? "executed" : "failed", c, { result: c.result });
}

function transition(
  sql: Sql,
  id: string,
  from: readonly ActionState[],
  to: ActionState,
  by: { readonly actor: string; readonly now: Date },
  set: Readonly<Record<string, string | null>>,
): Promise<Result<RemediationAction, ActionError>> {
  return inTransaction(sql, async (tx) => {
    if (!isUuid(id)) return err({ code: "store.not-found", message: `no action ${id}` });
    const cols = Object.keys(set);
    const assignments = cols.map((c, i) => `, ${c} = $${i + 5}`).join("");
    const { rows } = await tx.query<ActionRow>(
      `UPDATE actions SET state = $2, updated_at = $3${assignments}
       WHERE id = $1 AND state = ANY($4::text[]) RETURNING ${COLUMNS}`,
      [id, to, by.now.toISOString(), from, ...cols.map((c) => set[c] ?? null)],
    );
    const row = rows[0];
    if (row === undefined) {
      const cur = await tx.query<{ state: ActionState }>("SELECT state FROM actions WHERE id = $1", [id]);
      const state = cur.rows[0]?.state;
      if (state === undefined) return err({ code: "store.not-found", message: `no action ${id}` });
      return err({
        code: "store.invalid-state",
        message: `action ${id} is ${state}; only a ${from.join(" or ")} action can become ${to}`,
        state,
      });
    }
    await note(tx, row, `action-${to}`, by, {
      kind: row.kind,
      target: row.target,
      reason: row.reason,
      result: row.result,
    });
    return ok(toAction(row));
  });
}

async function note(
  tx: Sql,
  row: ActionRow,
  kind: string,
  by: { readonly actor: string; readonly now: Date },
  details: Record<string, unknown>,
): Promise<void> {
  if (row.incident_id === null) return;
  await addTimelineEntry(tx, {
    incidentId: row.incident_id,
    at: by.now,
    actor: by.actor,
    kind,
    details: { actionId: row.id, ...details },
  });
}

export async function getAction(sql: Sql, id: string): Promise<RemediationAction | null> {
  if (!isUuid(id)) return null;
  const { rows } = await sql.query<ActionRow>(`SELECT ${COLUMNS} FROM actions WHERE id = $1`, [id]);
  return rows[0] === undefined ? null : toAction(rows[0]);
}

export interface ActionQuery {
  readonly incidentId?: string | undefined;
  readonly state?: ActionState | undefined;
  readonly limit?: number | undefined;
  readonly cursor?: string | undefined;
}

/** Actions newest first, by incident and/or state. */
export async function listActions(
  sql: Sql,
  q: ActionQuery,
): Promise<Result<Page<RemediationAction>, Problem>> {
  const limit = pageSize(q.limit);
  const w = new Where();
  if (q.incidentId !== undefined) {
    if (!isUuid(q.incidentId)) return ok({ items: [], nextCursor: null });
    w.add("incident_id = $?", q.incidentId);
  }
  if (q.state !== undefined) w.add("state = $?", q.state);
  if (q.cursor !== undefined) {
    const c = decodeTimeCursor(q.cursor);
    if (!c.ok) return c;
    w.add("(created_at, id) < ($?::timestamptz, $?::uuid)", c.value.at.toISOString(), c.value.id);
  }
  const { rows } = await sql.query<ActionRow>(
    `SELECT ${COLUMNS} FROM actions ${w} ORDER BY created_at DESC, id DESC LIMIT ${w.param(limit + 1)}`,
    w.params,
  );
  return ok(toPage(rows, limit, toAction, (r) => encodeTimeCursor({ at: r.created_at, id: r.id })));
}
