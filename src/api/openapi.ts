// The OpenAPI 3.1 document, derived from the route declarations so it cannot drift from the code.
import { z } from "zod";
import type { AnyRoute } from "./route.js";

type Json = Record<string, unknown>;

const schemaOf = (s: z.ZodType, io: "input" | "output"): Json => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, {
    target: "draft-2020-12",
    unrepresentable: "any",
    io,
  }) as Json;
  return rest;
};

const openApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");

function parameters(where: "path" | "query", s: z.ZodType | undefined): Json[] {
  if (!s) return [];
  const js = schemaOf(s, "input");
  const props = (js.properties ?? {}) as Record<string, Json>;
  const required = new Set((js.required ?? []) as string[]);
  return Object.entries(props).map(([name, schema]) => ({
    name,
    in: where,
    required: where === "path" || required.has(name),
    ...(typeof schema.description === "string" ? { description: schema.description } : {}),
    schema,
  }));
}

const PROBLEM_SCHEMA: Json = {
  type: "object",
  required: ["type", "title", "status", "code", "detail"],
  properties: {
    type: { type: "string" },
    title: { type: "string" },
    status: { type: "integer" },
    code: { type: "string", description: "Stable machine-readable error code" },
    detail: { type: "string" },
    errors: {
      type: "array",
      items: {
        type: "object",
        required: ["path", "code", "message"],
        properties: { path: { type: "string" }, code: { type: "string" }, message: { type: "string" } },
      },
    },
  },
};

export function openApiDocument<S>(
  routes: readonly AnyRoute<S>[],
  info: { readonly title: string; readonly version: string; readonly description?: string },
): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const r of routes) {
    const p = openApiPath(r.path);
    paths[p] ??= {};
    const responses: Record<string, Json> = {};
    for (const [status, spec] of Object.entries(r.responses)) {
      responses[status] = {
        description: spec.description,
        ...(spec.schema || spec.contentType
          ? {
              content: {
                [spec.contentType ?? "application/json"]: spec.schema
                  ? { schema: schemaOf(spec.schema, "output") }
                  : {},
              },
            }
          : {}),
      };
    }
    const problem = { $ref: "#/components/responses/Problem" };
    if (r.roles !== "public") {
      responses["401"] ??= problem;
      responses["403"] ??= problem;
    }
    if (r.body || r.params || r.query) responses["400"] ??= problem;
    const op: Json = {
      operationId: r.operationId,
      summary: r.summary,
      tags: [r.tag],
      "x-corridor-roles": r.roles,
      security: r.roles === "public" ? [] : [{ bearer: [] }],
      parameters: [...parameters("path", r.params), ...parameters("query", r.query)],
      responses,
    };
    if (r.body) {
      op.requestBody = {
        required: true,
        content:
          "raw" in r.body
            ? Object.fromEntries(r.body.raw.split(",").map((t) => [t.trim(), { schema: {} }]))
            : { "application/json": { schema: schemaOf(r.body as z.ZodType, "input") } },
      };
    }
    paths[p][r.method] = op;
  }
  return {
    openapi: "3.1.0",
    info,
    servers: [{ url: "/" }],
    components: {
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          description: "A Corridor API token (`corridor token create`)",
        },
      },
      schemas: { Problem: PROBLEM_SCHEMA },
      responses: {
        Problem: {
          description: "An RFC 9457 problem document",
          content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
        },
      },
    },
    paths,
  };
}
