// Mutual assistance over the API: ask a partner node for help, and answer its requests. Each
// change is a signed event sent to the other node, so both sides show the same state.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import {
  type AssistanceEvent,
  AssistanceInput,
  type AssistanceRequest,
  openRequest,
  slaOf,
} from "../../assist/request.js";
import { getRequest, listRequests, recordEvent } from "../../assist/store.js";
import { HttpProblem } from "../problem.js";
import { type AnyRoute, routeFor } from "../route.js";
import type { NodeServices } from "../services.js";
import { actor, READ_SOC } from "./common.js";

const route = routeFor<NodeServices>();
const CRISIS: readonly ("admin" | "crisis-officer")[] = ["admin", "crisis-officer"];
const WORKERS: readonly ("admin" | "crisis-officer" | "analyst" | "responder")[] = [
  "admin",
  "crisis-officer",
  "analyst",
  "responder",
];
const Params = z.object({ id: z.string().min(1).max(100) });

const view = (r: AssistanceRequest, now: Date, self: string) => ({
  ...r,
  direction: r.from === self ? "outbound" : "inbound",
  sla: slaOf(r, now),
});

/** Records a local event, sends it to the other party, audits; the answer says whether it was delivered. */
async function act(services: NodeServices, r: AssistanceRequest, e: AssistanceEvent, by: string) {
  const saved = await recordEvent(services.db, e, { delivered: false, id: r.id });
  if (!saved.ok) {
    const status = saved.error.code.endsWith("wrong-party") ? 403 : 409;
    throw new HttpProblem(status, saved.error.code, saved.error.message);
  }
  const other = r.from === services.node.id ? r.to : r.from;
  const delivered = await services.sendAssistance(other, r.id, e);
  await services.audit.append({
    actor: by,
    action: `assist.${e.kind}`,
    target: r.id,
    outcome: "success",
    details: { seq: e.seq, delivered, partner: other },
  });
  return { ...view(saved.value, services.now(), services.node.id), delivered };
}

async function load(services: NodeServices, id: string): Promise<AssistanceRequest> {
  const r = await getRequest(services.db, id);
  if (!r) throw new HttpProblem(404, "not-found", `no assistance request ${id}`);
  return r;
}

type StepBody = { text?: string; outcome?: string; reason?: string | undefined };

const step = (verb: "acknowledge" | "accept" | "decline" | "update" | "close") =>
  route({
    method: "post",
    path: `/api/v1/assistance/:id/${verb}`,
    operationId: `${verb}Assistance`,
    summary: {
      acknowledge: "Acknowledge a partner's request (stops its SLA clock)",
      accept: "Accept a partner's request",
      decline: "Decline a partner's request, with the reason",
      update: "Post an update on a request (either side)",
      close: "Close a request with its outcome",
    }[verb],
    tag: "assistance",
    roles: verb === "update" ? WORKERS : CRISIS,
    params: Params,
    body: (verb === "update"
      ? z.strictObject({ text: z.string().trim().min(1).max(5000) })
      : verb === "close"
        ? z.strictObject({ outcome: z.string().trim().min(1).max(5000) })
        : verb === "decline"
          ? z.strictObject({ reason: z.string().trim().min(1).max(2000) })
          : z.strictObject({ reason: z.string().trim().max(2000).optional() })) as z.ZodType<StepBody>,
    responses: {
      200: { description: "the request as both nodes now hold it" },
      409: { description: "not now" },
    },
    handle: async ({ services, params, body, principal }) => {
      const r = await load(services, params.id);
      const by = actor(principal);
      const base = { seq: r.seq + 1, at: services.now().toISOString(), node: services.node.id, actor: by };
      const b = body;
      const e: AssistanceEvent =
        verb === "acknowledge"
          ? { ...base, kind: "acknowledged" }
          : verb === "update"
            ? { ...base, kind: "update", text: b.text! }
            : verb === "close"
              ? { ...base, kind: "closed", outcome: b.outcome! }
              : { ...base, kind: verb === "accept" ? "accepted" : "declined", reason: b.reason };
      return { status: 200, body: await act(services, r, e, by) };
    },
  });

export const assistanceRoutes: AnyRoute<NodeServices>[] = [
  route({
    method: "post",
    path: "/api/v1/assistance",
    operationId: "requestAssistance",
    summary: "Ask a partner node for help: crisis level, impact, measures taken, capabilities, deadline",
    tag: "assistance",
    roles: CRISIS,
    body: AssistanceInput,
    responses: { 201: { description: "the request, sent (or queued for resending) to the partner" } },
    handle: async ({ services, body, principal }) => {
      if (body.to === services.node.id)
        throw new HttpProblem(400, "self-request", "ask a partner, not this node");
      const e = openRequest(body, { id: randomUUID(), from: services.node.id }, services.now());
      if (e.kind !== "requested") throw new Error("unreachable");
      const by = actor(principal);
      const saved = await recordEvent(services.db, e, { delivered: false });
      if (!saved.ok) throw new HttpProblem(409, saved.error.code, saved.error.message);
      const delivered = await services.sendAssistance(body.to, e.request.id, e);
      await services.audit.append({
        actor: by,
        action: "assist.requested",
        target: e.request.id,
        outcome: "success",
        details: { to: body.to, crisisLevel: body.crisisLevel, capabilities: body.capabilities, delivered },
      });
      return {
        status: 201,
        body: { ...view(saved.value, services.now(), services.node.id), delivered },
        headers: { location: `/api/v1/assistance/${e.request.id}` },
      };
    },
  }),
  route({
    method: "get",
    path: "/api/v1/assistance",
    operationId: "listAssistance",
    summary: "Assistance requests, both directions, with their SLA flags",
    tag: "assistance",
    roles: READ_SOC,
    query: z.object({
      open: z
        .enum(["true", "false"])
        .transform((v) => v === "true")
        .optional(),
    }),
    responses: { 200: { description: "requests, newest first" } },
    handle: async ({ services, query }) => ({
      status: 200,
      body: {
        items: (await listRequests(services.db, { open: query.open ?? false })).map((r) =>
          view(r, services.now(), services.node.id),
        ),
      },
    }),
  }),
  route({
    method: "get",
    path: "/api/v1/assistance/:id",
    operationId: "getAssistance",
    summary: "One assistance request",
    tag: "assistance",
    roles: READ_SOC,
    params: Params,
    responses: { 200: { description: "the request" }, 404: { description: "no such request" } },
    handle: async ({ services, params }) => ({
      status: 200,
      body: view(await load(services, params.id), services.now(), services.node.id),
    }),
  }),
  step("acknowledge"),
  step("accept"),
  step("decline"),
  step("update"),
  step("close"),
];
