// The TAXII client against the TAXII server over real HTTP: push, then pull from a cursor with
// both paging styles (a server that gives `next`, and one that only gives the date headers).
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { type Database, openDatabase } from "../../store/database.js";
import { authenticate, createToken } from "../../store/tokens-repo.js";
import { TaxiiClient } from "./client.js";
import { taxiiApp } from "./server.js";
import { createCollection } from "./store.js";
import { indicator } from "./test-support.js";

let db: Database;
let server: ReturnType<typeof serve>;
let url = "";
let token = "";
let collection = "";
let clock = Date.parse("2026-11-22T10:00:00Z");
let dropNext = false;

before(async () => {
  db = await openDatabase({});
  token = (
    await createToken(
      db,
      { name: "de", role: "partner", clearance: "restricted", nationality: "DE" },
      new Date(),
    )
  ).secret;
  collection = (
    await createCollection(
      db,
      { alias: "shared", title: "Shared" },
      { "partner:de": { canRead: true, canWrite: true } },
      new Date(),
    )
  ).id;
  const taxii = taxiiApp({
    db,
    title: "t",
    authenticate: (s) => authenticate(db, s, new Date()),
    now: () => {
      clock += 1;
      return new Date(clock);
    },
  });
  // a proxy that can hide `next`, as servers that only support added_after paging do
  const app = new Hono();
  app.all("*", async (c) => {
    const res = await taxii.fetch(c.req.raw);
    if (!dropNext || !c.req.path.endsWith("/objects/") || c.req.method !== "GET") return res;
    const body = (await res.json()) as Record<string, unknown>;
    delete body.next;
    return new Response(JSON.stringify(body), { status: res.status, headers: res.headers });
  });
  server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 });
  await new Promise<void>((r) => server.once("listening", () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await db.close();
});

test("push, then pull everything with `next`, then only what came after the cursor", async () => {
  const client = new TaxiiClient({ baseUrl: url, token });
  assert.deepEqual(
    (await client.collections()).map((c) => c.id),
    [collection],
  );
  const status = await client.push(
    collection,
    Array.from({ length: 23 }, (_, i) => indicator(i + 1)),
  );
  assert.equal(status.success_count, 23);
  const ids: string[] = [];
  let cursor: string | undefined;
  for await (const page of client.pull(collection, { limit: 5 })) {
    ids.push(...page.objects.map((o) => String(o.id)));
    cursor = page.cursor ?? cursor;
  }
  assert.equal(ids.length, 23);
  assert.equal(new Set(ids).size, 23);
  await client.push(collection, [indicator(100), indicator(101)]);
  const more: string[] = [];
  for await (const page of client.pull(collection, { limit: 5, ...(cursor ? { addedAfter: cursor } : {}) })) {
    more.push(...page.objects.map((o) => String(o.id)));
  }
  assert.deepEqual(more, [indicator(100).id, indicator(101).id]);
});

test("pull follows added_after when the server gives no `next`", async () => {
  dropNext = true;
  try {
    const client = new TaxiiClient({ baseUrl: url, token });
    const ids: string[] = [];
    for await (const page of client.pull(collection, { limit: 4 }))
      ids.push(...page.objects.map((o) => String(o.id)));
    assert.equal(ids.length, 25);
    assert.equal(new Set(ids).size, 25);
  } finally {
    dropNext = false;
  }
});
