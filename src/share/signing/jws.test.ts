import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import type { Envelope, SignedEnvelope } from "./envelope.js";
import { newEnvelope } from "./envelope.js";
import { type PinnedKey, signEnvelope, type VerifyOptions, verifyEnvelope } from "./jws.js";
import { describePublicKey, generateKeyPair } from "./keys.js";
import { MemoryNonceStore } from "./nonce-store.js";

const fr = generateKeyPair();
const frInfo = describePublicKey(fr.publicKey);
const other = generateKeyPair();
const otherInfo = describePublicKey(other.publicKey);
const NOW = new Date("2026-11-20T08:00:00.000Z");

const bundle = {
  type: "bundle",
  id: "bundle--6f8b3a2e-1c4d-4e5f-8a9b-0c1d2e3f4a5b",
  objects: [{ type: "indicator", id: "indicator--1", pattern: "[ipv4-addr:value = '203.0.113.66']", n: 1.5 }],
};
const envelope = (over: Partial<Envelope> = {}): Envelope => ({
  ...newEnvelope({ from: "fr", to: "de", kid: frInfo.kid, payload: bundle }, NOW),
  ...over,
});
const pins = (): Map<string, PinnedKey> => new Map([["fr", { kid: frInfo.kid, publicKey: fr.publicKey }]]);
const opts = (over: Partial<VerifyOptions> = {}): VerifyOptions => ({
  pinnedKeys: pins(),
  expectedTo: "de",
  now: new Date(NOW.getTime() + 1000),
  seenNonces: new MemoryNonceStore(),
  ...over,
});
const code = async (signed: unknown, o = opts()) => {
  const r = await verifyEnvelope(signed, o);
  return r.ok ? "ok" : r.error.code;
};
/** What the wire does to it. */
const wire = (s: SignedEnvelope): unknown => JSON.parse(JSON.stringify(s));

describe("signed envelopes", () => {
  it("round trip: a signed envelope verifies and comes back equal", async () => {
    const signed = signEnvelope(envelope(), fr.privateKey);
    const [h, p, s] = signed.signature.split(".");
    assert.equal(p, "", "detached payload");
    assert.deepEqual(JSON.parse(Buffer.from(h!, "base64url").toString()), {
      alg: "EdDSA",
      kid: frInfo.kid,
      typ: "corridor-envelope+jws",
    });
    assert.equal(Buffer.from(s!, "base64url").length, 64);
    const r = await verifyEnvelope(wire(signed), opts());
    assert.deepEqual(r, { ok: true, value: signed.envelope });
  });

  it("refuses a payload changed by one bit", async () => {
    const signed = signEnvelope(envelope(), fr.privateKey);
    const text = JSON.stringify(signed).replace("203.0.113.66", "203.0.113.67");
    assert.equal(await code(JSON.parse(text)), "bad-signature");
  });

  it("refuses a signature flipped by one bit", async () => {
    const signed = signEnvelope(envelope(), fr.privateKey);
    const [h, , s] = signed.signature.split(".");
    const sig = Buffer.from(s!, "base64url");
    sig[10]! ^= 1;
    assert.equal(await code({ ...signed, signature: `${h}..${sig.toString("base64url")}` }), "bad-signature");
    assert.equal(
      await code({ ...signed, signature: `${h}..${sig.subarray(1).toString("base64url")}` }),
      "bad-signature",
    );
  });

  it("refuses a signature by another key, announced or disguised", async () => {
    const byOther = signEnvelope(envelope({ kid: otherInfo.kid }), other.privateKey);
    assert.equal(await code(byOther), "wrong-key");
    // The forger claims the pinned kid: the signature then fails.
    const claimed = envelope();
    const header = Buffer.from(
      JSON.stringify({ alg: "EdDSA", kid: frInfo.kid, typ: "corridor-envelope+jws" }),
    ).toString("base64url");
    const { sign } = await import("node:crypto");
    const { canonicalJson } = await import("../../audit/canonical-json.js");
    const forged = sign(
      null,
      Buffer.from(`${header}.${Buffer.from(canonicalJson(claimed)).toString("base64url")}`),
      other.privateKey,
    );
    assert.equal(
      await code({ envelope: claimed, signature: `${header}..${forged.toString("base64url")}` }),
      "bad-signature",
    );
  });

  it("refuses unsigned envelopes, unknown partners and malformed ones", async () => {
    const signed = signEnvelope(envelope(), fr.privateKey);
    assert.equal(await code({ envelope: signed.envelope }), "unsigned");
    assert.equal(await code({ envelope: signed.envelope, signature: "" }), "unsigned");
    assert.equal(await code(signed, opts({ pinnedKeys: new Map() })), "unknown-partner");
    assert.equal(await code("nope"), "malformed");
    assert.equal(await code({ ...signed, envelope: { ...signed.envelope, v: 2 } }), "malformed");
    assert.equal(await code({ ...signed, envelope: { ...signed.envelope, extra: 1 } }), "malformed");
    assert.equal(await code({ ...signed, signature: "abc" }), "malformed");
    const [h, , s] = signed.signature.split(".");
    assert.equal(await code({ ...signed, signature: `${h}.eyJ4IjoxfQ.${s}` }), "malformed");
    const none = Buffer.from(
      JSON.stringify({ alg: "none", kid: frInfo.kid, typ: "corridor-envelope+jws" }),
    ).toString("base64url");
    assert.equal(await code({ ...signed, signature: `${none}..${s}` }), "malformed");
    const crit = Buffer.from(
      JSON.stringify({
        alg: "EdDSA",
        kid: frInfo.kid,
        typ: "corridor-envelope+jws",
        crit: ["b64"],
        b64: false,
      }),
    ).toString("base64url");
    assert.equal(await code({ ...signed, signature: `${crit}..${s}` }), "malformed");
    const otherKid = Buffer.from(
      JSON.stringify({ alg: "EdDSA", kid: otherInfo.kid, typ: "corridor-envelope+jws" }),
    ).toString("base64url");
    assert.equal(await code({ ...signed, signature: `${otherKid}..${s}` }), "tampered");
  });

  it("refuses a replay, a stale or future envelope, and one for another node", async () => {
    const signed = wire(signEnvelope(envelope(), fr.privateKey));
    const o = opts();
    assert.equal(await code(signed, o), "ok");
    assert.equal(await code(signed, o), "replayed");
    const fresh = signEnvelope(envelope(), fr.privateKey);
    assert.equal(await code(fresh, opts({ now: new Date(NOW.getTime() + 5 * 60_000 + 1) })), "stale");
    assert.equal(await code(fresh, opts({ now: new Date(NOW.getTime() - 5 * 60_000 - 1) })), "stale");
    assert.equal(
      await code(fresh, opts({ now: new Date(NOW.getTime() + 60_000), maxSkewMs: 30_000 })),
      "stale",
    );
    assert.equal(await code(fresh, opts({ expectedTo: "it" })), "not-for-us");
  });

  it("a refused envelope does not burn its nonce", async () => {
    const signed = signEnvelope(envelope(), fr.privateKey);
    const nonces = new MemoryNonceStore();
    const tampered = { ...signed, envelope: { ...signed.envelope, payload: { x: 1 } } };
    assert.equal(await code(tampered, opts({ seenNonces: nonces })), "bad-signature");
    assert.equal(await code(signed, opts({ seenNonces: nonces })), "ok");
    assert.equal(nonces.size, 1);
    assert.equal(await nonces.purge(new Date(NOW.getTime() + 5 * 60_000 - 1)), 0);
    assert.equal(await nonces.purge(new Date(NOW.getTime() + 5 * 60_000 + 1)), 1);
  });

  it("signing refuses an envelope whose kid is not the signing key's", () => {
    assert.throws(() => signEnvelope(envelope({ kid: otherInfo.kid }), fr.privateKey), /kid/);
  });
});

/** A JSON value with its keys in another order, everywhere. */
function reorder(v: unknown, seed: number): unknown {
  if (Array.isArray(v)) return v.map((x, i) => reorder(x, seed + i));
  if (v !== null && typeof v === "object") {
    const entries = Object.entries(v).map(([k, x], i) => [k, reorder(x, seed + i)] as const);
    // Sorted one way or the other: both differ from the order the envelope was built in.
    entries.sort((a, b) => (a[0] < b[0] ? -1 : 1) * (seed % 2 === 0 ? -1 : 1));
    return Object.fromEntries(entries);
  }
  return v;
}

describe("signed envelope properties", () => {
  const payload = fc
    .jsonValue({ maxDepth: 3 })
    .map((v) => JSON.parse(JSON.stringify(v)) as Envelope["payload"]);

  it("key order never matters", async () => {
    await fc.assert(
      fc.asyncProperty(payload, fc.nat(), async (p, seed) => {
        const signed = signEnvelope(envelope({ payload: p }), fr.privateKey);
        const shuffled = {
          envelope: reorder((wire(signed) as { envelope: unknown }).envelope, seed),
          signature: signed.signature,
        };
        assert.notEqual(JSON.stringify(shuffled.envelope), JSON.stringify(signed.envelope));
        assert.equal(await code(shuffled), "ok");
      }),
      { numRuns: 100 },
    );
  });

  it("any change to any field fails verification", async () => {
    const mutation = fc.oneof(
      fc.record({ field: fc.constant("from"), value: fc.constantFrom("de", "it", "fr2") }),
      fc.record({ field: fc.constant("to"), value: fc.constantFrom("fr", "it", "de2") }),
      fc.record({ field: fc.constant("kid"), value: fc.constant(otherInfo.kid) }),
      fc.record({ field: fc.constant("v"), value: fc.constantFrom(0, 2, "1") }),
      fc.record({
        field: fc.constant("issuedAt"),
        value: fc.integer({ min: 1, max: 200_000 }).map((ms) => new Date(NOW.getTime() + ms).toISOString()),
      }),
      fc.record({ field: fc.constant("nonce"), value: fc.stringMatching(/^[A-Za-z0-9_-]{22}$/) }),
      fc.record({ field: fc.constant("payload"), value: payload }),
    );
    await fc.assert(
      fc.asyncProperty(payload, mutation, async (p, m) => {
        const signed = signEnvelope(envelope({ payload: p }), fr.privateKey);
        const before = (signed.envelope as Record<string, unknown>)[m.field];
        fc.pre(JSON.stringify(before) !== JSON.stringify(m.value));
        const changed = { ...signed, envelope: { ...signed.envelope, [m.field]: m.value } };
        const r = await verifyEnvelope(wire(changed as SignedEnvelope), opts({ now: NOW }));
        assert.equal(r.ok, false, `${m.field} changed and still verified`);
      }),
      { numRuns: 300 },
    );
  });
});
