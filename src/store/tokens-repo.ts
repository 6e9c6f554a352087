// API tokens: a random secret shown once; only its sha256 is stored. Authentication looks the
// hash up, so timing reveals nothing about stored secrets.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { ClassificationLevel, Jurisdiction } from "../core/marking.js";
import type { Principal, Role } from "../core/soc.js";
import type { Sql } from "./database.js";
import { isUuid, textParam } from "./values.js";

export const TOKEN_PREFIX = "crd_";
/** last_used_at is refreshed at most this often, so authentication is not a write per request. */
export const LAST_USED_RESOLUTION_MS = 60_000;

const SECRET = /^crd_[A-Za-z0-9_-]{43}$/;

export interface NewToken {
  readonly name: string;
  readonly role: Role;
  readonly clearance: ClassificationLevel;
  readonly nationality: Jurisdiction;
}

export interface TokenInfo extends NewToken {
  readonly id: string;
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
  readonly lastUsedAt: Date | null;
}

type TokenRow = {
  id: string;
  name: string;
  role: Role;
  clearance: ClassificationLevel;
  nationality: Jurisdiction;
  created_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
};

const COLUMNS = "id, name, role, clearance, nationality, created_at, revoked_at, last_used_at";

function hashSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** Creates a token; the secret is in the result only, never stored. */
export async function createToken(sql: Sql, t: NewToken, now: Date): Promise<{ id: string; secret: string }> {
  const id = randomUUID();
  const secret = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  await sql.query(
    `INSERT INTO tokens (id, name, role, clearance, nationality, secret_hash, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [id, textParam(t.name), t.role, t.clearance, t.nationality, hashSecret(secret), now.toISOString()],
  );
  return { id, secret };
}

/** The principal a presented secret stands for, or null (unknown, malformed or revoked). */
export async function authenticate(sql: Sql, secret: string, now: Date): Promise<Principal | null> {
  if (!SECRET.test(secret)) return null;
  const { rows } = await sql.query<TokenRow>(
    `SELECT ${COLUMNS} FROM tokens WHERE secret_hash = $1 AND revoked_at IS NULL`,
    [hashSecret(secret)],
  );
  const r = rows[0];
  if (r === undefined) return null;
  if (r.last_used_at === null || now.getTime() - r.last_used_at.getTime() >= LAST_USED_RESOLUTION_MS) {
    // Guarded so concurrent requests write at most once per resolution window.
    await sql.query(
      `UPDATE tokens SET last_used_at = $2
       WHERE id = $1 AND (last_used_at IS NULL OR last_used_at <= $3::timestamptz)`,
      [r.id, now.toISOString(), new Date(now.getTime() - LAST_USED_RESOLUTION_MS).toISOString()],
    );
  }
  return { tokenId: r.id, name: r.name, role: r.role, clearance: r.clearance, nationality: r.nationality };
}

/** Revokes a token; false when there is no such live token. */
export async function revokeToken(sql: Sql, id: string, now: Date): Promise<boolean> {
  if (!isUuid(id)) return false;
  const r = await sql.query("UPDATE tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL", [
    id,
    now.toISOString(),
  ]);
  return r.rowCount > 0;
}

/** Every token, newest first, without secrets or hashes. */
export async function listTokens(
  sql: Sql,
  opts: { readonly includeRevoked?: boolean } = {},
): Promise<TokenInfo[]> {
  const { rows } = await sql.query<TokenRow>(
    `SELECT ${COLUMNS} FROM tokens ${opts.includeRevoked === false ? "WHERE revoked_at IS NULL" : ""}
     ORDER BY created_at DESC, id DESC`,
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    role: r.role,
    clearance: r.clearance,
    nationality: r.nationality,
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
    lastUsedAt: r.last_used_at,
  }));
}
