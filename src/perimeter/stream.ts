// The CrowdSec LAPI decision stream and live query as plain functions of (database, request,
// now): authentication by bouncer key, the startup snapshot, and per-bouncer deltas computed
// from the bouncer's cursor into the decisions' change sequence.
import { type Cidr, cidrContains, type IpAddress, parseCidr, parseIp, unmapIp } from "../soc/ip.js";
import { inTransaction, type Sql } from "../store/database.js";
import { type Bouncer, bouncerByKey, recordPull } from "./bouncers.js";
import {
  DECISION_COLUMNS,
  type Decision,
  type DecisionRow,
  expireDecisions,
  toDecision,
} from "./decisions.js";
import {
  type LapiDecision,
  parseStreamFilters,
  passes,
  type StreamFilters,
  toWire,
  wireKey,
} from "./lapi-format.js";

export interface LapiRequest {
  /** The X-Api-Key header, if sent. */
  readonly apiKey: string | undefined;
  /** Query parameters (first value of each). */
  readonly query: Readonly<Record<string, string | undefined>>;
  readonly userAgent?: string | undefined;
}

export interface StreamRequest extends LapiRequest {
  /** `startup=true`: the bouncer (re)starts and wants every decision in force. */
  readonly startup: boolean;
}

export interface StreamBody {
  readonly new: LapiDecision[] | null;
  readonly deleted: LapiDecision[] | null;
}

export interface LapiReply<B = unknown> {
  readonly status: number;
  readonly body: B | { readonly message: string };
  /** The authenticated bouncer's name (for logs and metrics). */
  readonly bouncer?: string;
  /** Range decisions withheld from this expanding bouncer because they are too wide. */
  readonly withheld?: number;
}

// CrowdSec answers a missing or unknown key with 403 and this body; bouncers log the message.
const FORBIDDEN = { status: 403, body: { message: "access forbidden" } } as const;

type Item = { readonly wire: LapiDecision; readonly d: Decision };

function itemsOf(
  decisions: readonly Decision[],
  b: Bouncer,
  f: StreamFilters,
  now: Date,
): { items: Item[]; withheld: number } {
  const items: Item[] = [];
  let withheld = 0;
  for (const d of decisions) {
    const w = toWire(d, { expandRanges: b.expandRanges }, now);
    if (w.withheld) {
      // Counted when the bouncer would otherwise have taken it (as addresses, scope Ip).
      const probe = toWire({ ...d, scope: "ip" }, { expandRanges: false }, now).items[0]!;
      if (passes(probe, f)) withheld++;
    }
    for (const wire of w.items) if (passes(wire, f)) items.push({ wire, d });
  }
  return { items, withheld };
}

/** The item that should stand for a key: the one in force longest (CrowdSec's dedup). */
const longest = (xs: readonly Item[]): Item =>
  xs.reduce((a, x) => (x.d.until.getTime() > a.d.until.getTime() ? x : a));

const byId = (a: LapiDecision, b: LapiDecision) => a.id - b.id || (a.value < b.value ? -1 : 1);
// Go marshals an empty slice that was never appended to as null; bouncers expect exactly that.
const orNull = (xs: LapiDecision[]): LapiDecision[] | null => (xs.length === 0 ? null : xs.sort(byId));

async function highWater(tx: Sql): Promise<number> {
  const { rows } = await tx.query<{ h: number | null }>(
    "SELECT greatest((SELECT max(seq) FROM decisions), (SELECT max(deleted_seq) FROM decisions)) AS h",
  );
  return Number(rows[0]?.h ?? 0);
}

/**
 * GET /v1/decisions/stream. Startup: every decision in force as `new`, `deleted: []`. Otherwise
 * what changed since this bouncer's cursor, per address or range it enforces: `new` when some
 * decision now covers it (the longest-lived), `deleted` when the bouncer had it and none does
 * any more (deleted or expired); a value added and removed between two polls is not sent.
 * Each list is null when empty, as CrowdSec sends it. The cursor advances in the same transaction.
 */
export async function streamDecisions(
  sql: Sql,
  req: StreamRequest,
  now: Date,
): Promise<LapiReply<StreamBody>> {
  const b = req.apiKey === undefined ? undefined : await bouncerByKey(sql, req.apiKey);
  if (!b) return FORBIDDEN;
  const f = parseStreamFilters(req.query);
  return inTransaction(sql, async (tx) => {
    // Takes the writers' lock: no change commits while this poll reads, so the cursor is exact.
    await expireDecisions(tx, now);
    const h = await highWater(tx);
    // Read again under the lock: an overlapping poll by the same bouncer may have moved it.
    const cur = await tx.query<{ cursor: number }>('SELECT "cursor" FROM bouncers WHERE id = $1', [b.id]);
    if (!cur.rows[0]) return FORBIDDEN;
    const c = Math.min(Number(cur.rows[0].cursor), h);
    let body: StreamBody;
    let withheld: number;
    if (req.startup) {
      const { rows } = await tx.query<DecisionRow>(
        `SELECT ${DECISION_COLUMNS} FROM decisions WHERE deleted_at IS NULL AND until > $1 ORDER BY seq`,
        [now.toISOString()],
      );
      const got = itemsOf(rows.map(toDecision), b, f, now);
      withheld = got.withheld;
      const best = new Map<string, Item[]>();
      for (const i of got.items) best.set(wireKey(i.wire), [...(best.get(wireKey(i.wire)) ?? []), i]);
      body = { new: orNull([...best.values()].map((xs) => longest(xs).wire)), deleted: [] };
    } else {
      ({ body, withheld } = await delta(tx, b, f, c, h, now));
    }
    await recordPull(tx, b.id, { cursor: h, userAgent: req.userAgent }, now);
    return { status: 200, body, bouncer: b.name, withheld };
  });
}

async function delta(
  tx: Sql,
  b: Bouncer,
  f: StreamFilters,
  c: number,
  h: number,
  now: Date,
): Promise<{ body: StreamBody; withheld: number }> {
  const touched = (
    await tx.query<DecisionRow>(
      `SELECT ${DECISION_COLUMNS} FROM decisions
       WHERE (seq > $1 AND seq <= $2) OR (deleted_seq > $1 AND deleted_seq <= $2)`,
      [c, h],
    )
  ).rows.map(toDecision);
  if (touched.length === 0) return { body: { new: null, deleted: null }, withheld: 0 };
  const t = itemsOf(touched, b, f, now);
  const keys = new Set(t.items.map((i) => wireKey(i.wire)));
  // Every decision alive before or after that could stand for a touched key: same values, and
  // (expanding) every range, since an address may also be covered by a range that did not change.
  const values = [...new Set([...touched.map((d) => d.value), ...t.items.map((i) => i.wire.value)])];
  const { rows } = await tx.query<DecisionRow>(
    `SELECT ${DECISION_COLUMNS} FROM decisions
     WHERE seq <= $1 AND (deleted_seq IS NULL OR deleted_seq > $2)
       AND (value = ANY($3::text[]) OR ($4 AND scope = 'range'))`,
    [h, c, values, b.expandRanges],
  );
  const groups = new Map<string, Item[]>();
  for (const i of itemsOf(rows.map(toDecision), b, f, now).items) {
    const k = wireKey(i.wire);
    if (keys.has(k)) groups.set(k, [...(groups.get(k) ?? []), i]);
  }
  const added: LapiDecision[] = [];
  const deleted: LapiDecision[] = [];
  for (const xs of groups.values()) {
    const after = xs.filter((i) => i.d.deletedSeq === null && i.d.until > now);
    const before = xs.filter((i) => i.d.seq <= c && (i.d.deletedSeq === null || i.d.deletedSeq > c));
    if (after.length > 0) added.push(longest(after).wire);
    else if (before.length > 0)
      deleted.push(before.reduce((a, x) => ((x.d.deletedSeq ?? 0) > (a.d.deletedSeq ?? 0) ? x : a)).wire);
  }
  return { body: { new: orNull(added), deleted: orNull(deleted) }, withheld: t.withheld };
}

const hostRange = (ip: IpAddress | undefined): Cidr | undefined =>
  ip && { version: ip.version, network: ip.value, prefix: ip.version === 4 ? 32 : 128 };

/**
 * GET /v1/decisions (bouncers in live mode): decisions in force matching `ip` (an address, or a
 * range holding it unless contains=false), `range`, `scope`, `value`, `type`, `origins`,
 * `scenarios_containing`/`_not_containing`. An array, or null when none (as CrowdSec answers).
 */
export async function queryDecisions(
  sql: Sql,
  req: LapiRequest,
  now: Date,
): Promise<LapiReply<LapiDecision[] | null>> {
  const b = req.apiKey === undefined ? undefined : await bouncerByKey(sql, req.apiKey);
  if (!b) return FORBIDDEN;
  const q = req.query;
  const ipText = q.ip;
  const ip = ipText === undefined ? undefined : parseIp(ipText);
  const range = q.range === undefined ? undefined : parseCidr(q.range, true);
  if ((ipText !== undefined && !ip) || (q.range !== undefined && !range))
    return { status: 400, body: { message: `unable to parse '${ipText ?? q.range}' as an IP or range` } };
  const contains = q.contains !== "false";
  const f = parseStreamFilters({ ...q, scopes: q.scope ?? "ip,range" });
  const { rows } = await sql.query<DecisionRow>(
    `SELECT ${DECISION_COLUMNS} FROM decisions WHERE deleted_at IS NULL AND until > $1 ORDER BY seq`,
    [now.toISOString()],
  );
  const target = ip ? hostRange(unmapIp(ip)) : range;
  const out: LapiDecision[] = [];
  for (const d of rows.map(toDecision)) {
    if (q.value !== undefined && d.value !== q.value) continue;
    if (q.type !== undefined && d.kind !== q.type) continue;
    if (target) {
      const own = d.scope === "ip" ? hostRange(parseIp(d.value)) : parseCidr(d.value);
      if (!own) continue;
      const hit = contains
        ? cidrContains(own, { version: target.version, value: target.network }) && own.prefix <= target.prefix
        : cidrContains(target, { version: own.version, value: own.network }) && own.prefix >= target.prefix;
      if (!hit) continue;
    }
    const wire = toWire(d, { expandRanges: false }, now).items[0]!;
    if (passes(wire, f)) out.push(wire);
  }
  await recordPull(sql, b.id, { userAgent: req.userAgent }, now);
  return { status: 200, body: out.length === 0 ? null : out, bouncer: b.name };
}
