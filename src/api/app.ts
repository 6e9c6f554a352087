// The HTTP application: every declared route behind authentication, role checks, input validation
// and metrics; failures answered as problem documents; auth failures and denials audited.
import { randomUUID } from "node:crypto";
import { Hono } from "hono";
import type { Principal } from "../core/index.js";
import type { MetricsRegistry } from "./metrics.js";
import { HttpProblem, invalid } from "./problem.js";
import type { AnyRoute, Reply } from "./route.js";

export interface AccessEvent {
  readonly outcome: "unauthenticated" | "denied";
  readonly reason: string;
  readonly method: string;
  readonly path: string;
  readonly principal?: Principal;
  readonly remote?: string;
}

export interface ApiHost<S> {
  readonly services: S;
  readonly routes: readonly AnyRoute<S>[];
  authenticate(token: string): Promise<Principal | null>;
  /** Called on every refused call (no/bad token, wrong role): the node writes it to the audit log. */
  onAccessRefused(event: AccessEvent): Promise<void>;
  readonly metrics: MetricsRegistry;
  /** Largest request body accepted, in bytes (413 beyond). */
  readonly maxBodyBytes: number;
  /** Sub-applications with their own conventions, mounted at the root (TAXII, CrowdSec LAPI). */
  readonly mounts?: readonly Hono[];
  /** Logs a failure that is a bug or broken infrastructure (500). */
  readonly logError: (err: unknown, context: Record<string, unknown>) => void;
}

const PROBLEM_TYPE = "application/problem+json";

async function readBody(req: Request, max: number): Promise<Buffer> {
  const declared = Number(req.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > max) {
    throw new HttpProblem(
      413,
      "body-too-large",
      `request body of ${declared} bytes exceeds the limit of ${max}`,
    );
  }
  if (!req.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  const reader = req.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw new HttpProblem(413, "body-too-large", `request body exceeds the limit of ${max} bytes`);
    }
    chunks.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
  }
  return Buffer.concat(chunks, size);
}

function bearer(req: Request): string | undefined {
  const h = req.headers.get("authorization");
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m?.[1];
}

function toResponse(reply: Reply, requestId: string): Response {
  const headers = new Headers(reply.headers);
  headers.set("x-request-id", requestId);
  if (reply.text !== undefined) {
    headers.set("content-type", reply.contentType ?? "text/plain; charset=utf-8");
    return new Response(reply.text, { status: reply.status, headers });
  }
  if (reply.body === undefined) return new Response(null, { status: reply.status, headers });
  headers.set("content-type", reply.contentType ?? "application/json");
  return new Response(JSON.stringify(reply.body), { status: reply.status, headers });
}

function problemResponse(p: HttpProblem, requestId: string): Response {
  const headers = new Headers(p.headers);
  headers.set("content-type", PROBLEM_TYPE);
  headers.set("x-request-id", requestId);
  if (p.status === 401) headers.set("www-authenticate", 'Bearer realm="corridor"');
  return new Response(JSON.stringify(p.body()), { status: p.status, headers });
}

export function buildApp<S>(host: ApiHost<S>): Hono {
  const app = new Hono();
  const requests = host.metrics.counter("corridor_http_requests_total", "HTTP requests by route and status");
  const latency = host.metrics.histogram("corridor_http_request_duration_seconds", "HTTP request latency");

  for (const r of host.routes) {
    app.on(r.method.toUpperCase(), r.path, async (c) => {
      const started = performance.now();
      const requestId = c.req.header("x-request-id")?.slice(0, 128) || randomUUID();
      const remote = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming
        ?.socket?.remoteAddress;
      let res: Response;
      try {
        let principal: Principal | undefined;
        if (r.roles !== "public") {
          const token = bearer(c.req.raw);
          const refuse = async (reason: string, p?: Principal) => {
            await host.onAccessRefused({
              outcome: p ? "denied" : "unauthenticated",
              reason,
              method: r.method.toUpperCase(),
              path: c.req.path,
              ...(p ? { principal: p } : {}),
              ...(remote ? { remote } : {}),
            });
          };
          if (!token) {
            await refuse("no bearer token");
            throw new HttpProblem(
              401,
              "unauthenticated",
              "send 'Authorization: Bearer <token>' (corridor token create)",
            );
          }
          const found = await host.authenticate(token);
          if (!found) {
            await refuse("unknown or revoked token");
            throw new HttpProblem(401, "unauthenticated", "the bearer token is unknown or revoked");
          }
          if (!r.roles.includes(found.role)) {
            await refuse(`role ${found.role} may not call ${r.operationId}`, found);
            throw new HttpProblem(
              403,
              "forbidden",
              `role '${found.role}' may not call ${r.operationId}; allowed: ${r.roles.join(", ")}`,
            );
          }
          principal = found;
        }
        const params = r.params ? r.params.safeParse(c.req.param()) : undefined;
        if (params && !params.success) throw invalid("params", params.error);
        const query = r.query ? r.query.safeParse(c.req.query()) : undefined;
        if (query && !query.success) throw invalid("query", query.error);
        let body: unknown;
        if (r.body) {
          const bytes = await readBody(c.req.raw, host.maxBodyBytes);
          if ("raw" in r.body) body = bytes;
          else {
            const type = c.req.header("content-type") ?? "";
            if (!/^application\/(.+\+)?json\b/i.test(type)) {
              throw new HttpProblem(
                415,
                "unsupported-media-type",
                `send Content-Type: application/json (got '${type}')`,
              );
            }
            let json: unknown;
            try {
              json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
            } catch (e) {
              throw new HttpProblem(
                400,
                "invalid-json",
                `the body is not valid JSON: ${(e as Error).message}`,
              );
            }
            const parsed = r.body.safeParse(json);
            if (!parsed.success) throw invalid("body", parsed.error);
            body = parsed.data;
          }
        }
        const reply = await r.handle({
          services: host.services,
          principal,
          params: params?.data ?? {},
          query: query?.data ?? {},
          body,
          raw: c.req.raw,
          requestId,
        });
        res = toResponse(reply, requestId);
      } catch (e) {
        if (e instanceof HttpProblem) res = problemResponse(e, requestId);
        else {
          host.logError(e, { route: r.operationId, requestId });
          res = problemResponse(
            new HttpProblem(500, "internal", `internal error; quote request id ${requestId} to the operator`),
            requestId,
          );
        }
      }
      requests.inc({ route: r.operationId, status: String(res.status) });
      latency.observe((performance.now() - started) / 1000, { route: r.operationId });
      return res;
    });
  }
  for (const sub of host.mounts ?? []) app.route("/", sub);
  app.notFound((c) =>
    problemResponse(
      new HttpProblem(404, "not-found", `no route ${c.req.method} ${c.req.path}; see /openapi.json`),
      c.req.header("x-request-id") ?? randomUUID(),
    ),
  );
  app.onError((e, c) => {
    host.logError(e, { path: c.req.path });
    return problemResponse(new HttpProblem(500, "internal", "internal error"), randomUUID());
  });
  return app;
}
