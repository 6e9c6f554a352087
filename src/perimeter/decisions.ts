// Perimeter block decisions: what the corridor's bouncers and firewalls enforce. Made by approved
// remediation actions, by hand, and (with the federation) from partners' shared indicators.
// Additions and deletions (by hand or by expiry) draw from one sequence, so a bouncer's cursor
// into it says exactly which changes it has seen (see stream.ts).
import { randomUUID } from "node:crypto";
import { err, ok, type Problem, type Result } from "../core/index.js";
import { formatCidr, formatIp, parseCidr, parseIp, unmapIp } from "../soc/ip.js";
import { inTransaction, type Sql } from "../store/database.js";
import { isUuid, textParam } from "../store/values.js";

export interface Decision {
  readonly id: string;
  /** Position of the addition in the change sequence; CrowdSec's numeric decision id. */
  readonly seq: number;
  readonly scope: "ip" | "range";
  readonly value: string;
  readonly kind: "ban" | "captcha";
  readonly origin: string;
  readonly scenario: string;
  readonly reason: string;
  readonly actionId: string | null;
  readonly createdAt: Date;
  readonly until: Date;
  readonly deletedAt: Date | null;
  /** Position of the deletion in the change sequence, when deleted. */
  readonly deletedSeq: number | null;
  /** Deleted by someone, or lapsed (`until` passed and swept by expireDecisions). */
  readonly deletedReason: "deleted" | "expired" | null;
}

export interface NewDecision {
  /** An IP address or a CIDR range. */
  readonly target: string;
  readonly durationMs: number;
  readonly origin: string;
  readonly scenario: string;
  readonly reason?: string | undefined;
  readonly actionId?: string | undefined;
  /** Default "ban". */
  readonly kind?: "ban" | "captcha" | undefined;
}

/** An address or range in canonical form, or why it is not one. */
export function decisionTarget(text: string): Result<{ scope: "ip" | "range"; value: string }, Problem> {
  const t = text.trim();
  if (t.includes("/")) {
    const c = parseCidr(t);
    if (!c) return err({ code: "invalid-target", message: `'${text}' is not a CIDR range` });
    const single = (c.version === 4 && c.prefix === 32) || (c.version === 6 && c.prefix === 128);
    return ok(
      single
        ? { scope: "ip", value: formatCidr(c).split("/")[0]! }
        : { scope: "range", value: formatCidr(c) },
    );
  }
  const ip = parseIp(t);
  if (!ip) return err({ code: "invalid-target", message: `'${text}' is not an IP address` });
  return ok({ scope: "ip", value: formatIp(unmapIp(ip)) });
}

export type DecisionRow = {
  id: string;
  seq: number;
  scope: "ip" | "range";
  value: string;
  kind: "ban" | "captcha";
  origin: string;
  scenario: string;
  reason: string;
  action_id: string | null;
  created_at: Date;
  until: Date;
  deleted_at: Date | null;
  deleted_seq: number | null;
  deleted_reason: "deleted" | "expired" | null;
};

export const DECISION_COLUMNS =
  "id, seq, scope, value, kind, origin, scenario, reason, action_id, created_at, until, deleted_at, deleted_seq, deleted_reason";

export const toDecision = (r: DecisionRow): Decision => ({
  id: r.id,
  seq: Number(r.seq),
  scope: r.scope,
  value: r.value,
  kind: r.kind,
  origin: r.origin,
  scenario: r.scenario,
  reason: r.reason,
  actionId: r.action_id,
  createdAt: r.created_at,
  until: r.until,
  deletedAt: r.deleted_at,
  deletedSeq: r.deleted_seq === null ? null : Number(r.deleted_seq),
  deletedReason: r.deleted_reason,
});

// Any constant: every writer of decisions takes this transaction-scoped lock before drawing a
// sequence number, so numbers commit in order and a reader never sees n+1 before n.
const DECISIONS_LOCK = 5_117_301_009;

/** Takes the decisions writer lock until the end of `tx`'s transaction. */
export async function lockDecisions(tx: Sql): Promise<void> {
  await tx.query("SELECT pg_advisory_xact_lock($1)", [DECISIONS_LOCK]);
}

const NEXT_SEQ = "nextval(pg_get_serial_sequence('decisions', 'seq'))";

export async function addDecision(sql: Sql, d: NewDecision, now: Date): Promise<Result<Decision, Problem>> {
  const target = decisionTarget(d.target);
  if (!target.ok) return target;
  if (!(d.durationMs > 0) || !Number.isFinite(d.durationMs))
    return err({ code: "invalid-duration", message: "a decision needs a positive duration" });
  const until = new Date(now.getTime() + d.durationMs);
  if (Number.isNaN(until.getTime()) || until.getUTCFullYear() > 9999)
    return err({ code: "invalid-duration", message: "a decision cannot last beyond the year 9999" });
  return inTransaction(sql, async (tx) => {
    await lockDecisions(tx);
    const { rows } = await tx.query<DecisionRow>(
      `INSERT INTO decisions (id, scope, value, kind, origin, scenario, reason, action_id, created_at, until)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${DECISION_COLUMNS}`,
      [
        randomUUID(),
        target.value.scope,
        target.value.value,
        d.kind ?? "ban",
        textParam(d.origin),
        textParam(d.scenario),
        textParam(d.reason ?? ""),
        d.actionId ?? null,
        now.toISOString(),
        until.toISOString(),
      ],
    );
    return ok(toDecision(rows[0]!));
  });
}

/** Soft-deletes a decision in force; bouncers that hold it receive it as deleted on their next poll. */
export async function deleteDecision(sql: Sql, id: string, now: Date): Promise<Result<Decision, Problem>> {
  if (!isUuid(id)) return err({ code: "not-found", message: `no decision ${id}` });
  return inTransaction(sql, async (tx) => {
    await lockDecisions(tx);
    const { rows } = await tx.query<DecisionRow>(
      `UPDATE decisions SET deleted_at = $2, deleted_seq = ${NEXT_SEQ}, deleted_reason = 'deleted'
       WHERE id = $1 AND deleted_at IS NULL RETURNING ${DECISION_COLUMNS}`,
      [id, now.toISOString()],
    );
    if (rows[0]) return ok(toDecision(rows[0]));
    const found = await tx.query("SELECT 1 FROM decisions WHERE id = $1", [id]);
    return err(
      found.rowCount > 0
        ? { code: "already-deleted", message: `decision ${id} is already deleted or expired` }
        : { code: "not-found", message: `no decision ${id}` },
    );
  });
}

/**
 * Marks decisions whose `until` has passed as deleted (reason "expired"), each with its own
 * sequence number, so the stream hands expiries to bouncers like deletions. Returns how many.
 */
export async function expireDecisions(sql: Sql, now: Date): Promise<number> {
  return inTransaction(sql, async (tx) => {
    await lockDecisions(tx);
    const { rowCount } = await tx.query(
      `UPDATE decisions SET deleted_at = until, deleted_seq = ${NEXT_SEQ}, deleted_reason = 'expired'
       WHERE id IN (SELECT id FROM decisions WHERE deleted_at IS NULL AND until <= $1 ORDER BY seq)`,
      [now.toISOString()],
    );
    return rowCount;
  });
}

/** Decisions in force at `now` (not deleted, not expired), oldest first. */
export async function activeDecisions(sql: Sql, now: Date): Promise<Decision[]> {
  const { rows } = await sql.query<DecisionRow>(
    `SELECT ${DECISION_COLUMNS} FROM decisions WHERE deleted_at IS NULL AND until > $1 ORDER BY seq`,
    [now.toISOString()],
  );
  return rows.map(toDecision);
}

export interface ListOptions {
  /** Also deleted and expired ones (most recent first then). Default false. */
  readonly all?: boolean | undefined;
  readonly limit?: number | undefined;
}

/** Decisions for people: in force at `now` (oldest first), or all of them (newest first). */
export async function listDecisions(sql: Sql, now: Date, opts: ListOptions = {}): Promise<Decision[]> {
  const limit = Math.max(1, Math.min(opts.limit ?? 10_000, 100_000));
  const { rows } = opts.all
    ? await sql.query<DecisionRow>(`SELECT ${DECISION_COLUMNS} FROM decisions ORDER BY seq DESC LIMIT $1`, [
        limit,
      ])
    : await sql.query<DecisionRow>(
        `SELECT ${DECISION_COLUMNS} FROM decisions WHERE deleted_at IS NULL AND until > $1 ORDER BY seq LIMIT $2`,
        [now.toISOString(), limit],
      );
  return rows.map(toDecision);
}

export async function getDecision(sql: Sql, id: string): Promise<Decision | undefined> {
  if (!isUuid(id)) return undefined;
  const { rows } = await sql.query<DecisionRow>(`SELECT ${DECISION_COLUMNS} FROM decisions WHERE id = $1`, [
    id,
  ]);
  return rows[0] ? toDecision(rows[0]) : undefined;
}
