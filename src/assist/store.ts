// Assistance requests on the node's database: apply an event (checked by the state machine) and
// keep it, in one transaction, so both nodes' copies move in lockstep.
import { err, ok, type Problem, type Result } from "../core/index.js";
import { inTransaction, type Sql } from "../store/database.js";
import { jsonParam } from "../store/values.js";
import { type AssistanceEvent, type AssistanceRequest, applyEvent } from "./request.js";

export async function getRequest(sql: Sql, id: string): Promise<AssistanceRequest | undefined> {
  const { rows } = await sql.query<{ state: AssistanceRequest }>(
    "SELECT state FROM assistance_requests WHERE id = $1",
    [id],
  );
  return rows[0]?.state;
}

export async function listRequests(
  sql: Sql,
  opts: { open?: boolean; limit?: number } = {},
): Promise<AssistanceRequest[]> {
  const { rows } = await sql.query<{ state: AssistanceRequest }>(
    `SELECT state FROM assistance_requests ${opts.open ? "WHERE status <> 'closed'" : ""}
     ORDER BY created_at DESC LIMIT $1`,
    [Math.min(Math.max(opts.limit ?? 100, 1), 1000)],
  );
  return rows.map((r) => r.state);
}

/** Applies an event to the stored request (creating it for "requested"); refuses what the state machine refuses. */
export function recordEvent(
  sql: Sql,
  e: AssistanceEvent,
  opts: { readonly delivered: boolean; readonly id?: string },
): Promise<Result<AssistanceRequest, Problem>> {
  return inTransaction(sql, async (tx) => {
    const id = e.kind === "requested" ? e.request.id : opts.id;
    if (!id) return err({ code: "assist-unknown", message: "which request?" });
    const { rows } = await tx.query<{ state: AssistanceRequest }>(
      "SELECT state FROM assistance_requests WHERE id = $1 FOR UPDATE",
      [id],
    );
    const next = applyEvent(rows[0]?.state, e);
    if (!next.ok) return next;
    const s = next.value;
    await tx.query(
      `INSERT INTO assistance_requests (id, from_node, to_node, status, crisis, state, seq, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9)
       ON CONFLICT (id) DO UPDATE SET status = excluded.status, state = excluded.state, seq = excluded.seq,
         updated_at = excluded.updated_at`,
      [s.id, s.from, s.to, s.status, s.crisisLevel, jsonParam(s), s.seq, s.createdAt, e.at],
    );
    await tx.query(
      "INSERT INTO assistance_events (request_id, seq, kind, at, event, delivered) VALUES ($1, $2, $3, $4, $5::jsonb, $6)",
      [s.id, e.seq, e.kind, e.at, jsonParam(e), opts.delivered],
    );
    return ok(s);
  });
}

/** Events this node made that the partner has not confirmed yet, oldest first (to resend). */
export async function undelivered(sql: Sql): Promise<{ requestId: string; event: AssistanceEvent }[]> {
  const { rows } = await sql.query<{ request_id: string; event: AssistanceEvent }>(
    "SELECT request_id, event FROM assistance_events WHERE NOT delivered ORDER BY at, seq",
  );
  return rows.map((r) => ({ requestId: r.request_id, event: r.event }));
}

export async function markDelivered(sql: Sql, requestId: string, seq: number): Promise<void> {
  await sql.query("UPDATE assistance_events SET delivered = true WHERE request_id = $1 AND seq = $2", [
    requestId,
    seq,
  ]);
}
