// Incidents: create, read, list, and change with optimistic concurrency. Every change writes its
// timeline entries (one per field group, with before/after) in the same transaction.
import { randomUUID } from "node:crypto";
import type { Classification, Jurisdiction, Tlp } from "../core/marking.js";
import { err, ok, type Problem, type Result } from "../core/result.js";
import type { Incident, IncidentStatus, Nis2Flags, Observable, RsitCategory, Severity } from "../core/soc.js";
import { inTransaction, type Sql } from "./database.js";
import {
  COLUMNS,
  type IncidentRow,
  incidentParams,
  toIncident,
  WRITABLE,
  WRITABLE_CASTS,
} from "./incident-rows.js";
import { decodeTimeCursor, encodeTimeCursor, type Page, pageSize, toPage, Where } from "./page.js";
import { addTimelineEntry } from "./timeline-repo.js";
import { isUuid } from "./values.js";

export interface NewIncident {
  readonly id?: string | undefined;
  readonly title: string;
  readonly description?: string | undefined;
  readonly status?: IncidentStatus | undefined;
  readonly severity: Severity;
  readonly assignee?: string | null | undefined;
  readonly classification: Classification;
  /** Default "amber". */
  readonly tlp?: Tlp | undefined;
  /** Default "other". */
  readonly rsit?: RsitCategory | undefined;
  readonly techniques?: readonly string[] | undefined;
  readonly affectedServices?: readonly string[] | undefined;
  readonly affectedCountries?: readonly Jurisdiction[] | undefined;
  readonly observables?: readonly Observable[] | undefined;
  readonly nis2?: Partial<Nis2Flags> | undefined;
  /** Default: now. */
  readonly awareAt?: Date | undefined;
}

export function createIncident(sql: Sql, input: NewIncident, actor: string, now: Date): Promise<Incident> {
  const fields: Omit<Incident, "id" | "createdAt" | "updatedAt" | "version"> = {
    title: input.title,
    description: input.description ?? "",
    status: input.status ?? "new",
    severity: input.severity,
    assignee: input.assignee ?? null,
    classification: {
      level: input.classification.level,
      releasableTo: input.classification.releasableTo ?? [],
    },
    tlp: input.tlp ?? "amber",
    rsit: input.rsit ?? "other",
    techniques: input.techniques ?? [],
    affectedServices: input.affectedServices ?? [],
    affectedCountries: input.affectedCountries ?? [],
    observables: input.observables ?? [],
    nis2: {
      significant: input.nis2?.significant ?? false,
      maliciousSuspected: input.nis2?.maliciousSuspected ?? false,
      crossBorderImpact: input.nis2?.crossBorderImpact ?? false,
    },
    awareAt: input.awareAt ?? now,
    reports: { earlyWarning: null, notification: null, finalReport: null },
  };
  return inTransaction(sql, async (tx) => {
    const values = incidentParams(fields);
    const placeholders = WRITABLE.map((c, i) => `$${i + 4}::${WRITABLE_CASTS[c]}`).join(", ");
    const { rows } = await tx.query<IncidentRow>(
      `INSERT INTO incidents (id, created_at, updated_at, version, ${WRITABLE.join(", ")})
       VALUES ($1, $2, $3, 1, ${placeholders}) RETURNING ${COLUMNS}`,
      [input.id ?? randomUUID(), now.toISOString(), now.toISOString(), ...values],
    );
    const incident = toIncident(rows[0]!);
    await addTimelineEntry(tx, {
      incidentId: incident.id,
      at: now,
      actor,
      kind: "created",
      details: { title: incident.title, severity: incident.severity, status: incident.status },
    });
    return incident;
  });
}

export async function getIncident(sql: Sql, id: string): Promise<Incident | null> {
  if (!isUuid(id)) return null;
  const { rows } = await sql.query<IncidentRow>(`SELECT ${COLUMNS} FROM incidents WHERE id = $1`, [id]);
  return rows[0] === undefined ? null : toIncident(rows[0]);
}

/**
 * NIS2 Art. 23 deadlines of a significant incident, from awareness: early warning 24 h,
 * notification 72 h, final report one month after the notification (or after it was due).
 */
export const OVERDUE_SQL = `nis2_significant AND (
  (early_warning_at IS NULL AND aware_at + interval '24 hours' < $?::timestamptz)
  OR (notification_at IS NULL AND aware_at + interval '72 hours' < $?::timestamptz)
  OR (final_report_at IS NULL
      AND coalesce(notification_at, aware_at + interval '72 hours') + interval '1 month' < $?::timestamptz))`;

export interface IncidentQuery {
  readonly status?: IncidentStatus | undefined;
  readonly severity?: Severity | undefined;
  readonly assignee?: string | undefined;
  /** true: only incidents with a NIS2 report past due at `now`; false: only those without. */
  readonly overdue?: boolean | undefined;
  readonly now?: Date | undefined;
  readonly limit?: number | undefined;
  readonly cursor?: string | undefined;
}

/** Incidents newest first, filtered, a page at a time. */
export async function listIncidents(sql: Sql, q: IncidentQuery): Promise<Result<Page<Incident>, Problem>> {
  const limit = pageSize(q.limit);
  const w = new Where();
  if (q.status !== undefined) w.add("status = $?", q.status);
  if (q.severity !== undefined) w.add("severity = $?", q.severity);
  if (q.assignee !== undefined) w.add("assignee = $?", q.assignee);
  if (q.overdue !== undefined) {
    if (q.now === undefined) {
      return err({ code: "store.now-required", message: "the overdue filter needs `now`", path: "now" });
    }
    const now = q.now.toISOString();
    w.add(q.overdue ? `(${OVERDUE_SQL})` : `NOT (${OVERDUE_SQL})`, now, now, now);
  }
  if (q.cursor !== undefined) {
    const c = decodeTimeCursor(q.cursor);
    if (!c.ok) return c;
    w.add("(created_at, id) < ($?::timestamptz, $?::uuid)", c.value.at.toISOString(), c.value.id);
  }
  const { rows } = await sql.query<IncidentRow>(
    `SELECT ${COLUMNS} FROM incidents ${w} ORDER BY created_at DESC, id DESC LIMIT ${w.param(limit + 1)}`,
    w.params,
  );
  return ok(toPage(rows, limit, toIncident, (r) => encodeTimeCursor({ at: r.created_at, id: r.id })));
}

export { type IncidentPatch, type IncidentUpdateError, updateIncident } from "./incident-update.js";
