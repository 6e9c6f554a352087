// The LAPI sub-app over HTTP (Hono's request, PGlite): both path prefixes, CrowdSec's 403, HEAD
// leaving the cursor alone, the live query, metrics, and mounting on another app.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Hono } from "hono";
import { MetricsRegistry } from "../api/metrics.js";
import { type Database, openDatabase } from "../store/database.js";
import { addBouncer, listBouncers } from "./bouncers.js";
import { addDecision } from "./decisions.js";
import { lapiRoutes } from "./lapi.js";

describe("lapiRoutes", () => {
  let db: Database;
  let key: string;
  let wideKey: string;
  let clock = new Date("2026-11-20T08:00:00Z");
  const metrics = new MetricsRegistry();
  let app: Hono;
  const get = (path: string, apiKey?: string, method = "GET") =>
    app.request(path, {
      method,
      headers: apiKey ? { "x-api-key": apiKey, "user-agent": "crowdsec-firewall-bouncer/-" } : {},
    });

  before(async () => {
    db = await openDatabase({});
    const b = await addBouncer(db, { name: "fw" }, clock);
    const w = await addBouncer(db, { name: "nft", expandRanges: true }, clock);
    assert.ok(b.ok && w.ok);
    key = b.value.apiKey;
    wideKey = w.value.apiKey;
    // Mounted as the integrator does on the node's app.
    app = new Hono();
    app.route("/", lapiRoutes({ sql: db, now: () => clock, metrics }));
  });
  after(async () => {
    await db?.close();
  });

  it("refuses requests without a known X-Api-Key: 403 {message: access forbidden}", async () => {
    for (const path of [
      "/v1/decisions/stream?startup=true",
      "/lapi/v1/decisions/stream",
      "/v1/decisions?ip=192.0.2.1",
    ]) {
      for (const k of [undefined, "wrong"]) {
        const r = await get(path, k);
        assert.equal(r.status, 403, path);
        assert.deepEqual(await r.json(), { message: "access forbidden" });
      }
    }
  });

  it("serves the stream at /v1 and /lapi/v1 with one cursor per bouncer; HEAD does not move it", async () => {
    const r0 = await get("/v1/decisions/stream?startup=true", key);
    assert.equal(r0.status, 200);
    assert.match(r0.headers.get("content-type") ?? "", /application\/json/);
    assert.deepEqual(await r0.json(), { new: null, deleted: [] });
    const d = await addDecision(
      db,
      { target: "192.0.2.10", durationMs: 4 * 3_600_000, origin: "fr", scenario: "corridor/test" },
      clock,
    );
    assert.ok(d.ok);
    clock = new Date(clock.getTime() + 500);
    assert.equal((await get("/v1/decisions/stream", key, "HEAD")).status, 200);
    assert.equal((await get("/v1/decisions/stream", "wrong", "HEAD")).status, 403);
    const r1 = await get("/lapi/v1/decisions/stream?", key);
    const body = (await r1.json()) as {
      new: { value: string; duration: string; scope: string }[];
      deleted: null;
    };
    assert.deepEqual(
      body.new.map((x) => [x.scope, x.value, x.duration]),
      [["Ip", "192.0.2.10", "3h59m59.5s"]],
    );
    assert.equal(body.deleted, null);
    assert.deepEqual(await (await get("/v1/decisions/stream", key)).json(), { new: null, deleted: null });
    const fw = (await listBouncers(db)).find((b) => b.name === "fw");
    assert.equal(fw?.userAgent, "crowdsec-firewall-bouncer/-");
    assert.equal(fw?.pulls, 3, "HEAD is not a pull");
  });

  it("answers GET /v1/decisions?ip= with an array or null", async () => {
    const hit = await get("/v1/decisions?ip=192.0.2.10", key);
    assert.equal(hit.status, 200);
    assert.equal(((await hit.json()) as unknown[]).length, 1);
    assert.equal(await (await get("/lapi/v1/decisions?ip=192.0.2.11", key)).json(), null);
    assert.equal((await get("/v1/decisions?ip=999.1.1.1", key)).status, 400);
  });

  it("counts requests and ranges withheld from an expanding bouncer", async () => {
    await addDecision(
      db,
      { target: "10.0.0.0/8", durationMs: 3_600_000, origin: "de", scenario: "x" },
      clock,
    );
    const r = (await (await get("/v1/decisions/stream?startup=true", wideKey)).json()) as { new: unknown[] };
    assert.equal(r.new.length, 1, "only the address; the /8 is withheld");
    const text = metrics.render();
    assert.match(text, /corridor_lapi_ranges_withheld_total\{bouncer="nft"\} 1/);
    assert.match(text, /corridor_lapi_requests_total\{endpoint="stream",status="403"\} [1-9]/);
    assert.match(text, /corridor_lapi_requests_total\{endpoint="stream",status="200"\} [1-9]/);
  });
});
