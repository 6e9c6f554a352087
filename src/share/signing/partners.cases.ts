// The partners repository and the database replay cache, as a contract run on every store backend.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import type { Database } from "../../store/database.js";
import { type PartnerPolicy, PartnerPolicySchema } from "../policy/partner-policy.js";
import { newEnvelope } from "./envelope.js";
import { signEnvelope, verifyEnvelope } from "./jws.js";
import { describePublicKey, generateKeyPair } from "./keys.js";
import { DatabaseNonceStore } from "./nonce-store.js";
import {
  addPartner,
  getPartner,
  issueInboundToken,
  listPartners,
  partnerByInboundToken,
  pinnedKeys,
  removePartner,
  setOutboundToken,
  setPartnerEnabled,
  setPartnerPolicy,
} from "./partners-repo.js";

const NOW = new Date("2026-11-20T08:00:00.000Z");
const policy = (over: Partial<PartnerPolicy> = {}): PartnerPolicy =>
  PartnerPolicySchema.parse({
    partner: "de",
    jurisdiction: "DE",
    allowedKinds: ["indicator", "sighting"],
    maxTlp: "amber",
    maxClassification: "VS-NfD",
    personalData: "pseudonymise",
    pseudonymKey: Buffer.alloc(32, 3).toString("base64"),
    ...over,
  });

export function partnersCases(open: () => Promise<Database>): void {
  let db: Database;
  before(async () => {
    db = await open();
  });
  after(async () => {
    await db.close();
  });

  const de = generateKeyPair();
  const deInfo = describePublicKey(de.publicKey);

  it("adds, reads, lists and removes partners, keeping the key and policy intact", async () => {
    const added = await addPartner(
      db,
      {
        id: "de",
        name: "BSI-like CDC",
        jurisdiction: "DE",
        baseUrl: "http://127.0.0.1:8442",
        publicKey: de.publicKey,
        policy: policy(),
      },
      NOW,
    );
    assert.ok(added.ok, JSON.stringify(added));
    assert.equal(added.value.fingerprint, deInfo.fingerprint);
    assert.equal(added.value.kid, deInfo.kid);
    const got = await getPartner(db, "de");
    assert.ok(got);
    assert.equal(got.name, "BSI-like CDC");
    assert.equal(got.baseUrl, "http://127.0.0.1:8442");
    assert.equal(got.addedAt.toISOString(), NOW.toISOString());
    assert.deepEqual(got.policy, policy());
    assert.equal(got.policyProblem, null);
    assert.equal(describePublicKey(got.publicKey).fingerprint, deInfo.fingerprint);
    assert.equal(got.enabled, true);
    assert.equal(got.hasInboundToken, false);

    const it2 = generateKeyPair();
    assert.ok(
      (
        await addPartner(
          db,
          {
            id: "it",
            name: "IT",
            jurisdiction: "IT",
            baseUrl: "https://it.example",
            publicKey: it2.publicKey,
          },
          NOW,
        )
      ).ok,
    );
    assert.deepEqual(
      (await listPartners(db)).map((p) => p.id),
      ["de", "it"],
    );
    assert.equal((await getPartner(db, "it"))?.policy, null);
    assert.equal(await removePartner(db, "it"), true);
    assert.equal(await removePartner(db, "it"), false);
    assert.equal(await getPartner(db, "it"), undefined);
  });

  it("refuses a second pin for the same id, bad input and a policy for someone else", async () => {
    const code = async (p: Parameters<typeof addPartner>[1]) => {
      const r = await addPartner(db, p, NOW);
      return r.ok ? "ok" : r.error.code;
    };
    const base = {
      id: "de",
      name: "x",
      jurisdiction: "DE",
      baseUrl: "http://h",
      publicKey: generateKeyPair().publicKey,
    };
    assert.equal(await code(base), "partner.exists");
    assert.equal(await code({ ...base, id: "NL" }), "partner.invalid");
    assert.equal(await code({ ...base, id: "nl", baseUrl: "ftp://x" }), "partner.invalid");
    assert.equal(
      await code({ ...base, id: "nl", jurisdiction: "NL", policy: policy() }),
      "partner.policy-mismatch",
    );
    assert.equal(
      await code({
        ...base,
        id: "nl",
        jurisdiction: "NL",
        policy: { ...policy(), partner: "nl", jurisdiction: "NL" },
      }),
      "partner.policy-invalid",
    );
  });

  it("pins the keys of enabled partners only; they verify envelopes", async () => {
    const pins = await pinnedKeys(db);
    assert.deepEqual([...pins.keys()], ["de"]);
    const signed = signEnvelope(
      newEnvelope({ from: "de", to: "fr", kid: deInfo.kid, payload: { hello: "fr" } }, NOW),
      de.privateKey,
    );
    const nonces = new DatabaseNonceStore(db);
    const verify = () =>
      verifyEnvelope(JSON.parse(JSON.stringify(signed)), {
        pinnedKeys: pins,
        expectedTo: "fr",
        now: NOW,
        seenNonces: nonces,
      });
    assert.equal((await verify()).ok, true);
    const replay = await verify();
    assert.equal(replay.ok ? "ok" : replay.error.code, "replayed");
    assert.equal(await setPartnerEnabled(db, "de", false), true);
    assert.equal((await pinnedKeys(db)).size, 0);
    assert.equal(await setPartnerEnabled(db, "de", true), true);
  });

  it("issues inbound tokens stored hashed, and keeps the outbound token", async () => {
    const token = await issueInboundToken(db, "de");
    assert.match(token ?? "", /^crp_[A-Za-z0-9_-]{43}$/);
    assert.equal((await partnerByInboundToken(db, token!))?.id, "de");
    const wrong = `${token!.slice(0, -1)}${token!.endsWith("A") ? "B" : "A"}`;
    assert.equal(await partnerByInboundToken(db, wrong), undefined);
    const { rows } = await db.query<{ inbound_token_hash: string }>(
      "SELECT inbound_token_hash FROM partners WHERE id = 'de'",
    );
    assert.notEqual(rows[0]?.inbound_token_hash, token);
    await setPartnerEnabled(db, "de", false);
    assert.equal(await partnerByInboundToken(db, token!), undefined);
    await setPartnerEnabled(db, "de", true);
    assert.equal(await issueInboundToken(db, "nobody"), undefined);
    assert.equal(await setOutboundToken(db, "de", "crp_theirs"), true);
    assert.equal((await getPartner(db, "de"))?.outboundToken, "crp_theirs");
  });

  it("updates the policy, validated, and reads a damaged stored policy as none", async () => {
    const r = await setPartnerPolicy(db, "de", policy({ maxTlp: "green" }));
    assert.ok(r.ok);
    assert.equal((await getPartner(db, "de"))?.policy?.maxTlp, "green");
    const bad = await setPartnerPolicy(db, "de", policy({ partner: "it" }));
    assert.equal(bad.ok ? "ok" : bad.error.code, "partner.policy-mismatch");
    await db.query(`UPDATE partners SET policy = '{"maxTlp":"red"}'::jsonb WHERE id = 'de'`);
    const damaged = await getPartner(db, "de");
    assert.equal(damaged?.policy, null);
    assert.ok((damaged?.policyProblem ?? "").length > 0);
  });

  it("the database replay cache admits a nonce once, under concurrency, and purges expired ones", async () => {
    const store = new DatabaseNonceStore(db);
    const results = await Promise.all(
      Array.from({ length: 8 }, () => store.remember("de", "n-concurrent", new Date(NOW.getTime() + 1000))),
    );
    assert.equal(results.filter(Boolean).length, 1);
    assert.equal(
      await store.remember("it", "n-concurrent", new Date(NOW.getTime() + 1000)),
      true,
      "nonces are per partner",
    );
    assert.equal(await store.remember("de", "n-later", new Date(NOW.getTime() + 60_000)), true);
    const purged = await store.purge(new Date(NOW.getTime() + 2000));
    assert.ok(purged >= 2);
    assert.equal(
      await store.remember("de", "n-concurrent", new Date(NOW.getTime() + 1000)),
      true,
      "forgotten after purge",
    );
    assert.equal(await store.remember("de", "n-later", new Date(NOW.getTime() + 60_000)), false);
    assert.equal(await removePartner(db, "de"), true);
    const { rows } = await db.query("SELECT 1 FROM seen_nonces WHERE partner = 'de'");
    assert.equal(rows.length, 0, "removing a partner forgets its nonces");
  });
}
