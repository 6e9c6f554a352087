// Alerts: list with filters, one alert with its evidence (the stored events that matched).
import { z } from "zod";
import { Severity } from "../../core/index.js";
import { getAlert, listAlerts } from "../../store/alerts-repo.js";
import { getEvents } from "../../store/events-repo.js";
import { getIncident } from "../../store/incidents-repo.js";
import { HttpProblem } from "../problem.js";
import { type AnyRoute, routeFor } from "../route.js";
import type { NodeServices } from "../services.js";
import {
  AlertSchema,
  alertJson,
  IdParams,
  mayView,
  notFound,
  PageQuery,
  pageOf,
  READ_SOC,
  visibleRecords,
} from "./common.js";

const route = routeFor<NodeServices>();

export const alertRoutes: AnyRoute<NodeServices>[] = [
  route({
    method: "get",
    path: "/api/v1/alerts",
    operationId: "listAlerts",
    summary: "Alerts, newest first",
    tag: "alerts",
    roles: READ_SOC,
    query: z.object({
      since: z.coerce.date().optional(),
      ruleId: z.string().max(200).optional(),
      severity: Severity.optional(),
      incidentId: z.uuid().optional(),
      ...PageQuery,
    }),
    responses: { 200: { description: "a page of alerts", schema: pageOf(AlertSchema) } },
    handle: async ({ services, query, principal }) => {
      const r = await listAlerts(services.db, query);
      if (!r.ok) throw new HttpProblem(400, r.error.code, r.error.message);
      // an alert attached to an incident the caller may not see is not shown either
      const items = await visibleRecords(services.db, principal, r.value.items);
      return { status: 200, body: { items: items.map(alertJson), nextCursor: r.value.nextCursor } };
    },
  }),
  route({
    method: "get",
    path: "/api/v1/alerts/:id",
    operationId: "getAlert",
    summary: "One alert with the stored events that matched",
    tag: "alerts",
    roles: READ_SOC,
    params: IdParams,
    responses: { 200: { description: "the alert and its events" }, 404: { description: "no such alert" } },
    handle: async ({ services, params, principal }) => {
      const a = await getAlert(services.db, params.id);
      if (!a) throw notFound("alert", params.id);
      if (a.incidentId !== null) {
        const i = await getIncident(services.db, a.incidentId);
        if (!i || !mayView(principal, i)) throw notFound("alert", params.id);
      }
      const events = await getEvents(services.db, a.eventIds.slice(0, 20));
      return {
        status: 200,
        body: {
          ...alertJson(a),
          events: events.map((e) => ({
            id: e.id,
            receivedAt: e.receivedAt.toISOString(),
            source: e.source,
            event: e.raw,
          })),
        },
      };
    },
  }),
];
