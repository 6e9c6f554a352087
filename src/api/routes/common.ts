// Pieces every route file shares: role sets, path/query schemas, JSON shapes of core records.
import { z } from "zod";
import type { Alert, Incident, Principal, RemediationAction, Role } from "../../core/index.js";
import { mayAccess } from "../../core/index.js";
import type { Sql } from "../../store/database.js";
import { getIncident } from "../../store/incidents-repo.js";
import { HttpProblem } from "../problem.js";

/** Who may read the SOC's working data. Partners see only what is shared with them (TAXII). */
export const READ_SOC: readonly Role[] = [
  "admin",
  "analyst",
  "responder",
  "crisis-officer",
  "auditor",
  "read-only",
];
/** Who works incidents. */
export const WORK_INCIDENTS: readonly Role[] = ["admin", "analyst", "responder", "crisis-officer"];
/** Who approves or rejects remediation actions. */
export const DECIDE_ACTIONS: readonly Role[] = ["admin", "responder", "crisis-officer"];
/** Who sends events. */
export const SEND_EVENTS: readonly Role[] = ["admin", "analyst"];
export const AUDITORS: readonly Role[] = ["admin", "auditor"];
export const ADMINS: readonly Role[] = ["admin"];
export const EVERYONE: readonly Role[] = [
  "admin",
  "analyst",
  "responder",
  "crisis-officer",
  "auditor",
  "partner",
  "read-only",
];

export const IdParams = z.object({ id: z.uuid({ message: "an id is a UUID" }) });

export const PageQuery = {
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  cursor: z.string().max(500).optional(),
};

/** A principal's actor name on timelines and in the audit log. */
export const actor = (p: Principal | undefined): string => (p ? `${p.name} (${p.role})` : "system");

export function notFound(what: string, id: string): HttpProblem {
  return new HttpProblem(404, "not-found", `no ${what} ${id}`);
}

/** An incident the caller may not see does not exist for them: 404, never 403. */
export function visibleIncident(p: Principal | undefined, i: Incident | null, id: string): Incident {
  if (!i || !p || !mayAccess({ clearance: p.clearance, nationality: p.nationality }, i.classification)) {
    throw notFound("incident", id);
  }
  return i;
}

export const mayView = (p: Principal | undefined, i: Incident) =>
  p !== undefined && mayAccess({ clearance: p.clearance, nationality: p.nationality }, i.classification);

/**
 * The records of a page the caller may see: those without an incident, and those whose incident
 * is visible to them (each incident read once per page).
 */
export async function visibleRecords<T extends { readonly incidentId: string | null }>(
  sql: Sql,
  p: Principal | undefined,
  items: readonly T[],
): Promise<T[]> {
  const visible = new Map<string, boolean>();
  for (const id of new Set(items.flatMap((x) => (x.incidentId === null ? [] : [x.incidentId])))) {
    const i = await getIncident(sql, id);
    visible.set(id, i !== null && mayView(p, i));
  }
  return items.filter((x) => x.incidentId === null || visible.get(x.incidentId));
}

export const alertJson = (a: Alert) => ({
  id: a.id,
  ruleId: a.ruleId,
  ruleTitle: a.ruleTitle,
  severity: a.severity,
  tags: a.tags,
  techniques: a.techniques,
  entity: a.entity,
  firstSeen: a.firstSeen.toISOString(),
  lastSeen: a.lastSeen.toISOString(),
  count: a.count,
  eventIds: a.eventIds,
  correlation: a.correlation ?? null,
  incidentId: a.incidentId,
  createdAt: a.createdAt.toISOString(),
});

export const actionJson = (a: RemediationAction) => ({
  ...a,
  createdAt: a.createdAt.toISOString(),
  updatedAt: a.updatedAt.toISOString(),
});

export const AlertSchema = z.object({
  id: z.string(),
  ruleId: z.string(),
  ruleTitle: z.string(),
  severity: z.string(),
  tags: z.array(z.string()),
  techniques: z.array(z.string()),
  entity: z.string(),
  firstSeen: z.string(),
  lastSeen: z.string(),
  count: z.number(),
  eventIds: z.array(z.string()),
  correlation: z.object({ type: z.string(), group: z.string() }).nullable(),
  incidentId: z.string().nullable(),
  createdAt: z.string(),
});

export const pageOf = (item: z.ZodType) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });
