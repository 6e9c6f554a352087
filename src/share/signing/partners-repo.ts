// The partners table: who this node trusts, the key pinned for each, what each may receive and
// the tokens each side presents. Keys are pinned here and only here: nothing is fetched at runtime.
import { createHash, createPublicKey, type KeyObject, randomBytes } from "node:crypto";
import type { Jurisdiction } from "../../core/index.js";
import { err, ok, type Problem, type Result } from "../../core/index.js";
import type { Sql } from "../../store/database.js";
import { jsonParam, sqlState, textParam, UNIQUE_VIOLATION } from "../../store/values.js";
import { type PartnerPolicy, PartnerPolicySchema } from "../policy/partner-policy.js";
import type { PinnedKey } from "./jws.js";
import { describePublicKey } from "./keys.js";
import { isSealed, readSecret, type SecretBox, secretContext } from "./secret-box.js";

export const PARTNER_TOKEN_PREFIX = "crp_";
const PARTNER_ID = /^[a-z0-9][a-z0-9-]{0,31}$/;
const TOKEN = /^crp_[A-Za-z0-9_-]{43}$/;

export interface NewPartner {
  readonly id: string;
  readonly name: string;
  readonly jurisdiction: Jurisdiction;
  /** Their TAXII/API root. */
  readonly baseUrl: string;
  readonly publicKey: KeyObject;
  readonly policy?: PartnerPolicy | null | undefined;
  /** The token we present when calling them (they issued it). */
  readonly outboundToken?: string | null | undefined;
  readonly enabled?: boolean | undefined;
}

export interface Partner {
  readonly id: string;
  readonly name: string;
  readonly jurisdiction: Jurisdiction;
  readonly baseUrl: string;
  readonly publicKey: KeyObject;
  readonly publicKeyPem: string;
  readonly kid: string;
  readonly fingerprint: string;
  readonly addedAt: Date;
  /** null: none set, or the stored one is invalid (then `policyProblem` says why): share nothing. */
  readonly policy: PartnerPolicy | null;
  readonly policyProblem: string | null;
  /** null: none set, or the stored one cannot be opened (then `outboundTokenProblem` says why). */
  readonly outboundToken: string | null;
  readonly outboundTokenProblem: string | null;
  readonly hasInboundToken: boolean;
  readonly enabled: boolean;
}

type PartnerRow = {
  id: string;
  name: string;
  jurisdiction: string;
  base_url: string;
  public_key: string;
  kid: string;
  fingerprint: string;
  added_at: Date;
  policy: unknown;
  inbound_token_hash: string | null;
  outbound_token: string | null;
  enabled: boolean;
};

const hashToken = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");

const hasKey = (policy: unknown): policy is { pseudonymKey: string } =>
  typeof policy === "object" &&
  policy !== null &&
  typeof (policy as { pseudonymKey?: unknown }).pseudonymKey === "string";

/** The stored policy with its pseudonym key opened, or why it cannot be. */
function openPolicy(
  box: SecretBox | undefined,
  id: string,
  stored: unknown,
): { policy: unknown; problem?: string } {
  if (!hasKey(stored)) return { policy: stored };
  const key = readSecret(box, stored.pseudonymKey, secretContext(id, "pseudonym_key"));
  return key.text === null
    ? { policy: null, problem: `pseudonym key: ${key.problem}` }
    : { policy: { ...stored, pseudonymKey: key.text } };
}

/** A policy as stored: its pseudonym key sealed. */
function sealPolicy<P extends { pseudonymKey: string }>(
  box: SecretBox,
  id: string,
  policy: P | null | undefined,
): P | null {
  if (policy === null || policy === undefined) return null;
  return { ...policy, pseudonymKey: box.seal(policy.pseudonymKey, secretContext(id, "pseudonym_key")) };
}

/** An outbound token as stored: sealed. */
const sealToken = (box: SecretBox, id: string, token: string): string =>
  box.seal(token, secretContext(id, "outbound_token"));

function toPartner(r: PartnerRow, box: SecretBox | undefined): Partner {
  const opened = openPolicy(box, r.id, r.policy);
  const policy = opened.policy === null ? undefined : PartnerPolicySchema.safeParse(opened.policy);
  const token =
    r.outbound_token === null
      ? undefined
      : readSecret(box, r.outbound_token, secretContext(r.id, "outbound_token"));
  return {
    id: r.id,
    name: r.name,
    jurisdiction: r.jurisdiction,
    baseUrl: r.base_url,
    publicKey: createPublicKey(r.public_key),
    publicKeyPem: r.public_key,
    kid: r.kid,
    fingerprint: r.fingerprint,
    addedAt: r.added_at,
    policy: policy?.success ? policy.data : null,
    policyProblem:
      opened.problem ??
      (policy === undefined || policy.success ? null : policy.error.issues.map((i) => i.message).join("; ")),
    outboundToken: token?.text ?? null,
    outboundTokenProblem: token?.problem ? `outbound token: ${token.problem}` : null,
    hasInboundToken: r.inbound_token_hash !== null,
    enabled: r.enabled,
  };
}

function checkPolicy(
  id: string,
  jurisdiction: string,
  policy: PartnerPolicy | null | undefined,
): Problem | undefined {
  if (policy === null || policy === undefined) return undefined;
  const parsed = PartnerPolicySchema.safeParse(policy);
  if (!parsed.success)
    return { code: "partner.policy-invalid", message: parsed.error.issues.map((i) => i.message).join("; ") };
  if (policy.partner !== id || policy.jurisdiction !== jurisdiction)
    return {
      code: "partner.policy-mismatch",
      message: `the policy is for ${policy.partner} (${policy.jurisdiction}), the partner is ${id} (${jurisdiction})`,
    };
  return undefined;
}

/**
 * Pins a partner's key. Fails with partner.exists when the id is taken (remove it first). Its
 * outbound token and pseudonym key are stored sealed by `box` (the node's, see SecretBox).
 */
export async function addPartner(
  sql: Sql,
  box: SecretBox,
  p: NewPartner,
  now: Date,
): Promise<Result<Partner, Problem>> {
  if (!PARTNER_ID.test(p.id))
    return err({ code: "partner.invalid", message: "a partner id is lower-case letters, digits and dashes" });
  if (!/^[A-Z]{2}$/.test(p.jurisdiction))
    return err({ code: "partner.invalid", message: "a jurisdiction is an ISO country code such as DE" });
  if (!/^https?:\/\/[^\s]+$/.test(p.baseUrl))
    return err({ code: "partner.invalid", message: "the partner's URL must be http:// or https://" });
  if (p.publicKey.asymmetricKeyType !== "ed25519")
    return err({ code: "partner.invalid", message: "partner keys are Ed25519" });
  const problem = checkPolicy(p.id, p.jurisdiction, p.policy);
  if (problem !== undefined) return err(problem);
  const info = describePublicKey(p.publicKey);
  try {
    const { rows } = await sql.query<PartnerRow>(
      `INSERT INTO partners (id, name, jurisdiction, base_url, public_key, kid, fingerprint, added_at, policy,
                             outbound_token, enabled)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11)
       RETURNING *`,
      [
        p.id,
        textParam(p.name),
        p.jurisdiction,
        p.baseUrl,
        info.pem,
        info.kid,
        info.fingerprint,
        now.toISOString(),
        jsonParam(sealPolicy(box, p.id, p.policy)),
        p.outboundToken ? sealToken(box, p.id, p.outboundToken) : null,
        p.enabled ?? true,
      ],
    );
    return ok(toPartner(rows[0]!, box));
  } catch (e) {
    if (sqlState(e) === UNIQUE_VIOLATION)
      return err({
        code: "partner.exists",
        message: `partner ${p.id} exists: remove it first to pin a new key`,
      });
    throw e;
  }
}

/** A partner; without `box` (no node key loaded), its sealed secrets read as null with a problem. */
export async function getPartner(
  sql: Sql,
  box: SecretBox | undefined,
  id: string,
): Promise<Partner | undefined> {
  const { rows } = await sql.query<PartnerRow>("SELECT * FROM partners WHERE id = $1", [id]);
  return rows[0] === undefined ? undefined : toPartner(rows[0], box);
}

export async function listPartners(
  sql: Sql,
  box: SecretBox | undefined,
  opts: { readonly enabledOnly?: boolean } = {},
): Promise<Partner[]> {
  const { rows } = await sql.query<PartnerRow>(
    `SELECT * FROM partners ${opts.enabledOnly === true ? "WHERE enabled" : ""} ORDER BY id`,
  );
  return rows.map((r) => toPartner(r, box));
}

/** Unpins a partner; its replay-cache entries go with it. False when there was none. */
export async function removePartner(sql: Sql, id: string): Promise<boolean> {
  const r = await sql.query("DELETE FROM partners WHERE id = $1", [id]);
  if (r.rowCount === 0) return false;
  await sql.query("DELETE FROM seen_nonces WHERE partner = $1", [id]);
  return true;
}

/** Keys of enabled partners, for verifyEnvelope: a disabled partner is an unknown one. */
export async function pinnedKeys(sql: Sql): Promise<Map<string, PinnedKey>> {
  const { rows } = await sql.query<{ id: string; kid: string; public_key: string }>(
    "SELECT id, kid, public_key FROM partners WHERE enabled",
  );
  return new Map(rows.map((r) => [r.id, { kid: r.kid, publicKey: createPublicKey(r.public_key) }]));
}

export async function setPartnerEnabled(sql: Sql, id: string, enabled: boolean): Promise<boolean> {
  const r = await sql.query("UPDATE partners SET enabled = $2 WHERE id = $1", [id, enabled]);
  return r.rowCount > 0;
}

export async function setPartnerPolicy(
  sql: Sql,
  box: SecretBox,
  id: string,
  policy: PartnerPolicy | null,
): Promise<Result<true, Problem>> {
  const current = await getPartner(sql, box, id);
  if (current === undefined) return err({ code: "partner.not-found", message: `no partner ${id}` });
  const problem = checkPolicy(id, current.jurisdiction, policy);
  if (problem !== undefined) return err(problem);
  await sql.query("UPDATE partners SET policy = $2::jsonb WHERE id = $1", [
    id,
    jsonParam(sealPolicy(box, id, policy)),
  ]);
  return ok(true);
}

export async function setOutboundToken(
  sql: Sql,
  box: SecretBox,
  id: string,
  token: string | null,
): Promise<boolean> {
  const sealed = token === null ? null : sealToken(box, id, token);
  const r = await sql.query("UPDATE partners SET outbound_token = $2 WHERE id = $1", [id, sealed]);
  return r.rowCount > 0;
}

/**
 * Seals the partner secrets stored in clear (by a release before sealing): run when the node key
 * is loaded. Returns how many partners it changed.
 */
export async function sealPartnerSecrets(sql: Sql, box: SecretBox): Promise<number> {
  const { rows } = await sql.query<Pick<PartnerRow, "id" | "outbound_token" | "policy">>(
    "SELECT id, outbound_token, policy FROM partners ORDER BY id",
  );
  let changed = 0;
  for (const r of rows) {
    const token = r.outbound_token !== null && !isSealed(r.outbound_token) ? r.outbound_token : undefined;
    const policy = hasKey(r.policy) && !isSealed(r.policy.pseudonymKey) ? r.policy : undefined;
    if (token === undefined && policy === undefined) continue;
    await sql.query("UPDATE partners SET outbound_token = $2, policy = $3::jsonb WHERE id = $1", [
      r.id,
      token === undefined ? r.outbound_token : sealToken(box, r.id, token),
      jsonParam(policy === undefined ? r.policy : sealPolicy(box, r.id, policy)),
    ]);
    changed++;
  }
  return changed;
}

/** A new token for the partner to call us with, replacing any previous one; shown once, stored hashed. */
export async function issueInboundToken(sql: Sql, id: string): Promise<string | undefined> {
  const token = PARTNER_TOKEN_PREFIX + randomBytes(32).toString("base64url");
  const r = await sql.query("UPDATE partners SET inbound_token_hash = $2 WHERE id = $1", [
    id,
    hashToken(token),
  ]);
  return r.rowCount > 0 ? token : undefined;
}

/** The enabled partner presenting this token, if any. */
export async function partnerByInboundToken(
  sql: Sql,
  box: SecretBox | undefined,
  token: string,
): Promise<Partner | undefined> {
  if (!TOKEN.test(token)) return undefined;
  const { rows } = await sql.query<PartnerRow>(
    "SELECT * FROM partners WHERE inbound_token_hash = $1 AND enabled",
    [hashToken(token)],
  );
  return rows[0] === undefined ? undefined : toPartner(rows[0], box);
}
