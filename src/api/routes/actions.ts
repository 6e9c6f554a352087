// Remediation actions: proposed by playbooks or by hand, approved or rejected by a responder,
// executed (blocks become perimeter decisions), completed by hand where no connector exists.
import { z } from "zod";
import type { Principal } from "../../core/index.js";
import { ACTION_KINDS, ACTION_STATES, type RemediationAction } from "../../core/index.js";
import { decisionTarget } from "../../perimeter/decisions.js";
import { isPrivateOrInternal } from "../../soc/ip.js";
import {
  completeAction,
  decideAction,
  getAction,
  listActions,
  proposeAction,
} from "../../store/actions-repo.js";
import { getIncident } from "../../store/incidents-repo.js";
import { HttpProblem } from "../problem.js";
import { type AnyRoute, routeFor } from "../route.js";
import type { NodeServices } from "../services.js";
import {
  actionJson,
  actor,
  DECIDE_ACTIONS,
  IdParams,
  mayView,
  notFound,
  PageQuery,
  READ_SOC,
  visibleIncident,
  visibleRecords,
  WORK_INCIDENTS,
} from "./common.js";

const route = routeFor<NodeServices>();

const NewActionBody = z
  .strictObject({
    kind: z.enum(ACTION_KINDS),
    target: z.string().trim().min(1).max(2048),
    params: z.record(z.string(), z.unknown()).default({}),
    /** Blocking an internal address or range is refused unless this is set. */
    allowInternal: z.boolean().default(false),
  })
  .superRefine((b, ctx) => {
    if (b.kind === "block-ip" || b.kind === "block-range") {
      const t = decisionTarget(b.target);
      if (!t.ok) ctx.addIssue({ code: "custom", path: ["target"], message: t.error.message });
      else if (b.kind === "block-ip" && t.value.scope !== "ip")
        ctx.addIssue({
          code: "custom",
          path: ["target"],
          message: "block-ip takes one address; use block-range",
        });
      else if (!b.allowInternal && isPrivateOrInternal(t.value.value.split("/")[0]!))
        ctx.addIssue({
          code: "custom",
          path: ["target"],
          message: "an internal address would cut off your own network; set allowInternal to insist",
        });
    }
    if (b.kind === "webhook" && !/^https?:\/\//.test(b.target))
      ctx.addIssue({ code: "custom", path: ["target"], message: "a webhook target is an http(s) URL" });
  });

/** An action on an incident the caller may not see does not exist for them. */
async function visibleAction(
  services: NodeServices,
  p: Principal | undefined,
  id: string,
): Promise<RemediationAction> {
  const a = await getAction(services.db, id);
  if (!a) throw notFound("action", id);
  if (a.incidentId) {
    const i = await getIncident(services.db, a.incidentId);
    if (!i || !mayView(p, i)) throw notFound("action", id);
  }
  return a;
}

const stateError = (e: { code: string; message: string }) =>
  e.code === "store.not-found"
    ? new HttpProblem(404, "not-found", e.message)
    : new HttpProblem(409, "invalid-state", e.message);

export const actionRoutes: AnyRoute<NodeServices>[] = [
  route({
    method: "get",
    path: "/api/v1/actions",
    operationId: "listActions",
    summary: "Remediation actions, newest first",
    tag: "actions",
    roles: READ_SOC,
    query: z.object({
      state: z.enum(ACTION_STATES).optional(),
      incidentId: z.uuid().optional(),
      ...PageQuery,
    }),
    responses: { 200: { description: "a page of actions" } },
    handle: async ({ services, query, principal }) => {
      const r = await listActions(services.db, query);
      if (!r.ok) throw new HttpProblem(400, r.error.code, r.error.message);
      const items = await visibleRecords(services.db, principal, r.value.items);
      return { status: 200, body: { items: items.map(actionJson), nextCursor: r.value.nextCursor } };
    },
  }),
  route({
    method: "post",
    path: "/api/v1/incidents/:id/actions",
    operationId: "proposeAction",
    summary: "Propose a remediation action on an incident",
    tag: "actions",
    roles: WORK_INCIDENTS,
    params: IdParams,
    body: NewActionBody,
    responses: { 201: { description: "the proposed action" } },
    handle: async ({ services, params, body, principal }) => {
      visibleIncident(principal, await getIncident(services.db, params.id), params.id);
      const by = actor(principal);
      const r = await proposeAction(
        services.db,
        { incidentId: params.id, kind: body.kind, target: body.target, params: body.params },
        { actor: by, now: services.now() },
      );
      if (!r.ok) throw notFound("incident", params.id);
      await services.audit.append({
        actor: by,
        action: "action.propose",
        target: r.value.id,
        outcome: "success",
        details: { kind: body.kind, target: body.target, incidentId: params.id },
      });
      return { status: 201, body: actionJson(r.value) };
    },
  }),
  ...(["approve", "reject"] as const).map((verb) =>
    route({
      method: "post",
      path: `/api/v1/actions/:id/${verb}`,
      operationId: `${verb}Action`,
      summary:
        verb === "approve"
          ? "Approve a proposed action; it is carried out at once where an executor exists"
          : "Reject a proposed action (a reason is required)",
      tag: "actions",
      roles: DECIDE_ACTIONS,
      params: IdParams,
      body:
        verb === "approve"
          ? z.strictObject({ reason: z.string().trim().max(2000).optional() })
          : z.strictObject({ reason: z.string().trim().min(1).max(2000) }),
      responses: {
        200: { description: "the action as it now stands" },
        409: { description: "not proposed" },
      },
      handle: async ({ services, params, body, principal }) => {
        await visibleAction(services, principal, params.id);
        const by = actor(principal);
        const r = await decideAction(services.db, params.id, {
          approve: verb === "approve",
          actor: by,
          reason: body.reason,
          now: services.now(),
        });
        if (!r.ok) throw stateError(r.error);
        await services.audit.append({
          actor: by,
          action: `action.${verb}`,
          target: params.id,
          outcome: "success",
          details: { kind: r.value.kind, target: r.value.target, reason: body.reason ?? null },
        });
        const final = verb === "approve" ? await services.executeAction(r.value, by) : r.value;
        if (final.state === "executed" || final.state === "failed") {
          await services.audit.append({
            actor: by,
            action: "action.execute",
            target: params.id,
            outcome: final.state === "executed" ? "success" : "failure",
            details: { kind: final.kind, target: final.target, result: final.result },
          });
        }
        return { status: 200, body: actionJson(final) };
      },
    }),
  ),
  route({
    method: "post",
    path: "/api/v1/actions/:id/complete",
    operationId: "completeAction",
    summary: "Report how an approved action carried out by hand ended",
    tag: "actions",
    roles: DECIDE_ACTIONS,
    params: IdParams,
    body: z.strictObject({ ok: z.boolean(), result: z.string().trim().min(1).max(2000) }),
    responses: { 200: { description: "the completed action" }, 409: { description: "not approved" } },
    handle: async ({ services, params, body, principal }) => {
      await visibleAction(services, principal, params.id);
      const by = actor(principal);
      const r = await completeAction(services.db, params.id, { ...body, actor: by, now: services.now() });
      if (!r.ok) throw stateError(r.error);
      await services.audit.append({
        actor: by,
        action: "action.complete",
        target: params.id,
        outcome: body.ok ? "success" : "failure",
        details: { result: body.result },
      });
      return { status: 200, body: actionJson(r.value) };
    },
  }),
];
