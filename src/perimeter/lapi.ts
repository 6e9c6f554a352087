// The CrowdSec-compatible Local API routes as a Hono sub-app: the decision stream and the live
// query, at /v1/... (where bouncers call) and /lapi/v1/... (the node's documented prefix).
import { type Context, Hono } from "hono";
import type { MetricsRegistry } from "../api/metrics.js";
import type { Sql } from "../store/database.js";
import { bouncerByKey } from "./bouncers.js";
import { type LapiReply, queryDecisions, streamDecisions } from "./stream.js";

export interface LapiDeps {
  readonly sql: Sql;
  readonly now?: () => Date;
  /** Registers corridor_lapi_requests_total and corridor_lapi_ranges_withheld_total. */
  readonly metrics?: MetricsRegistry;
  /** A failure that is a bug or broken infrastructure (answered 500). */
  readonly logError?: (err: unknown, context: Record<string, unknown>) => void;
  /** Called when a call is refused (no or unknown key), e.g. to audit it. */
  readonly onRefused?: (e: { readonly path: string; readonly remote?: string }) => Promise<void> | void;
}

export const LAPI_PREFIXES = ["/v1", "/lapi/v1"] as const;

export function lapiRoutes(deps: LapiDeps): Hono {
  const now = deps.now ?? (() => new Date());
  const requests = deps.metrics?.counter(
    "corridor_lapi_requests_total",
    "CrowdSec LAPI requests by endpoint and status",
  );
  const withheld = deps.metrics?.counter(
    "corridor_lapi_ranges_withheld_total",
    "Range decisions not sent to a bouncer with expandRanges because wider than 256 addresses",
  );
  const app = new Hono();
  const handle =
    (endpoint: "stream" | "decisions", run: (sql: Sql, c: Context) => Promise<LapiReply>) =>
    async (c: Context) => {
      let reply: LapiReply;
      try {
        reply = await run(deps.sql, c);
      } catch (e) {
        deps.logError?.(e, { route: `lapi ${endpoint}`, path: c.req.path });
        reply = { status: 500, body: { message: "internal error" } };
      }
      requests?.inc({ endpoint, status: String(reply.status) });
      if (reply.withheld && reply.bouncer) withheld?.inc({ bouncer: reply.bouncer }, reply.withheld);
      if (reply.status === 403 && deps.onRefused) {
        const remote = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming
          ?.socket?.remoteAddress;
        await deps.onRefused({ path: c.req.path, ...(remote ? { remote } : {}) });
      }
      return c.json(reply.body, reply.status as 200);
    };

  for (const prefix of LAPI_PREFIXES) {
    app.get(
      `${prefix}/decisions/stream`,
      handle("stream", async (sql, c) => {
        const base = {
          apiKey: c.req.header("x-api-key"),
          query: c.req.query(),
          userAgent: c.req.header("user-agent"),
        };
        // Hono serves HEAD with the GET handler; like CrowdSec, HEAD must not move the cursor.
        if (c.req.method === "HEAD") {
          const known = base.apiKey !== undefined && (await bouncerByKey(sql, base.apiKey)) !== undefined;
          return known ? { status: 200, body: {} } : { status: 403, body: { message: "access forbidden" } };
        }
        return streamDecisions(sql, { ...base, startup: c.req.query("startup") === "true" }, now());
      }),
    );
    app.get(
      `${prefix}/decisions`,
      handle("decisions", (sql, c) =>
        queryDecisions(
          sql,
          { apiKey: c.req.header("x-api-key"), query: c.req.query(), userAgent: c.req.header("user-agent") },
          now(),
        ),
      ),
    );
  }
  return app;
}
