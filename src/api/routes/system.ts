// Health, readiness, metrics, the OpenAPI document and who-am-I: what operators and tools probe.
import { z } from "zod";
import { type AnyRoute, routeFor } from "../route.js";
import type { NodeServices } from "../services.js";
import { EVERYONE } from "./common.js";

const route = routeFor<NodeServices>();

export function systemRoutes(openapi: () => unknown): AnyRoute<NodeServices>[] {
  return [
    route({
      method: "get",
      path: "/healthz",
      operationId: "health",
      summary: "Liveness: the process answers",
      tag: "system",
      roles: "public",
      responses: { 200: { description: "alive", schema: z.object({ status: z.literal("ok") }) } },
      handle: async () => ({ status: 200, body: { status: "ok" } }),
    }),
    route({
      method: "get",
      path: "/readyz",
      operationId: "ready",
      summary: "Readiness: storage, queue and rules are usable",
      tag: "system",
      roles: "public",
      responses: {
        200: { description: "ready" },
        503: { description: "a dependency is down; `checks` says which" },
      },
      handle: async ({ services }) => {
        const r = await services.ready();
        return { status: r.ok ? 200 : 503, body: { status: r.ok ? "ready" : "not-ready", checks: r.checks } };
      },
    }),
    route({
      method: "get",
      path: "/metrics",
      operationId: "metrics",
      summary: "Prometheus metrics",
      tag: "system",
      roles: "public",
      responses: { 200: { description: "text exposition format 0.0.4", contentType: "text/plain" } },
      handle: async ({ services }) => ({
        status: 200,
        text: services.metrics.render(),
        contentType: "text/plain; version=0.0.4; charset=utf-8",
      }),
    }),
    route({
      method: "get",
      path: "/openapi.json",
      operationId: "openapi",
      summary: "This API as an OpenAPI 3.1 document",
      tag: "system",
      roles: "public",
      responses: { 200: { description: "OpenAPI 3.1" } },
      handle: async () => ({ status: 200, body: openapi() }),
    }),
    route({
      method: "get",
      path: "/api/v1/node",
      operationId: "getNode",
      summary: "This node and the caller as the node sees them",
      tag: "system",
      roles: EVERYONE,
      responses: { 200: { description: "node identity, role, lag, caller" } },
      handle: async ({ services, principal }) => ({
        status: 200,
        body: {
          ...services.node,
          startedAt: services.node.startedAt.toISOString(),
          lag: await services.lag(),
          you: principal
            ? {
                name: principal.name,
                role: principal.role,
                clearance: principal.clearance,
                nationality: principal.nationality,
              }
            : null,
        },
      }),
    }),
  ];
}
