// Administration: rules (status, reload), API tokens, and the audit log (list, verify).
import { z } from "zod";
import { ClassificationLevel, Jurisdiction, Role } from "../../core/index.js";
import { createToken, listTokens, revokeToken } from "../../store/tokens-repo.js";
import { HttpProblem } from "../problem.js";
import { type AnyRoute, routeFor } from "../route.js";
import type { NodeServices, RulesStatus } from "../services.js";
import { ADMINS, AUDITORS, actor, IdParams, notFound, PageQuery, READ_SOC } from "./common.js";

const route = routeFor<NodeServices>();

const rulesJson = (s: RulesStatus) => ({
  loadedAt: s.loadedAt.toISOString(),
  detections: s.detections,
  correlations: s.correlations,
  filters: s.filters,
  report: s.report,
});

const NewTokenBody = z
  .object({
    name: z.string().min(1).max(200),
    role: Role,
    clearance: ClassificationLevel.default("restricted"),
    nationality: Jurisdiction,
  })
  .strict();

export const adminRoutes: AnyRoute<NodeServices>[] = [
  route({
    method: "get",
    path: "/api/v1/rules",
    operationId: "getRules",
    summary: "The loaded rule set and its load report",
    tag: "rules",
    roles: READ_SOC,
    responses: { 200: { description: "rule counts and the loader's report" } },
    handle: async ({ services }) => {
      const s = services.rules();
      if (!s) throw new HttpProblem(404, "not-found", "this node role does not detect");
      return { status: 200, body: rulesJson(s) };
    },
  }),
  route({
    method: "post",
    path: "/api/v1/rules/reload",
    operationId: "reloadRules",
    summary: "Reload rules from their folders; the new set replaces the old only if it loads",
    tag: "rules",
    roles: ADMINS,
    body: z.object({}).strict(),
    responses: { 200: { description: "the new rule set's load report" } },
    handle: async ({ services, principal }) => {
      const s = await services.reloadRules(principal!);
      return { status: 200, body: rulesJson(s) };
    },
  }),
  route({
    method: "get",
    path: "/api/v1/tokens",
    operationId: "listTokens",
    summary: "API tokens (never their secrets)",
    tag: "tokens",
    roles: ADMINS,
    responses: { 200: { description: "tokens, newest first" } },
    handle: async ({ services }) => ({
      status: 200,
      body: {
        items: (await listTokens(services.db)).map((t) => ({
          ...t,
          createdAt: t.createdAt.toISOString(),
          revokedAt: t.revokedAt?.toISOString() ?? null,
          lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
        })),
      },
    }),
  }),
  route({
    method: "post",
    path: "/api/v1/tokens",
    operationId: "createToken",
    summary: "Create a token; its secret is shown once, in this answer",
    tag: "tokens",
    roles: ADMINS,
    body: NewTokenBody,
    responses: { 201: { description: "the new token with its secret" } },
    handle: async ({ services, body, principal }) => {
      const t = await createToken(services.db, body, services.now());
      await services.audit.append({
        actor: actor(principal),
        action: "token.create",
        target: t.id,
        outcome: "success",
        details: {
          name: body.name,
          role: body.role,
          clearance: body.clearance,
          nationality: body.nationality,
        },
      });
      return { status: 201, body: { id: t.id, secret: t.secret, ...body } };
    },
  }),
  route({
    method: "delete",
    path: "/api/v1/tokens/:id",
    operationId: "revokeToken",
    summary: "Revoke a token",
    tag: "tokens",
    roles: ADMINS,
    params: IdParams,
    responses: { 204: { description: "revoked" }, 404: { description: "no such active token" } },
    handle: async ({ services, params, principal }) => {
      if (!(await revokeToken(services.db, params.id, services.now())))
        throw notFound("active token", params.id);
      await services.audit.append({
        actor: actor(principal),
        action: "token.revoke",
        target: params.id,
        outcome: "success",
      });
      return { status: 204 };
    },
  }),
  route({
    method: "get",
    path: "/api/v1/audit",
    operationId: "listAudit",
    summary: "The audit log, newest first",
    tag: "audit",
    roles: AUDITORS,
    query: z.object({
      since: z.coerce.date().optional(),
      actor: z.string().max(300).optional(),
      action: z.string().max(100).optional(),
      ...PageQuery,
    }),
    responses: { 200: { description: "a page of audit entries" } },
    handle: async ({ services, query, principal }) => {
      const page = await services.audit.list(query);
      await services.audit.append({ actor: actor(principal), action: "audit.read", outcome: "success" });
      return { status: 200, body: page };
    },
  }),
  route({
    method: "get",
    path: "/api/v1/audit/verify",
    operationId: "verifyAudit",
    summary: "Verify the audit log's hash chain; names the first broken entry",
    tag: "audit",
    roles: AUDITORS,
    responses: { 200: { description: "the verification result" } },
    handle: async ({ services, principal }) => {
      const r = await services.audit.verify();
      await services.audit.append({
        actor: actor(principal),
        action: "audit.verify",
        outcome: "success",
        details: r as Record<string, unknown>,
      });
      return { status: 200, body: r };
    },
  }),
];
