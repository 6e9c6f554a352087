// An incident's timeline: every change, comment, linked alert and action, in order, with who and when.
import { err, ok, type Problem, type Result } from "../core/result.js";
import type { IncidentId, TimelineEntry } from "../core/soc.js";
import type { Sql } from "./database.js";
import { isUuid, jsonParam, textParam } from "./values.js";

export interface NewTimelineEntry {
  readonly incidentId: string;
  readonly at: Date;
  readonly actor: string;
  /** Lower-case words joined by "-": "comment", "status", "alert-linked"... */
  readonly kind: string;
  readonly details?: Readonly<Record<string, unknown>> | undefined;
}

type TimelineRow = {
  seq: number;
  incident_id: string;
  at: Date;
  actor: string;
  kind: string;
  details: Record<string, unknown>;
};

function toEntry(r: TimelineRow): TimelineEntry {
  return {
    seq: r.seq,
    incidentId: r.incident_id as IncidentId,
    at: r.at,
    actor: r.actor,
    kind: r.kind,
    details: r.details,
  };
}

/** Appends an entry (a comment is `{kind: "comment", details: {text}}`). The incident must exist. */
export async function addTimelineEntry(sql: Sql, e: NewTimelineEntry): Promise<TimelineEntry> {
  const { rows } = await sql.query<TimelineRow>(
    `INSERT INTO timeline (incident_id, at, actor, kind, details) VALUES ($1, $2, $3, $4, $5::jsonb)
     RETURNING seq, incident_id, at, actor, kind, details`,
    [e.incidentId, e.at.toISOString(), textParam(e.actor), e.kind, jsonParam(e.details ?? {})],
  );
  return toEntry(rows[0]!);
}

export interface TimelineQuery {
  /** Entries after this seq (for polling). */
  readonly afterSeq?: number | undefined;
  readonly limit?: number | undefined;
}

/** The incident's entries, oldest first. */
export async function listTimeline(
  sql: Sql,
  incidentId: string,
  q: TimelineQuery = {},
): Promise<TimelineEntry[]> {
  if (!isUuid(incidentId)) return [];
  const limit = Math.min(10_000, Math.max(1, Math.trunc(q.limit ?? 10_000)));
  const { rows } = await sql.query<TimelineRow>(
    `SELECT seq, incident_id, at, actor, kind, details FROM timeline
     WHERE incident_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
    [incidentId, q.afterSeq ?? 0, limit],
  );
  return rows.map(toEntry);
}

/** A comment on an incident: a timeline entry of kind "comment". */
export async function addComment(
  sql: Sql,
  incidentId: string,
  c: { readonly actor: string; readonly text: string; readonly now: Date },
): Promise<Result<TimelineEntry, Problem>> {
  if (isUuid(incidentId)) {
    const { rows } = await sql.query<TimelineRow>(
      `INSERT INTO timeline (incident_id, at, actor, kind, details)
       SELECT id, $2, $3, 'comment', $4::jsonb FROM incidents WHERE id = $1
       RETURNING seq, incident_id, at, actor, kind, details`,
      [incidentId, c.now.toISOString(), textParam(c.actor), jsonParam({ text: c.text })],
    );
    if (rows[0] !== undefined) return ok(toEntry(rows[0]));
  }
  return err({ code: "store.not-found", message: `no incident ${incidentId}` });
}
