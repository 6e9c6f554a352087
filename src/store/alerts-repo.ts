// Alerts: rule matches deduplicated by rule + entity within a sliding window, so a noisy rule
// raises one alert with a count, not thousands. Linking an alert to an incident lands on its timeline.
import { randomUUID } from "node:crypto";
import { err, ok, type Problem, type Result } from "../core/result.js";
import type { Alert, AlertId, IncidentId, Severity } from "../core/soc.js";
import { inTransaction, type Sql } from "./database.js";
import { decodeTimeCursor, encodeTimeCursor, type Page, pageSize, toPage, Where } from "./page.js";
import { addTimelineEntry } from "./timeline-repo.js";
import { isUuid, jsonParam, textParam } from "./values.js";

/** At most this many event ids are kept on an alert; `count` keeps the true total. */
export const MAX_ALERT_EVENT_IDS = 100;

export interface RuleMatch {
  readonly ruleId: string;
  readonly ruleTitle: string;
  readonly severity: Severity;
  readonly tags: readonly string[];
  readonly techniques: readonly string[];
  /** The deduplication key ("" when the rule names none). */
  readonly entity: string;
  readonly eventId: string;
  readonly at: Date;
  readonly correlation?: { readonly type: string; readonly group: string } | undefined;
}

type AlertRow = {
  id: string;
  rule_id: string;
  rule_title: string;
  severity: Severity;
  tags: string[];
  techniques: string[];
  entity: string;
  first_seen: Date;
  last_seen: Date;
  count: number;
  event_ids: string[];
  correlation: { type: string; group: string } | null;
  incident_id: string | null;
  created_at: Date;
};

const COLUMNS = `id, rule_id, rule_title, severity, tags, techniques, entity, first_seen, last_seen, count,
  event_ids, correlation, incident_id, created_at`;

function toAlert(r: AlertRow): Alert {
  return {
    id: r.id as AlertId,
    ruleId: r.rule_id,
    ruleTitle: r.rule_title,
    severity: r.severity,
    tags: r.tags,
    techniques: r.techniques,
    entity: r.entity,
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
    count: r.count,
    eventIds: r.event_ids,
    ...(r.correlation === null ? {} : { correlation: r.correlation }),
    incidentId: r.incident_id as IncidentId | null,
    createdAt: r.created_at,
  };
}

/**
 * Records one match: folds it into the alert of the same rule + entity whose last match is within
 * `dedupWindowMs` of this one (count + 1, seen-times widened, event id appended while under the
 * bound), or opens a new alert. A match whose event id the alert already holds is a redelivery
 * and changes nothing. Concurrent recorders of the same rule + entity queue on an advisory lock,
 * so they never open two alerts.
 */
export function recordMatch(
  sql: Sql,
  m: RuleMatch,
  dedupWindowMs: number,
): Promise<{ alert: Alert; created: boolean }> {
  const entity = textParam(m.entity);
  return inTransaction(sql, async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [
      `alert\u001f${textParam(m.ruleId)}\u001f${entity}`,
    ]);
    const at = m.at.toISOString();
    const from = new Date(m.at.getTime() - dedupWindowMs).toISOString();
    const to = new Date(m.at.getTime() + dedupWindowMs).toISOString();
    const open = await tx.query<{ id: string; held: boolean }>(
      `SELECT id, $5 = ANY(event_ids) AS held FROM alerts
       WHERE rule_id = $1 AND entity = $2 AND last_seen >= $3 AND first_seen <= $4
       ORDER BY last_seen DESC LIMIT 1`,
      [m.ruleId, entity, from, to, m.eventId],
    );
    const hit = open.rows[0];
    if (hit !== undefined) {
      const q = hit.held
        ? await tx.query<AlertRow>(`SELECT ${COLUMNS} FROM alerts WHERE id = $1`, [hit.id])
        : await tx.query<AlertRow>(
            `UPDATE alerts SET count = count + 1, first_seen = least(first_seen, $2), last_seen = greatest(last_seen, $2),
               event_ids = CASE WHEN cardinality(event_ids) < $4 THEN array_append(event_ids, $3) ELSE event_ids END
             WHERE id = $1 RETURNING ${COLUMNS}`,
            [hit.id, at, m.eventId, MAX_ALERT_EVENT_IDS],
          );
      return { alert: toAlert(q.rows[0]!), created: false };
    }
    const { rows } = await tx.query<AlertRow>(
      `INSERT INTO alerts (id, rule_id, rule_title, severity, tags, techniques, entity, first_seen, last_seen,
         count, event_ids, correlation, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, 1, ARRAY[$9::text], $10::jsonb, $8)
       RETURNING ${COLUMNS}`,
      [
        randomUUID(),
        textParam(m.ruleId),
        textParam(m.ruleTitle),
        m.severity,
        m.tags.map(textParam),
        m.techniques.map(textParam),
        entity,
        at,
        m.eventId,
        jsonParam(m.correlation),
      ],
    );
    return { alert: toAlert(rows[0]!), created: true };
  });
}

export async function getAlert(sql: Sql, id: string): Promise<Alert | null> {
  if (!isUuid(id)) return null;
  const { rows } = await sql.query<AlertRow>(`SELECT ${COLUMNS} FROM alerts WHERE id = $1`, [id]);
  return rows[0] === undefined ? null : toAlert(rows[0]);
}

export interface AlertQuery {
  /** Alerts matched at or after this time (last_seen). */
  readonly since?: Date | undefined;
  readonly ruleId?: string | undefined;
  readonly severity?: Severity | undefined;
  readonly incidentId?: string | undefined;
  readonly limit?: number | undefined;
  readonly cursor?: string | undefined;
}

/** Alerts newest first (by creation), filtered, a page at a time. */
export async function listAlerts(sql: Sql, q: AlertQuery): Promise<Result<Page<Alert>, Problem>> {
  const limit = pageSize(q.limit);
  const w = new Where();
  if (q.since !== undefined) w.add("last_seen >= $?", q.since.toISOString());
  if (q.ruleId !== undefined) w.add("rule_id = $?", q.ruleId);
  if (q.severity !== undefined) w.add("severity = $?", q.severity);
  if (q.incidentId !== undefined) {
    if (!isUuid(q.incidentId)) return ok({ items: [], nextCursor: null });
    w.add("incident_id = $?", q.incidentId);
  }
  if (q.cursor !== undefined) {
    const c = decodeTimeCursor(q.cursor);
    if (!c.ok) return c;
    w.add("(created_at, id) < ($?::timestamptz, $?::uuid)", c.value.at.toISOString(), c.value.id);
  }
  const { rows } = await sql.query<AlertRow>(
    `SELECT ${COLUMNS} FROM alerts ${w} ORDER BY created_at DESC, id DESC LIMIT ${w.param(limit + 1)}`,
    w.params,
  );
  return ok(toPage(rows, limit, toAlert, (r) => encodeTimeCursor({ at: r.created_at, id: r.id })));
}

/**
 * Attaches an alert to an incident (it becomes the alert's current incident) and notes it on the
 * incident's timeline. Linking twice to the same incident changes nothing.
 */
export function linkAlertToIncident(
  sql: Sql,
  alertId: string,
  incidentId: string,
  by: { readonly actor: string; readonly now: Date },
): Promise<Result<Alert, Problem>> {
  return inTransaction(sql, async (tx) => {
    if (!isUuid(alertId) || !isUuid(incidentId)) return err(notFound(alertId, incidentId));
    const inc = await tx.query("SELECT 1 FROM incidents WHERE id = $1 FOR UPDATE", [incidentId]);
    if (inc.rows.length === 0) return err(notFound(alertId, incidentId));
    const { rows } = await tx.query<AlertRow>(
      `UPDATE alerts SET incident_id = $2 WHERE id = $1 RETURNING ${COLUMNS}`,
      [alertId, incidentId],
    );
    const row = rows[0];
    if (row === undefined) return err(notFound(alertId, incidentId));
    const link = await tx.query(
      `INSERT INTO incident_alerts (incident_id, alert_id, linked_at, linked_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING`,
      [incidentId, alertId, by.now.toISOString(), by.actor],
    );
    if (link.rowCount > 0) {
      await addTimelineEntry(tx, {
        incidentId,
        at: by.now,
        actor: by.actor,
        kind: "alert-linked",
        details: {
          alertId,
          ruleId: row.rule_id,
          ruleTitle: row.rule_title,
          severity: row.severity,
          entity: row.entity,
        },
      });
    }
    return ok(toAlert(row));
  });
}

function notFound(alertId: string, incidentId: string): Problem {
  return { code: "store.not-found", message: `no alert ${alertId} or no incident ${incidentId}` };
}
