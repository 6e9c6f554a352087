// Perimeter block decisions: what the corridor's bouncers and firewalls enforce. Made by approved
// remediation actions, by hand, and (with the federation) from partners' shared indicators.
import { randomUUID } from "node:crypto";
import { err, ok, type Problem, type Result } from "../core/index.js";
import { formatCidr, formatIp, parseCidr, parseIp, unmapIp } from "../soc/ip.js";
import type { Sql } from "../store/database.js";

export interface Decision {
  readonly id: string;
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
}

export interface NewDecision {
  /** An IP address or a CIDR range. */
  readonly target: string;
  readonly durationMs: number;
  readonly origin: string;
  readonly scenario: string;
  readonly reason?: string | undefined;
  readonly actionId?: string | undefined;
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

type Row = {
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
};

const COLUMNS =
  "id, seq, scope, value, kind, origin, scenario, reason, action_id, created_at, until, deleted_at";
const toDecision = (r: Row): Decision => ({
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
});

export async function addDecision(sql: Sql, d: NewDecision, now: Date): Promise<Result<Decision, Problem>> {
  const target = decisionTarget(d.target);
  if (!target.ok) return target;
  if (!(d.durationMs > 0))
    return err({ code: "invalid-duration", message: "a decision needs a positive duration" });
  const { rows } = await sql.query<Row>(
    `INSERT INTO decisions (id, scope, value, origin, scenario, reason, action_id, created_at, until)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${COLUMNS}`,
    [
      randomUUID(),
      target.value.scope,
      target.value.value,
      d.origin,
      d.scenario,
      d.reason ?? "",
      d.actionId ?? null,
      now.toISOString(),
      new Date(now.getTime() + d.durationMs).toISOString(),
    ],
  );
  return ok(toDecision(rows[0]!));
}

/** Decisions in force at `now` (not deleted, not expired), oldest first. */
export async function activeDecisions(sql: Sql, now: Date): Promise<Decision[]> {
  const { rows } = await sql.query<Row>(
    `SELECT ${COLUMNS} FROM decisions WHERE deleted_at IS NULL AND until > $1 ORDER BY seq`,
    [now.toISOString()],
  );
  return rows.map(toDecision);
}
