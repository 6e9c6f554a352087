// The TAXII 2.1 server: discovery, one API root, collections, objects (filters, both paging
// styles), object versions, manifest, status. Every answer, errors included, is
// application/taxii+json;version=2.1. HTTP Basic (password = token) and bearer tokens; rights per
// collection and subject (a role, or a partner by its token name).

import type { Context } from "hono";
import { Hono } from "hono";
import type { Principal } from "../../core/index.js";
import type { Database } from "../../store/database.js";
import {
  type Access,
  addObjects,
  type Collection,
  collectionsFor,
  deleteObject,
  getStatus,
  queryObjects,
  type StoredObject,
  type VersionFilter,
} from "./store.js";
import { formatMicros, parseMicros } from "./time.js";

export const TAXII_MEDIA_TYPE = "application/taxii+json;version=2.1";
export const STIX_MEDIA_TYPE = "application/stix+json;version=2.1";
const API_ROOT = "api";
const MAX_PAGE = 1000;

export interface TaxiiDeps {
  readonly db: Database;
  readonly title: string;
  readonly description?: string;
  authenticate(secret: string): Promise<Principal | null>;
  readonly now: () => Date;
  /** STIX checks beyond what TAXII needs; a message refuses the object in the status resource. */
  readonly validate?: (o: Record<string, unknown>) => string | undefined;
  /** After objects were added (import into the node, audit). */
  readonly onAdded?: (
    collection: Collection,
    objects: readonly Record<string, unknown>[],
    by: Principal,
  ) => Promise<void>;
  /**
   * Checks a write before anything is stored (the corridor's envelope signature on a partner's
   * push); a refusal answers with its status and message.
   */
  readonly verifyWrite?: (w: {
    readonly headers: Headers;
    readonly body: unknown;
    readonly principal: Principal;
    readonly collection: Collection;
  }) => Promise<{ readonly status: number; readonly message: string } | undefined>;
  /**
   * Headers that sign an objects page for the partner reading it (the corridor's envelope over
   * the page), so what a partner pulls is as authentic as what it is pushed.
   */
  readonly signPage?: (page: unknown, principal: Principal) => Record<string, string> | undefined;
  /** Refused calls, for the audit log. */
  readonly onRefused?: (what: { reason: string; path: string; principal?: Principal }) => Promise<void>;
  readonly maxContentLength?: number;
}

class TaxiiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly description: string,
  ) {
    super(description);
  }
}

const taxiiJson = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": TAXII_MEDIA_TYPE, ...headers },
  });

/** TAXII 2.1 §3.6: a client must accept application/taxii+json (2.1); we also take the wildcards. */
function acceptable(accept: string | undefined): boolean {
  if (!accept) return true;
  return accept.split(",").some((part) => {
    const [type, ...params] = part
      .trim()
      .toLowerCase()
      .split(";")
      .map((s) => s.trim());
    if (type === "*/*" || type === "application/*") return true;
    if (type !== "application/taxii+json") return false;
    const version = params.find((p) => p.startsWith("version="));
    return version === undefined || version === "version=2.1";
  });
}

function secretOf(c: Context): string | undefined {
  const h = c.req.header("authorization");
  if (!h) return undefined;
  const bearer = /^Bearer\s+(\S+)$/i.exec(h);
  if (bearer) return bearer[1];
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(h);
  if (!basic) return undefined;
  const text = Buffer.from(basic[1]!, "base64").toString("utf8");
  const i = text.indexOf(":");
  return i < 0 ? undefined : text.slice(i + 1);
}

const subjectsOf = (p: Principal) => [
  `role:${p.role}`,
  ...(p.role === "partner" ? [`partner:${p.name}`] : []),
];

function versionFilter(text: string | undefined): VersionFilter {
  if (text === undefined || text === "") return { kind: "last" };
  const parts = text.split(",").map((s) => s.trim());
  if (parts.includes("all")) return { kind: "all" };
  const named = parts.filter((s) => s === "last" || s === "first");
  const stamps = parts.filter((s) => s !== "last" && s !== "first");
  if (named.length > 0 && stamps.length === 0 && named.length === 1)
    return { kind: named[0] as "last" | "first" };
  if (named.length > 0) return { kind: "all" }; // last,first together: both are in "all"; narrowed below
  const us = stamps.map((s) => {
    const v = parseMicros(s);
    if (v === undefined)
      throw new TaxiiError(400, "Bad match[version]", `'${s}' is not last, first, all or a timestamp`);
    return v;
  });
  return { kind: "at", us };
}

const list = (v: string | undefined) =>
  v === undefined || v === ""
    ? undefined
    : v
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "");

export function taxiiApp(deps: TaxiiDeps): Hono {
  const app = new Hono();
  const maxContent = deps.maxContentLength ?? 10 * 1024 * 1024;

  app.onError((e) => {
    const err =
      e instanceof TaxiiError ? e : new TaxiiError(500, "Internal error", "the server failed; see its logs");
    if (!(e instanceof TaxiiError)) console.error(e);
    return taxiiJson(
      { title: err.title, description: err.description, http_status: String(err.status) },
      err.status,
      {
        ...(err.status === 401 ? { "www-authenticate": 'Basic realm="taxii", Bearer realm="taxii"' } : {}),
      },
    );
  });
  app.notFound((c) =>
    taxiiJson(
      { title: "Not found", description: `no TAXII resource ${c.req.path}`, http_status: "404" },
      404,
    ),
  );

  // content negotiation and authentication for everything under /taxii2
  app.use("/taxii2/*", async (c, next) => {
    if (!acceptable(c.req.header("accept"))) {
      throw new TaxiiError(406, "Not acceptable", `send Accept: ${TAXII_MEDIA_TYPE}`);
    }
    const secret = secretOf(c);
    const principal = secret ? await deps.authenticate(secret) : null;
    if (!principal) {
      await deps.onRefused?.({
        reason: secret ? "unknown or revoked token" : "no credentials",
        path: c.req.path,
      });
      throw new TaxiiError(
        401,
        "Unauthorized",
        "authenticate with HTTP Basic (password: your token) or a bearer token",
      );
    }
    c.set("principal" as never, principal as never);
    await next();
  });
  const who = (c: Context) => c.get("principal" as never) as unknown as Principal;

  const collection = async (c: Context, need: keyof Access): Promise<Collection & Access> => {
    const p = who(c);
    const found = (await collectionsFor(deps.db, subjectsOf(p))).find((x) => x.id === c.req.param("id"));
    if (!found)
      throw new TaxiiError(404, "Collection not found", `no collection ${c.req.param("id")} for you`);
    if (!found[need]) {
      await deps.onRefused?.({
        reason: `no ${need === "canRead" ? "read" : "write"} right`,
        path: c.req.path,
        principal: p,
      });
      throw new TaxiiError(
        403,
        "Forbidden",
        `you may not ${need === "canRead" ? "read" : "write"} this collection`,
      );
    }
    return found;
  };

  const rootCheck = (c: Context) => {
    if (c.req.param("root") !== API_ROOT)
      throw new TaxiiError(404, "API root not found", `no API root ${c.req.param("root")}`);
  };

  app.get("/taxii2/", () =>
    taxiiJson({
      title: deps.title,
      ...(deps.description ? { description: deps.description } : {}),
      default: `/taxii2/${API_ROOT}/`,
      api_roots: [`/taxii2/${API_ROOT}/`],
    }),
  );

  app.get("/taxii2/:root/", (c) => {
    rootCheck(c);
    return taxiiJson({
      title: `${deps.title} API root`,
      versions: [TAXII_MEDIA_TYPE],
      max_content_length: maxContent,
    });
  });

  app.get("/taxii2/:root/collections/", async (c) => {
    rootCheck(c);
    const cols = await collectionsFor(deps.db, subjectsOf(who(c)));
    return taxiiJson(cols.length === 0 ? {} : { collections: cols.map(collectionJson) });
  });

  app.get("/taxii2/:root/collections/:id/", async (c) => {
    rootCheck(c);
    const col = (await collectionsFor(deps.db, subjectsOf(who(c)))).find((x) => x.id === c.req.param("id"));
    if (!col) throw new TaxiiError(404, "Collection not found", `no collection ${c.req.param("id")} for you`);
    return taxiiJson(collectionJson(col));
  });

  const page = async (c: Context, objectId?: string) => {
    const col = await collection(c, "canRead");
    const q = c.req.query();
    const limit = q.limit === undefined ? 100 : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1)
      throw new TaxiiError(400, "Bad limit", "limit is a positive integer");
    let addedAfterUs: number | undefined;
    if (q.added_after !== undefined) {
      addedAfterUs = parseMicros(q.added_after);
      if (addedAfterUs === undefined)
        throw new TaxiiError(400, "Bad added_after", `'${q.added_after}' is not a timestamp`);
    }
    if (q.next !== undefined && !/^\d{1,17}$/.test(q.next))
      throw new TaxiiError(400, "Bad next", "next is what the previous page returned");
    const ids = objectId ? [objectId] : list(q["match[id]"]);
    return {
      col,
      result: await queryObjects(deps.db, col.id, {
        addedAfterUs,
        limit: Math.min(limit, MAX_PAGE),
        next: q.next,
        ids,
        types: list(q["match[type]"]),
        versions: versionFilter(q["match[version]"]),
        specVersions: list(q["match[spec_version]"]),
      }),
    };
  };

  const dateHeaders = (objects: readonly StoredObject[]): Record<string, string> =>
    objects.length === 0
      ? {}
      : {
          "X-TAXII-Date-Added-First": formatMicros(Math.min(...objects.map((o) => o.dateAddedUs))),
          "X-TAXII-Date-Added-Last": formatMicros(Math.max(...objects.map((o) => o.dateAddedUs))),
        };

  const envelope = (r: { objects: readonly StoredObject[]; more: boolean; next: string | undefined }) => ({
    more: r.more,
    ...(r.next ? { next: r.next } : {}),
    ...(r.objects.length > 0 ? { objects: r.objects.map((o) => o.object) } : {}),
  });

  app.get("/taxii2/:root/collections/:id/objects/", async (c) => {
    rootCheck(c);
    const { result } = await page(c);
    const body = envelope(result);
    return taxiiJson(body, 200, { ...dateHeaders(result.objects), ...(deps.signPage?.(body, who(c)) ?? {}) });
  });

  app.post("/taxii2/:root/collections/:id/objects/", async (c) => {
    rootCheck(c);
    const type = c.req.header("content-type") ?? "";
    const [media, ...params] = type
      .toLowerCase()
      .split(";")
      .map((s) => s.trim());
    if (
      media !== "application/taxii+json" ||
      !params.every((p) => !p.startsWith("version=") || p === "version=2.1")
    ) {
      throw new TaxiiError(415, "Unsupported media type", `send Content-Type: ${TAXII_MEDIA_TYPE}`);
    }
    const col = await collection(c, "canWrite");
    const length = Number(c.req.header("content-length") ?? "0");
    if (length > maxContent) throw new TaxiiError(413, "Too large", `the limit is ${maxContent} bytes`);
    const text = await c.req.text();
    if (Buffer.byteLength(text) > maxContent)
      throw new TaxiiError(413, "Too large", `the limit is ${maxContent} bytes`);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (e) {
      throw new TaxiiError(400, "Bad envelope", `not JSON: ${(e as Error).message}`);
    }
    const objects = (body as { objects?: unknown })?.objects;
    if (typeof body !== "object" || body === null || !Array.isArray(objects)) {
      throw new TaxiiError(400, "Bad envelope", 'an envelope is {"objects": [...]}');
    }
    const p = who(c);
    const refused = await deps.verifyWrite?.({
      headers: c.req.raw.headers,
      body,
      principal: p,
      collection: col,
    });
    if (refused)
      throw new TaxiiError(
        refused.status,
        refused.status === 401 ? "Unauthorized" : "Forbidden",
        refused.message,
      );
    const status = await addObjects(deps.db, col.id, objects, {
      requestedBy: `${p.role}:${p.name}`,
      now: deps.now(),
      ...(deps.validate ? { validate: deps.validate } : {}),
    });
    const added = new Set(status.successes.filter((s) => !s.message).map((s) => `${s.id} ${s.version}`));
    if (deps.onAdded && added.size > 0) {
      const fresh = (objects as Record<string, unknown>[]).filter((o) =>
        [...added].some((k) => k.startsWith(`${o.id} `)),
      );
      await deps.onAdded(col, fresh, p);
    }
    return taxiiJson(status, 202);
  });

  app.get("/taxii2/:root/collections/:id/objects/:objectId/", async (c) => {
    rootCheck(c);
    const { result } = await page(c, c.req.param("objectId"));
    if (result.objects.length === 0)
      throw new TaxiiError(404, "Object not found", `no object ${c.req.param("objectId")}`);
    return taxiiJson(envelope(result), 200, dateHeaders(result.objects));
  });

  app.delete("/taxii2/:root/collections/:id/objects/:objectId/", async (c) => {
    rootCheck(c);
    const col = await collection(c, "canWrite");
    await collection(c, "canRead");
    const v = versionFilter(c.req.query("match[version]") ?? "all");
    const n = await deleteObject(
      deps.db,
      col.id,
      c.req.param("objectId"),
      v.kind === "at" ? v.us : undefined,
    );
    if (n === 0) throw new TaxiiError(404, "Object not found", `no object ${c.req.param("objectId")}`);
    return new Response(null, { status: 200, headers: { "content-type": TAXII_MEDIA_TYPE } });
  });

  app.get("/taxii2/:root/collections/:id/objects/:objectId/versions/", async (c) => {
    rootCheck(c);
    const col = await collection(c, "canRead");
    const q = c.req.query();
    const r = await queryObjects(deps.db, col.id, {
      ids: [c.req.param("objectId")],
      versions: { kind: "all" },
      limit: Math.min(Number(q.limit ?? MAX_PAGE) || MAX_PAGE, MAX_PAGE),
      addedAfterUs: q.added_after ? parseMicros(q.added_after) : undefined,
      specVersions: list(q["match[spec_version]"]),
    });
    if (r.objects.length === 0)
      throw new TaxiiError(404, "Object not found", `no object ${c.req.param("objectId")}`);
    const versions = [...r.objects].sort((a, b) => (a.version < b.version ? -1 : 1)).map((o) => o.version);
    return taxiiJson({ more: r.more, versions }, 200, dateHeaders(r.objects));
  });

  app.get("/taxii2/:root/collections/:id/manifest/", async (c) => {
    rootCheck(c);
    const { result } = await page(c);
    return taxiiJson(
      {
        more: result.more,
        ...(result.next ? { next: result.next } : {}),
        ...(result.objects.length > 0
          ? {
              objects: result.objects.map((o) => ({
                id: o.id,
                date_added: formatMicros(o.dateAddedUs),
                version: o.version,
                media_type: STIX_MEDIA_TYPE,
              })),
            }
          : {}),
      },
      200,
      dateHeaders(result.objects),
    );
  });

  app.get("/taxii2/:root/status/:statusId/", async (c) => {
    rootCheck(c);
    const id = c.req.param("statusId");
    const s = /^[0-9a-f-]{36}$/.test(id) ? await getStatus(deps.db, id) : null;
    const p = who(c);
    if (!s || (s.requestedBy !== `${p.role}:${p.name}` && p.role !== "admin")) {
      throw new TaxiiError(404, "Status not found", `no status ${id} for you`);
    }
    const { requestedBy: _who, ...status } = s;
    return taxiiJson(status);
  });

  return app;
}

function collectionJson(c: Collection & Access) {
  return {
    id: c.id,
    title: c.title,
    ...(c.description ? { description: c.description } : {}),
    ...(c.alias ? { alias: c.alias } : {}),
    can_read: c.canRead,
    can_write: c.canWrite,
    media_types: [STIX_MEDIA_TYPE],
  };
}
