// TAXII 2.1 conformance: every endpoint and filter, both paging styles, versions, manifest,
// status, idempotent upserts, rights per collection and partner, and the TAXII media type on
// every answer, errors included (401, 403, 404, 406, 413, 415, 400).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Hono } from "hono";
import { type Database, openDatabase } from "../../store/database.js";
import { authenticate, createToken } from "../../store/tokens-repo.js";
import { TAXII_MEDIA_TYPE, taxiiApp } from "./server.js";
import { createCollection } from "./store.js";
import { indicator } from "./test-support.js";

let db: Database;
let app: Hono;
let clock = Date.parse("2026-11-22T10:00:00Z");
const tokens: Record<string, string> = {};
let shared = "";
let inbox = "";
let secret = "";

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

function call(
  who: string | null,
  method: string,
  path: string,
  init: { body?: unknown; headers?: Record<string, string>; basic?: boolean } = {},
) {
  const headers: Record<string, string> = { accept: TAXII_MEDIA_TYPE, ...init.headers };
  if (who) {
    headers.authorization = init.basic
      ? `Basic ${Buffer.from(`${who}:${tokens[who]}`).toString("base64")}`
      : `Bearer ${tokens[who]}`;
  }
  if (init.body !== undefined) headers["content-type"] ??= TAXII_MEDIA_TYPE;
  return app.request(path, {
    method,
    headers,
    ...(init.body !== undefined
      ? { body: typeof init.body === "string" ? init.body : JSON.stringify(init.body) }
      : {}),
  });
}
const body = async (r: Response) => {
  assert.equal(r.headers.get("content-type"), TAXII_MEDIA_TYPE, "every answer is TAXII JSON");
  return (await r.json()) as Record<string, unknown>;
};

before(async () => {
  db = await openDatabase({});
  for (const [name, role] of [
    ["analyst", "analyst"],
    ["de", "partner"],
    ["it", "partner"],
    ["reader", "read-only"],
  ] as const) {
    tokens[name] = (
      await createToken(db, { name, role, clearance: "restricted", nationality: "FR" }, new Date())
    ).secret;
  }
  shared = (
    await createCollection(
      db,
      { alias: "shared", title: "Shared indicators", description: "What fr shares" },
      { "role:analyst": { canRead: true, canWrite: true }, "partner:de": { canRead: true, canWrite: false } },
      new Date(),
    )
  ).id;
  inbox = (
    await createCollection(
      db,
      { alias: "inbox", title: "Inbox" },
      {
        "role:analyst": { canRead: true, canWrite: false },
        "partner:de": { canRead: false, canWrite: true },
      },
      new Date(),
    )
  ).id;
  secret = (
    await createCollection(
      db,
      { alias: "internal", title: "Internal" },
      { "role:analyst": { canRead: true, canWrite: true } },
      new Date(),
    )
  ).id;
  app = taxiiApp({
    db,
    title: "Corridor fr",
    authenticate: (s) => authenticate(db, s, new Date()),
    now: () => new Date(clock),
    validate: (o) =>
      o.type === "indicator" && typeof o.pattern !== "string" ? "an indicator needs a pattern" : undefined,
    maxContentLength: 200_000,
  });
});
after(() => db.close());

const objectsPath = (id: string) => `/taxii2/api/collections/${id}/objects/`;

describe("discovery, API root, collections", () => {
  test("discovery and API root", async () => {
    const d = await body(await call("de", "GET", "/taxii2/"));
    assert.deepEqual(d.api_roots, ["/taxii2/api/"]);
    assert.equal(d.default, "/taxii2/api/");
    const root = await body(await call("de", "GET", "/taxii2/api/"));
    assert.deepEqual(root.versions, [TAXII_MEDIA_TYPE]);
    assert.equal(root.max_content_length, 200_000);
    const missing = await call("de", "GET", "/taxii2/nope/");
    assert.equal(missing.status, 404);
    assert.equal((await body(missing)).http_status, "404");
  });
  test("a partner sees only its collections, with its rights", async () => {
    const d = (await body(await call("de", "GET", "/taxii2/api/collections/"))) as {
      collections: { id: string; can_read: boolean; can_write: boolean; media_types: string[] }[];
    };
    assert.deepEqual(
      d.collections.map((c) => [c.id, c.can_read, c.can_write]),
      [
        [shared, true, false],
        [inbox, false, true],
      ],
    );
    assert.deepEqual(d.collections[0]!.media_types, ["application/stix+json;version=2.1"]);
    assert.deepEqual(await body(await call("it", "GET", "/taxii2/api/collections/")), {});
    assert.equal((await call("de", "GET", `/taxii2/api/collections/${secret}/`)).status, 404);
    const one = await body(await call("de", "GET", `/taxii2/api/collections/${shared}/`));
    assert.equal(one.alias, "shared");
  });
});

describe("errors carry the TAXII media type", () => {
  test("401 without or with bad credentials (Basic and Bearer)", async () => {
    const none = await call(null, "GET", "/taxii2/");
    assert.equal(none.status, 401);
    assert.match(none.headers.get("www-authenticate") ?? "", /Basic/);
    await body(none);
    const bad = await app.request("/taxii2/", {
      headers: {
        accept: TAXII_MEDIA_TYPE,
        authorization: `Basic ${Buffer.from("de:nope").toString("base64")}`,
      },
    });
    assert.equal(bad.status, 401);
    await body(bad);
    assert.equal((await call("de", "GET", "/taxii2/", { basic: true })).status, 200);
  });
  test("406 for an Accept the server cannot answer; 415 for a wrong Content-Type", async () => {
    for (const accept of ["text/html", "application/json", "application/taxii+json;version=2.0"]) {
      const r = await call("de", "GET", "/taxii2/", { headers: { accept } });
      assert.equal(r.status, 406, accept);
      await body(r);
    }
    assert.equal(
      (await call("de", "GET", "/taxii2/", { headers: { accept: "application/taxii+json" } })).status,
      200,
    );
    const r = await call("de", "POST", objectsPath(inbox), {
      body: { objects: [] },
      headers: { "content-type": "application/json" },
    });
    assert.equal(r.status, 415);
    await body(r);
  });
  test("403 without the right; 404 for what does not exist; 413 over max_content_length; 400 for a bad envelope or filter", async () => {
    const r = await call("de", "POST", objectsPath(shared), { body: { objects: [] } });
    assert.equal(r.status, 403);
    await body(r);
    assert.equal((await call("de", "GET", objectsPath(inbox))).status, 403);
    assert.equal((await call("de", "GET", `${objectsPath(shared)}indicator--${uuid(999)}/`)).status, 404);
    const big = await call("de", "POST", objectsPath(inbox), {
      body: { objects: [{ pad: "x".repeat(250_000) }] },
    });
    assert.equal(big.status, 413);
    await body(big);
    for (const b of ['{"objects": {}}', "not json"]) {
      const e = await call("de", "POST", objectsPath(inbox), { body: b });
      assert.equal(e.status, 400, b);
      await body(e);
    }
    for (const q of ["added_after=yesterday", "limit=0", "match[version]=soon", "next=abc"]) {
      assert.equal((await call("de", "GET", `${objectsPath(shared)}?${q}`)).status, 400, q);
    }
  });
});

describe("objects", () => {
  test("POST answers a status resource; re-posting a version is an idempotent success; bad objects fail alone", async () => {
    const objects = Array.from({ length: 25 }, (_, i) => indicator(i + 1));
    const r = await call("analyst", "POST", objectsPath(shared), {
      body: {
        objects: [...objects, { type: "indicator", id: "nope" }, { ...indicator(99), pattern: undefined }],
      },
    });
    assert.equal(r.status, 202);
    const s = await body(r);
    assert.equal(s.status, "complete");
    assert.equal(s.total_count, 27);
    assert.equal(s.success_count, 25);
    assert.equal(s.failure_count, 2);
    assert.deepEqual(
      (s.failures as { message: string }[]).map((f) => f.message),
      ["id 'nope' is not a 'indicator--<uuid>'", "an indicator needs a pattern"],
    );
    const status = await body(await call("analyst", "GET", `/taxii2/api/status/${s.id}/`));
    assert.equal(status.success_count, 25);
    assert.equal(
      (await call("de", "GET", `/taxii2/api/status/${s.id}/`)).status,
      404,
      "a status is its requester's",
    );
    clock += 1000;
    const again = await body(
      await call("analyst", "POST", objectsPath(shared), { body: { objects: objects.slice(0, 3) } }),
    );
    assert.equal(again.success_count, 3);
    assert.ok((again.successes as { message?: string }[]).every((x) => x.message?.includes("already")));
  });

  test("GET pages with limit and next, and again with added_after from X-TAXII-Date-Added-Last", async () => {
    const byNext: string[] = [];
    let next: string | undefined;
    do {
      const r = await call("de", "GET", `${objectsPath(shared)}?limit=10${next ? `&next=${next}` : ""}`);
      const b = (await body(r)) as { more: boolean; next?: string; objects?: { id: string }[] };
      byNext.push(...(b.objects ?? []).map((o) => o.id));
      assert.ok(r.headers.get("X-TAXII-Date-Added-First"));
      next = b.more ? b.next : undefined;
    } while (next);
    assert.equal(byNext.length, 25);
    assert.equal(new Set(byNext).size, 25);
    const byDate: string[] = [];
    let after: string | undefined;
    for (;;) {
      const r = await call(
        "de",
        "GET",
        `${objectsPath(shared)}?limit=7${after ? `&added_after=${after}` : ""}`,
      );
      const b = (await body(r)) as { more: boolean; objects?: { id: string }[] };
      byDate.push(...(b.objects ?? []).map((o) => o.id));
      if (!b.more) break;
      after = r.headers.get("X-TAXII-Date-Added-Last")!;
      assert.match(after, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    }
    assert.deepEqual(byDate, byNext);
  });

  test("match[id], match[type], match[spec_version]; versions: last (default), first, all, a timestamp", async () => {
    const id = `indicator--${uuid(1)}`;
    clock += 1000;
    await call("analyst", "POST", objectsPath(shared), {
      body: { objects: [indicator(1, "2026-11-22T09:30:00.000Z")] },
    });
    await call("analyst", "POST", objectsPath(shared), {
      body: {
        objects: [
          {
            type: "identity",
            spec_version: "2.1",
            id: `identity--${uuid(500)}`,
            created: "2026-11-22T08:00:00Z",
            modified: "2026-11-22T08:00:00Z",
            name: "fr",
          },
        ],
      },
    });
    const get = async (q: string) =>
      (
        (await body(await call("de", "GET", `${objectsPath(shared)}?${q}`))) as {
          objects?: Record<string, unknown>[];
        }
      ).objects ?? [];
    assert.deepEqual(
      (await get(`match[id]=${id}`)).map((o) => o.modified),
      ["2026-11-22T09:30:00.000Z"],
    );
    assert.deepEqual(
      (await get(`match[id]=${id}&match[version]=first`)).map((o) => o.modified),
      ["2026-11-22T09:00:00.000Z"],
    );
    assert.equal((await get(`match[id]=${id}&match[version]=all`)).length, 2);
    assert.deepEqual(
      (await get(`match[id]=${id}&match[version]=2026-11-22T09:00:00.000Z`)).map((o) => o.modified),
      ["2026-11-22T09:00:00.000Z"],
    );
    assert.deepEqual(
      (await get("match[type]=identity")).map((o) => o.type),
      ["identity"],
    );
    assert.equal((await get("match[type]=indicator,identity&limit=1000")).length, 26);
    assert.equal((await get("match[spec_version]=2.0")).length, 0);
    const one = (await body(await call("de", "GET", `${objectsPath(shared)}${id}/`))) as {
      objects: unknown[];
    };
    assert.equal(one.objects.length, 1);
    const versions = await body(await call("de", "GET", `${objectsPath(shared)}${id}/versions/`));
    assert.deepEqual(versions.versions, ["2026-11-22T09:00:00.000Z", "2026-11-22T09:30:00.000Z"]);
    const manifest = (await body(
      await call(
        "de",
        "GET",
        `/taxii2/api/collections/${shared}/manifest/?match[id]=${id}&match[version]=all`,
      ),
    )) as {
      objects: { id: string; version: string; media_type: string; date_added: string }[];
    };
    assert.deepEqual(
      manifest.objects.map((m) => [m.id, m.version, m.media_type]),
      [
        [id, "2026-11-22T09:00:00.000Z", "application/stix+json;version=2.1"],
        [id, "2026-11-22T09:30:00.000Z", "application/stix+json;version=2.1"],
      ],
    );
  });

  test("a partner writes into its inbox; DELETE needs write and read", async () => {
    clock += 1000;
    const s = await body(
      await call("de", "POST", objectsPath(inbox), { body: { objects: [indicator(300)] } }),
    );
    assert.equal(s.success_count, 1);
    const seen = (await body(await call("analyst", "GET", objectsPath(inbox)))) as {
      objects: { id: string }[];
    };
    assert.deepEqual(
      seen.objects.map((o) => o.id),
      [`indicator--${uuid(300)}`],
    );
    assert.equal((await call("de", "DELETE", `${objectsPath(inbox)}indicator--${uuid(300)}/`)).status, 403);
    assert.equal(
      (await call("analyst", "DELETE", `${objectsPath(shared)}indicator--${uuid(2)}/`)).status,
      200,
    );
    assert.equal((await call("analyst", "GET", `${objectsPath(shared)}indicator--${uuid(2)}/`)).status, 404);
  });
});
