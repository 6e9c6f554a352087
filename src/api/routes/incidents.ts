// Incidents: open (by hand or from an alert), list, read with NIS2 clocks, change through the
// lifecycle, comment, link alerts, read the timeline. Invisible incidents answer 404.
import { z } from "zod";
import { INCIDENT_STATUSES, type Incident, type Observable, Severity } from "../../core/index.js";
import { incidentFromAlert } from "../../soc/incident-from-alerts.js";
import { type IncidentInput, IncidentInputSchema, IncidentPatchSchema } from "../../soc/incident-input.js";
import { transition } from "../../soc/lifecycle.js";
import { getAlert, linkAlertToIncident } from "../../store/alerts-repo.js";
import type { Sql } from "../../store/database.js";
import { getEvents } from "../../store/events-repo.js";
import {
  createIncident,
  getIncident,
  listIncidents,
  type IncidentPatch as StorePatch,
  updateIncident,
} from "../../store/incidents-repo.js";
import { addComment, addTimelineEntry, listTimeline } from "../../store/timeline-repo.js";
import { HttpProblem } from "../problem.js";
import { type AnyRoute, routeFor } from "../route.js";
import type { NodeServices } from "../services.js";
import {
  actor,
  IdParams,
  mayView,
  notFound,
  PageQuery,
  READ_SOC,
  visibleIncident,
  WORK_INCIDENTS,
} from "./common.js";
import { incidentJson, timelineJson } from "./incident-json.js";

const route = routeFor<NodeServices>();
const FUTURE_SKEW_MS = 5 * 60_000;

/** Creates the incident and links its alerts in one transaction; audited. */
export async function openIncident(
  services: NodeServices,
  input: IncidentInput & { readonly awareAt?: Date | undefined },
  by: string,
): Promise<Incident> {
  const now = services.now();
  const incident = await services.db.transaction(async (tx) => {
    const { alertIds, ...fields } = input;
    const created = await createIncident(tx, fields, by, now);
    for (const alertId of alertIds) {
      const linked = await linkAlertToIncident(tx, alertId, created.id, { actor: by, now });
      if (!linked.ok) throw new HttpProblem(400, "unknown-alert", `alertIds: no alert ${alertId}`);
    }
    return created;
  });
  await services.audit.append({
    actor: by,
    action: "incident.create",
    target: incident.id,
    outcome: "success",
    details: { title: incident.title, severity: incident.severity, alerts: input.alertIds.length },
  });
  return incident;
}

async function loadVisible(sql: Sql, p: Parameters<typeof visibleIncident>[0], id: string) {
  return visibleIncident(p, await getIncident(sql, id), id);
}

const merge = (
  current: readonly Observable[],
  add: readonly Observable[] = [],
  remove: readonly Observable[] = [],
) => {
  const key = (o: Observable) => `${o.kind}\u0000${o.value}`;
  const gone = new Set(remove.map(key));
  const out = current.filter((o) => !gone.has(key(o)));
  const have = new Set(out.map(key));
  for (const o of add) {
    if (have.has(key(o))) continue;
    out.push(o);
    have.add(key(o));
  }
  return out;
};

/** Drops keys whose value is undefined (zod's optional output) for exact optional types. */
function defined<T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

export const incidentRoutes: AnyRoute<NodeServices>[] = [
  route({
    method: "get",
    path: "/api/v1/incidents",
    operationId: "listIncidents",
    summary: "Incidents, newest first, with their NIS2 clocks",
    tag: "incidents",
    roles: READ_SOC,
    query: z.object({
      status: z.enum(INCIDENT_STATUSES).optional(),
      severity: Severity.optional(),
      assignee: z.string().max(200).optional(),
      overdue: z
        .enum(["true", "false"])
        .transform((v) => v === "true")
        .optional(),
      ...PageQuery,
    }),
    responses: { 200: { description: "a page of incidents" } },
    handle: async ({ services, query, principal }) => {
      const now = services.now();
      const r = await listIncidents(services.db, { ...query, now });
      if (!r.ok) throw new HttpProblem(400, r.error.code, r.error.message);
      const items = r.value.items.filter((i) => mayView(principal, i)).map((i) => incidentJson(i, now));
      return { status: 200, body: { items, nextCursor: r.value.nextCursor } };
    },
  }),
  route({
    method: "post",
    path: "/api/v1/incidents",
    operationId: "createIncident",
    summary: "Open an incident by hand (optionally from alerts)",
    tag: "incidents",
    roles: WORK_INCIDENTS,
    body: IncidentInputSchema,
    responses: { 201: { description: "the new incident" } },
    handle: async ({ services, body, principal }) => {
      const now = services.now();
      if (body.awareAt && body.awareAt.getTime() > now.getTime() + FUTURE_SKEW_MS) {
        throw new HttpProblem(400, "aware-in-future", "body.awareAt: lies in the future");
      }
      const i = await openIncident(services, { ...body, awareAt: body.awareAt ?? now }, actor(principal));
      return { status: 201, body: incidentJson(i, now), headers: { location: `/api/v1/incidents/${i.id}` } };
    },
  }),
  route({
    method: "post",
    path: "/api/v1/alerts/:id/incident",
    operationId: "incidentFromAlert",
    summary: "Open an incident from an alert (title, severity, ATT&CK, RSIT, observables prefilled)",
    tag: "incidents",
    roles: WORK_INCIDENTS,
    params: IdParams,
    responses: {
      201: { description: "the new incident" },
      409: { description: "the alert already has an incident" },
    },
    handle: async ({ services, params, principal }) => {
      const a = await getAlert(services.db, params.id);
      if (!a) throw notFound("alert", params.id);
      if (a.incidentId !== null) {
        throw new HttpProblem(
          409,
          "already-linked",
          `alert ${a.id} already belongs to incident ${a.incidentId}`,
        );
      }
      const events = await getEvents(services.db, a.eventIds);
      const now = services.now();
      const input = incidentFromAlert(
        a,
        events.map((e) => e.raw),
        now,
      );
      const i = await openIncident(services, input, actor(principal));
      return { status: 201, body: incidentJson(i, now), headers: { location: `/api/v1/incidents/${i.id}` } };
    },
  }),
  route({
    method: "get",
    path: "/api/v1/incidents/:id",
    operationId: "getIncident",
    summary: "One incident with its NIS2 clocks",
    tag: "incidents",
    roles: READ_SOC,
    params: IdParams,
    responses: {
      200: { description: "the incident" },
      404: { description: "no such incident (or not for you)" },
    },
    handle: async ({ services, params, principal }) => ({
      status: 200,
      body: incidentJson(await loadVisible(services.db, principal, params.id), services.now()),
    }),
  }),
  route({
    method: "patch",
    path: "/api/v1/incidents/:id",
    operationId: "updateIncident",
    summary: "Change an incident: status (through the lifecycle), assignee, markings, flags, reports...",
    tag: "incidents",
    roles: WORK_INCIDENTS,
    params: IdParams,
    body: IncidentPatchSchema,
    responses: {
      200: { description: "the changed incident" },
      404: { description: "no such incident (or not for you)" },
      409: { description: "version conflict or a lifecycle step that is not allowed" },
    },
    handle: async ({ services, params, body, principal }) => {
      const now = services.now();
      const late = now.getTime() + FUTURE_SKEW_MS;
      if (body.awareAt && body.awareAt.getTime() > late) {
        throw new HttpProblem(400, "aware-in-future", "body.awareAt: lies in the future");
      }
      for (const [k, v] of Object.entries(body.reports ?? {})) {
        if (v instanceof Date && v.getTime() > late) {
          throw new HttpProblem(400, "report-in-future", `body.reports.${k}: lies in the future`);
        }
      }
      const by = actor(principal);
      const result = await services.db.transaction(async (tx) => {
        const current = await loadVisible(tx, principal, params.id);
        const { observables, status, reason, resolution, version, nis2, reports, ...rest } = body;
        let note: { reason: string | null; resolution: string | null } | undefined;
        if (status !== undefined && status !== current.status) {
          const t = transition(current, status, {
            ...(reason !== undefined ? { reason } : {}),
            ...(resolution !== undefined ? { resolution } : {}),
          });
          if (!t.ok) throw new HttpProblem(409, t.error.code, `body.status: ${t.error.message}`);
          note = { reason: t.value.reason, resolution: t.value.resolution };
        }
        const patch: StorePatch = {
          ...rest,
          ...(status !== undefined ? { status } : {}),
          ...(nis2 ? { nis2: defined(nis2) } : {}),
          ...(reports ? { reports: defined(reports) } : {}),
          ...(observables
            ? { observables: merge(current.observables, observables.add, observables.remove) }
            : {}),
        };
        const r = await updateIncident(tx, params.id, patch, { actor: by, expectedVersion: version, now });
        if (!r.ok) {
          if (r.error.code === "store.version-conflict") {
            throw new HttpProblem(
              409,
              "version-conflict",
              `the incident changed meanwhile (now version ${r.error.currentVersion}); read it again`,
            );
          }
          throw notFound("incident", params.id);
        }
        if (note && (note.reason || note.resolution)) {
          await addTimelineEntry(tx, {
            incidentId: params.id,
            at: now,
            actor: by,
            kind: "status-note",
            details: note,
          });
        }
        return r.value;
      });
      await services.audit.append({
        actor: by,
        action: "incident.update",
        target: params.id,
        outcome: "success",
        details: { fields: Object.keys(body).filter((k) => k !== "version") },
      });
      return { status: 200, body: incidentJson(result, now) };
    },
  }),
  route({
    method: "post",
    path: "/api/v1/incidents/:id/comments",
    operationId: "commentIncident",
    summary: "Comment on an incident (lands on its timeline)",
    tag: "incidents",
    roles: WORK_INCIDENTS,
    params: IdParams,
    body: z.strictObject({ text: z.string().trim().min(1).max(20_000) }),
    responses: { 201: { description: "the timeline entry" } },
    handle: async ({ services, params, body, principal }) => {
      await loadVisible(services.db, principal, params.id);
      const r = await addComment(services.db, params.id, {
        actor: actor(principal),
        text: body.text,
        now: services.now(),
      });
      if (!r.ok) throw notFound("incident", params.id);
      await services.audit.append({
        actor: actor(principal),
        action: "incident.comment",
        target: params.id,
        outcome: "success",
      });
      return { status: 201, body: timelineJson(r.value) };
    },
  }),
  route({
    method: "post",
    path: "/api/v1/incidents/:id/alerts",
    operationId: "linkAlert",
    summary: "Attach an alert to an incident",
    tag: "incidents",
    roles: WORK_INCIDENTS,
    params: IdParams,
    body: z.strictObject({ alertId: z.uuid() }),
    responses: { 200: { description: "the alert, now linked" } },
    handle: async ({ services, params, body, principal }) => {
      await loadVisible(services.db, principal, params.id);
      const r = await linkAlertToIncident(services.db, body.alertId, params.id, {
        actor: actor(principal),
        now: services.now(),
      });
      if (!r.ok) throw notFound("alert", body.alertId);
      await services.audit.append({
        actor: actor(principal),
        action: "incident.link-alert",
        target: params.id,
        outcome: "success",
        details: { alertId: body.alertId },
      });
      return { status: 200, body: { alertId: r.value.id, incidentId: r.value.incidentId } };
    },
  }),
  route({
    method: "post",
    path: "/api/v1/incidents/:id/share",
    operationId: "shareIncident",
    summary: "Share an incident with the partners whose policy lets it through (STIX over TAXII, signed)",
    tag: "incidents",
    roles: ["admin", "analyst", "crisis-officer"],
    params: IdParams,
    body: z.strictObject({}),
    responses: {
      200: { description: "per partner: the policy's decision, objects sent, whether the push landed" },
    },
    handle: async ({ services, params, principal }) => {
      const i = await loadVisible(services.db, principal, params.id);
      const outcomes = await services.shareIncident(i, actor(principal));
      return { status: 200, body: { incidentId: i.id, partners: outcomes } };
    },
  }),
  route({
    method: "get",
    path: "/api/v1/incidents/:id/timeline",
    operationId: "incidentTimeline",
    summary: "Every change to an incident, with who and when",
    tag: "incidents",
    roles: READ_SOC,
    params: IdParams,
    query: z.object({ afterSeq: z.coerce.number().int().min(0).optional(), limit: PageQuery.limit }),
    responses: { 200: { description: "timeline entries, oldest first" } },
    handle: async ({ services, params, query, principal }) => {
      await loadVisible(services.db, principal, params.id);
      const items = await listTimeline(services.db, params.id, query);
      return { status: 200, body: { items: items.map(timelineJson) } };
    },
  }),
];
