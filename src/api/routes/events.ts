// Event ingest (durable before 202) and stored-event lookup (the evidence behind alerts).
import { z } from "zod";
import { getEvent } from "../../store/events-repo.js";
import { HttpProblem } from "../problem.js";
import { type AnyRoute, routeFor } from "../route.js";
import type { NodeServices } from "../services.js";
import { IdParams, notFound, READ_SOC, SEND_EVENTS } from "./common.js";

const route = routeFor<NodeServices>();

const Rejected = z.object({
  index: z.number(),
  code: z.string(),
  message: z.string(),
  bodyLine: z.number().optional(),
  line: z.number().optional(),
  column: z.number().optional(),
  offset: z.number().optional(),
});

export const eventRoutes: AnyRoute<NodeServices>[] = [
  route({
    method: "post",
    path: "/api/v1/events",
    operationId: "ingestEvents",
    summary:
      "Send events: a JSON array or NDJSON, optionally gzip. X-Corridor-Source names the mapping (auto by default). Accepted events are durable before the 202.",
    tag: "events",
    roles: SEND_EVENTS,
    body: { raw: "application/json, application/x-ndjson" },
    responses: {
      202: {
        description: "accepted (durably queued); bad events listed by index",
        schema: z.object({ accepted: z.number(), rejected: z.array(Rejected) }),
      },
      413: { description: "body too large" },
      415: { description: "unsupported media type or encoding" },
      429: { description: "overloaded; Retry-After says when to retry" },
    },
    handle: async ({ services, body, raw }) => {
      if (!services.ingest) throw new HttpProblem(404, "not-found", "this node role does not accept events");
      const contentType = raw.headers.get("content-type") ?? undefined;
      const contentEncoding = raw.headers.get("content-encoding") ?? undefined;
      const source = raw.headers.get("x-corridor-source") ?? undefined;
      const r = await services.ingest.accept(body, {
        ...(contentType ? { contentType } : {}),
        ...(contentEncoding ? { contentEncoding } : {}),
        ...(source ? { source } : {}),
      });
      if (!r.ok) {
        const e = r.error;
        throw new HttpProblem(
          e.status,
          e.code,
          e.message,
          undefined,
          e.retryAfter !== undefined ? { "retry-after": String(e.retryAfter) } : undefined,
        );
      }
      return { status: 202, body: { accepted: r.value.accepted, rejected: r.value.rejected } };
    },
  }),
  route({
    method: "get",
    path: "/api/v1/events/:id",
    operationId: "getEvent",
    summary: "A stored event (one that an alert points to)",
    tag: "events",
    roles: READ_SOC,
    params: IdParams,
    responses: {
      200: { description: "the event as received" },
      404: { description: "no such stored event" },
    },
    handle: async ({ services, params }) => {
      const e = await getEvent(services.db, params.id);
      if (!e) throw notFound("stored event", params.id);
      return {
        status: 200,
        body: { id: e.id, receivedAt: e.receivedAt.toISOString(), source: e.source, event: e.raw },
      };
    },
  }),
];
