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
  sealPartnerSecrets,
  setOutboundToken,
  setPartnerEnabled,
  setPartnerPolicy,
} from "./partners-repo.js";
import { SecretBox } from "./secret-box.js";

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
  /** This node's box: its own key, not the partner's. */
  const box = SecretBox.fromNodeKey(generateKeyPair().privateKey);

  it("adds, reads, lists and removes partners, keeping the key and policy intact", async () => {
    const added = await addPartner(
      db,
      box,
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
    const got = await getPartner(db, box, "de");
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
          box,
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
      (await listPartners(db, box)).map((p) => p.id),
      ["de", "it"],
    );
    assert.equal((await getPartner(db, box, "it"))?.policy, null);
    assert.equal(await removePartner(db, "it"), true);
    assert.equal(await removePartner(db, "it"), false);
    assert.equal(await getPartner(db, box, "it"), undefined);
  });

  it("refuses a second pin for the same id, bad input and a policy for someone else", async () => {
    const code = async (p: Parameters<typeof addPartner>[2]) => {
      const r = await addPartner(db, box, p, NOW);
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
    assert.equal((await partnerByInboundToken(db, box, token!))?.id, "de");
    const wrong = `${token!.slice(0, -1)}${token!.endsWith("A") ? "B" : "A"}`;
    assert.equal(await partnerByInboundToken(db, box, wrong), undefined);
    const { rows } = await db.query<{ inbound_token_hash: string }>(
      "SELECT inbound_token_hash FROM partners WHERE id = 'de'",
    );
    assert.notEqual(rows[0]?.inbound_token_hash, token);
    await setPartnerEnabled(db, "de", false);
    assert.equal(await partnerByInboundToken(db, box, token!), undefined);
    await setPartnerEnabled(db, "de", true);
    assert.equal(await issueInboundToken(db, "nobody"), undefined);
    assert.equal(await setOutboundToken(db, box, "de", "crp_theirs"), true);
    assert.equal((await getPartner(db, box, "de"))?.outboundToken, "crp_theirs");
  });

  it("updates the policy, validated, and reads a damaged stored policy as none", async () => {
    const r = await setPartnerPolicy(db, box, "de", policy({ maxTlp: "green" }));
    assert.ok(r.ok);
    assert.equal((await getPartner(db, box, "de"))?.policy?.maxTlp, "green");
    const bad = await setPartnerPolicy(db, box, "de", policy({ partner: "it" }));
    assert.equal(bad.ok ? "ok" : bad.error.code, "partner.policy-mismatch");
    await db.query(`UPDATE partners SET policy = '{"maxTlp":"red"}'::jsonb WHERE id = 'de'`);
    const damaged = await getPartner(db, box, "de");
    assert.equal(damaged?.policy, null);
    assert.ok((damaged?.policyProblem ?? "").length > 0);
  });

  it("keeps the outbound token and the pseudonym key sealed at rest, bound to their partner", async () => {
    assert.ok((await setPartnerPolicy(db, box, "de", policy())).ok);
    assert.equal(await setOutboundToken(db, box, "de", "crp_theirs"), true);
    const raw = async (id: string) =>
      (
        await db.query<{ token: string | null; key: string | null }>(
          "SELECT outbound_token AS token, policy->>'pseudonymKey' AS key FROM partners WHERE id = $1",
          [id],
        )
      ).rows[0];
    const stored = await raw("de");
    assert.match(stored?.token ?? "", /^enc:v1:/);
    assert.match(stored?.key ?? "", /^enc:v1:/);
    assert.ok(!stored?.token?.includes("crp_theirs"));
    assert.notEqual(stored?.key, policy().pseudonymKey);
    const mine = await getPartner(db, box, "de");
    assert.equal(mine?.outboundToken, "crp_theirs");
    assert.equal(mine?.policy?.pseudonymKey, policy().pseudonymKey);
    // another node key (replaced, or another node's database): nothing opens, nothing is shared
    const other = await getPartner(db, SecretBox.fromNodeKey(generateKeyPair().privateKey), "de");
    assert.equal(other?.outboundToken, null);
    assert.match(other?.outboundTokenProblem ?? "", /outbound token: it was not sealed with this node's key/);
    assert.equal(other?.policy, null);
    assert.match(other?.policyProblem ?? "", /^pseudonym key: /);
    const keyless = await getPartner(db, undefined, "de");
    assert.equal(keyless?.outboundToken, null);
    assert.match(keyless?.outboundTokenProblem ?? "", /not loaded/);
    // a sealed value copied to another partner's row does not open there
    const fr = {
      id: "fr",
      name: "FR",
      jurisdiction: "FR",
      baseUrl: "http://fr",
      publicKey: generateKeyPair().publicKey,
    };
    assert.ok((await addPartner(db, box, fr, NOW)).ok);
    await db.query("UPDATE partners SET outbound_token = $1 WHERE id = 'fr'", [stored?.token]);
    assert.equal((await getPartner(db, box, "fr"))?.outboundToken, null);
    // secrets written in clear by a release before sealing: read as they are, sealed on start
    const clearPolicy = { ...policy(), partner: "fr", jurisdiction: "FR", maxClassification: "DR" };
    await db.query("UPDATE partners SET outbound_token = 'crp_legacy', policy = $1::jsonb WHERE id = 'fr'", [
      JSON.stringify(clearPolicy),
    ]);
    const legacy = await getPartner(db, box, "fr");
    assert.equal(legacy?.outboundToken, "crp_legacy");
    assert.equal(legacy?.policy?.pseudonymKey, policy().pseudonymKey);
    assert.equal(await sealPartnerSecrets(db, box), 1);
    assert.equal(await sealPartnerSecrets(db, box), 0);
    assert.match((await raw("fr"))?.token ?? "", /^enc:v1:/);
    assert.match((await raw("fr"))?.key ?? "", /^enc:v1:/);
    const resealed = await getPartner(db, box, "fr");
    assert.equal(resealed?.outboundToken, "crp_legacy");
    assert.deepEqual(resealed?.policy, legacy?.policy);
    assert.equal(await removePartner(db, "fr"), true);
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
