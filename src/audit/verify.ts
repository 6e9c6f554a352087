// Verification of the audit chain, page by page so a long log is never held in memory at once.
import type { Sql } from "../store/index.js";
import { AUDIT_COLUMNS, type AuditRow, auditHash, GENESIS_HASH, toAuditEntry } from "./audit-log.js";

export type AuditBreak =
  /** The row's content does not match its hash: it was edited. */
  | "hash-mismatch"
  /** The row does not link to the hash of the row before it: rows were replaced or reordered. */
  | "prev-mismatch"
  /** A sequence number is missing: a row was deleted (or, at the end, the tail was cut). */
  | "gap"
  /** The head row disagrees with the last entry: the head or the last entry was rewritten. */
  | "head-mismatch";

export type AuditVerification =
  | { readonly ok: true; readonly entries: number; readonly head: string }
  | {
      readonly ok: false;
      /** Entries found intact before the break. */
      readonly entries: number;
      readonly firstBroken: { readonly seq: number; readonly reason: AuditBreak };
    };

/**
 * Walks the chain from the first entry to the head as it was when verification began (entries
 * appended meanwhile are left for the next run).
 */
export async function verifyAudit(
  sql: Sql,
  opts: { readonly pageSize?: number } = {},
): Promise<AuditVerification> {
  const page = opts.pageSize ?? 1000;
  const headRow = await sql.query<{ seq: number; hash: string }>("SELECT seq, hash FROM audit_head WHERE id");
  const head = headRow.rows[0] ?? { seq: 0, hash: GENESIS_HASH };
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  for (;;) {
    const { rows } = await sql.query<AuditRow>(
      `SELECT ${AUDIT_COLUMNS} FROM audit WHERE seq >= $1 AND seq <= $2 ORDER BY seq LIMIT $3`,
      [expectedSeq, head.seq, page],
    );
    for (const row of rows) {
      const broken = (reason: AuditBreak) =>
        ({
          ok: false,
          entries: expectedSeq - 1,
          firstBroken: { seq: reason === "gap" ? expectedSeq : row.seq, reason },
        }) as const;
      if (row.seq !== expectedSeq) return broken("gap");
      if (row.prev_hash !== prevHash) return broken("prev-mismatch");
      const e = toAuditEntry(row);
      if (auditHash(e) !== e.hash) return broken("hash-mismatch");
      prevHash = e.hash;
      expectedSeq++;
    }
    if (rows.length < page) break;
  }
  const last = expectedSeq - 1;
  if (last < head.seq) return { ok: false, entries: last, firstBroken: { seq: expectedSeq, reason: "gap" } };
  if (prevHash !== head.hash)
    return { ok: false, entries: last, firstBroken: { seq: last, reason: "head-mismatch" } };
  return { ok: true, entries: last, head: prevHash };
}
