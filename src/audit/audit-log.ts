// The audit log: who did what to what, and how it went. Entries are hash-chained (each hash covers
// the entry and the previous hash) and the table refuses UPDATE/DELETE/TRUNCATE (migration 002).
import { createHash } from "node:crypto";
import type { Problem, Result } from "../core/result.js";
import { ok } from "../core/result.js";

import {
  decodeSeqCursor,
  encodeSeqCursor,
  inTransaction,
  jsonParam,
  type Page,
  pageSize,
  type Sql,
  textParam,
  toPage,
  Where,
} from "../store/index.js";
import { canonicalJson } from "./canonical-json.js";

export const AUDIT_OUTCOMES = ["success", "failure", "denied"] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** The prev_hash of the first entry. */
export const GENESIS_HASH = "0".repeat(64);

export interface AuditRecord {
  /** Who: a token id, a user name, "system", "node:fr"... */
  readonly actor: string;
  /** What, as a stable dotted verb: "incident.update", "token.create", "ai.completion"... */
  readonly action: string;
  /** What it was done to, when there is one: an incident id, a token id, a model name. */
  readonly target?: string | null | undefined;
  readonly outcome: AuditOutcome;
  readonly details?: Readonly<Record<string, unknown>> | null | undefined;
}

export interface AuditEntry {
  readonly seq: number;
  readonly at: Date;
  readonly actor: string;
  readonly action: string;
  readonly target: string | null;
  readonly outcome: AuditOutcome;
  readonly details: Readonly<Record<string, unknown>> | null;
  readonly prevHash: string;
  readonly hash: string;
}

/** sha256 (hex) of the entry's canonical JSON, prev_hash included and hash itself excluded. */
export function auditHash(e: Omit<AuditEntry, "hash">): string {
  const doc = {
    seq: e.seq,
    at: e.at.toISOString(),
    actor: e.actor,
    action: e.action,
    target: e.target,
    outcome: e.outcome,
    details: e.details,
    prevHash: e.prevHash,
  };
  return createHash("sha256").update(canonicalJson(doc), "utf8").digest("hex");
}

export type AuditRow = {
  seq: number;
  at: Date;
  actor: string;
  action: string;
  target: string | null;
  outcome: AuditOutcome;
  details: Record<string, unknown> | null;
  prev_hash: string;
  hash: string;
};

export const AUDIT_COLUMNS = "seq, at, actor, action, target, outcome, details, prev_hash, hash";

export function toAuditEntry(r: AuditRow): AuditEntry {
  return {
    seq: r.seq,
    at: r.at,
    actor: r.actor,
    action: r.action,
    target: r.target,
    outcome: r.outcome,
    details: r.details,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/**
 * Appends one entry. The head row is locked for the rest of the transaction, so concurrent
 * appenders queue and each links to the one before. Inside a caller's transaction the entry
 * commits (or rolls back) with the work it records.
 */
export function appendAudit(sql: Sql, rec: AuditRecord, now: Date): Promise<AuditEntry> {
  // The details exactly as jsonb will return them, so the hash is recomputable from the row.
  const detailsText = rec.details == null ? null : jsonParam(rec.details);
  const details = detailsText === null ? null : (JSON.parse(detailsText) as Record<string, unknown>);
  return inTransaction(sql, async (tx) => {
    const head = await tx.query<{ seq: number; hash: string }>(
      "SELECT seq, hash FROM audit_head WHERE id FOR UPDATE",
    );
    const h = head.rows[0];
    if (h === undefined)
      throw new Error("audit_head row missing: migration 002 not applied or tampered with");
    const unhashed = {
      seq: h.seq + 1,
      at: now,
      actor: textParam(rec.actor),
      action: textParam(rec.action),
      target: rec.target == null ? null : textParam(rec.target),
      outcome: rec.outcome,
      details,
      prevHash: h.hash,
    };
    const entry: AuditEntry = { ...unhashed, hash: auditHash(unhashed) };
    await tx.query(
      `INSERT INTO audit (${AUDIT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9)`,
      [
        entry.seq,
        now.toISOString(),
        entry.actor,
        entry.action,
        entry.target,
        entry.outcome,
        detailsText,
        entry.prevHash,
        entry.hash,
      ],
    );
    await tx.query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id", [entry.seq, entry.hash]);
    return entry;
  });
}

export interface AuditQuery {
  readonly since?: Date | undefined;
  readonly actor?: string | undefined;
  readonly action?: string | undefined;
  readonly limit?: number | undefined;
  readonly cursor?: string | undefined;
}

/** Entries newest first, filtered, a page at a time. */
export async function listAudit(sql: Sql, q: AuditQuery): Promise<Result<Page<AuditEntry>, Problem>> {
  const limit = pageSize(q.limit);
  const w = new Where();
  if (q.since !== undefined) w.add("at >= $?", q.since.toISOString());
  if (q.actor !== undefined) w.add("actor = $?", q.actor);
  if (q.action !== undefined) w.add("action = $?", q.action);
  if (q.cursor !== undefined) {
    const c = decodeSeqCursor(q.cursor);
    if (!c.ok) return c;
    w.add("seq < $?", c.value);
  }
  const { rows } = await sql.query<AuditRow>(
    `SELECT ${AUDIT_COLUMNS} FROM audit ${w} ORDER BY seq DESC LIMIT ${w.param(limit + 1)}`,
    w.params,
  );
  return ok(toPage(rows, limit, toAuditEntry, (r) => encodeSeqCursor(r.seq)));
}
