// Bouncers: the firewall agents that poll the decision stream. Each has an API key (shown once,
// kept as SHA-256), a cursor into the decisions' change sequence, and per-bouncer options.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { err, ok, type Problem, type Result } from "../core/index.js";
import type { Sql } from "../store/database.js";
import { sqlState, UNIQUE_VIOLATION } from "../store/values.js";
import { activeDecisions } from "./decisions.js";
import { tooWideToExpand } from "./lapi-format.js";

export interface Bouncer {
  readonly id: string;
  readonly name: string;
  /** Ranges go out as single addresses (see MAX_EXPANDED_ADDRESSES); wider ones are withheld. */
  readonly expandRanges: boolean;
  readonly createdAt: Date;
  /** Last stream poll, or null before the first. */
  readonly lastPull: Date | null;
  /** Change sequence number this bouncer has been sent up to. */
  readonly cursor: number;
  readonly pulls: number;
  readonly userAgent: string | null;
}

export interface NewBouncer {
  readonly name: string;
  readonly expandRanges?: boolean | undefined;
}

type Row = {
  id: string;
  name: string;
  expand_ranges: boolean;
  created_at: Date;
  last_pull: Date | null;
  cursor: number;
  pulls: number;
  user_agent: string | null;
};

const COLUMNS = 'id, name, expand_ranges, created_at, last_pull, "cursor", pulls, user_agent';
const toBouncer = (r: Row): Bouncer => ({
  id: r.id,
  name: r.name,
  expandRanges: r.expand_ranges,
  createdAt: r.created_at,
  lastPull: r.last_pull,
  cursor: Number(r.cursor),
  pulls: Number(r.pulls),
  userAgent: r.user_agent,
});

export const BOUNCER_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

export const hashApiKey = (key: string): string => createHash("sha256").update(key, "utf8").digest("hex");

/**
 * Registers a bouncer. The key (48 hex characters: safe unquoted in the bouncer's YAML) is in the
 * result only. `warnings` says what this bouncer will not receive (ranges too wide to expand).
 */
export async function addBouncer(
  sql: Sql,
  b: NewBouncer,
  now: Date,
): Promise<Result<{ bouncer: Bouncer; apiKey: string; warnings: string[] }, Problem>> {
  if (!BOUNCER_NAME.test(b.name))
    return err({
      code: "invalid-name",
      message: `bouncer name '${b.name}': 1-64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit`,
    });
  const apiKey = randomBytes(24).toString("hex");
  let rows: Row[];
  try {
    ({ rows } = await sql.query<Row>(
      `INSERT INTO bouncers (id, name, api_key_hash, expand_ranges, created_at)
       VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
      [randomUUID(), b.name, hashApiKey(apiKey), b.expandRanges === true, now.toISOString()],
    ));
  } catch (e) {
    if (sqlState(e) === UNIQUE_VIOLATION)
      return err({ code: "name-taken", message: `a bouncer named '${b.name}' exists` });
    throw e;
  }
  const warnings: string[] = [];
  if (b.expandRanges) {
    const wide = (await activeDecisions(sql, now)).filter(tooWideToExpand);
    warnings.push(
      `ranges wider than /24 (IPv4) or /120 (IPv6) are not sent to this bouncer (it gets ranges as single addresses); enforce them upstream${
        wide.length > 0
          ? `: ${wide.length} in force now (${wide
              .slice(0, 3)
              .map((d) => d.value)
              .join(", ")}${wide.length > 3 ? ", ..." : ""})`
          : ""
      }`,
    );
  }
  return ok({ bouncer: toBouncer(rows[0]!), apiKey, warnings });
}

export async function listBouncers(sql: Sql): Promise<Bouncer[]> {
  const { rows } = await sql.query<Row>(`SELECT ${COLUMNS} FROM bouncers ORDER BY name`);
  return rows.map(toBouncer);
}

/** Removes a bouncer (its key stops working at once). False when there is none by that name. */
export async function deleteBouncer(sql: Sql, name: string): Promise<boolean> {
  const { rowCount } = await sql.query("DELETE FROM bouncers WHERE name = $1", [name]);
  return rowCount > 0;
}

/** The bouncer a presented key belongs to. Looked up by hash, so timing reveals nothing of keys. */
export async function bouncerByKey(sql: Sql, apiKey: string): Promise<Bouncer | undefined> {
  if (apiKey === "" || apiKey.length > 512) return undefined;
  const { rows } = await sql.query<Row>(`SELECT ${COLUMNS} FROM bouncers WHERE api_key_hash = $1`, [
    hashApiKey(apiKey),
  ]);
  return rows[0] ? toBouncer(rows[0]) : undefined;
}

/** Records a poll: the new cursor (stream polls only), the time and the bouncer's user agent. */
export async function recordPull(
  sql: Sql,
  id: string,
  pull: { readonly cursor?: number; readonly userAgent?: string | undefined },
  now: Date,
): Promise<void> {
  await sql.query(
    `UPDATE bouncers SET last_pull = $2, pulls = pulls + 1, "cursor" = COALESCE($3, "cursor"),
       user_agent = COALESCE($4, user_agent) WHERE id = $1`,
    [id, now.toISOString(), pull.cursor ?? null, pull.userAgent?.slice(0, 200) ?? null],
  );
}
