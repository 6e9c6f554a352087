// TAXII collections, objects and status resources on the node's database. Objects are versioned
// by `modified` (else `created`); adding a version already held is a success that changes nothing.
import { randomUUID } from "node:crypto";
import type { Sql } from "../../store/database.js";
import { inTransaction } from "../../store/database.js";
import { jsonParam } from "../../store/values.js";
import { formatMicros, parseMicros } from "./time.js";

export interface Collection {
  readonly id: string;
  readonly alias: string | null;
  readonly title: string;
  readonly description: string;
}

export interface Access {
  readonly canRead: boolean;
  readonly canWrite: boolean;
}

export interface StoredObject {
  readonly id: string;
  readonly version: string;
  readonly dateAddedUs: number;
  readonly object: Record<string, unknown>;
}

export type VersionFilter =
  | { readonly kind: "last" | "first" | "all" }
  | { readonly kind: "at"; readonly us: number[] };

export interface ObjectQuery {
  readonly addedAfterUs?: number | undefined;
  readonly limit: number;
  /** Opaque: the last date_added (µs) of the previous page. */
  readonly next?: string | undefined;
  readonly ids?: readonly string[] | undefined;
  readonly types?: readonly string[] | undefined;
  readonly versions: VersionFilter;
  readonly specVersions?: readonly string[] | undefined;
}

export interface ObjectPage {
  readonly objects: readonly StoredObject[];
  readonly more: boolean;
  readonly next: string | undefined;
}

export interface StatusResource {
  readonly id: string;
  readonly status: "pending" | "complete";
  readonly request_timestamp: string;
  readonly total_count: number;
  readonly success_count: number;
  readonly successes: readonly StatusDetail[];
  readonly failure_count: number;
  readonly failures: readonly StatusDetail[];
  readonly pending_count: number;
  readonly pendings: readonly StatusDetail[];
}

export interface StatusDetail {
  readonly id: string;
  readonly version: string;
  readonly message?: string;
}

export async function createCollection(
  sql: Sql,
  c: { id?: string; alias: string; title: string; description?: string },
  access: Readonly<Record<string, Access>>,
  now: Date,
): Promise<Collection> {
  return inTransaction(sql, async (tx) => {
    const existing = await tx.query<{ id: string }>("SELECT id FROM taxii_collections WHERE alias = $1", [
      c.alias,
    ]);
    const id = existing.rows[0]?.id ?? c.id ?? randomUUID();
    if (!existing.rows[0]) {
      await tx.query(
        "INSERT INTO taxii_collections (id, alias, title, description, created_at) VALUES ($1, $2, $3, $4, $5)",
        [id, c.alias, c.title, c.description ?? "", now.toISOString()],
      );
    }
    for (const [subject, a] of Object.entries(access)) {
      await tx.query(
        `INSERT INTO taxii_access (collection_id, subject, can_read, can_write) VALUES ($1, $2, $3, $4)
         ON CONFLICT (collection_id, subject) DO UPDATE SET can_read = excluded.can_read, can_write = excluded.can_write`,
        [id, subject, a.canRead, a.canWrite],
      );
    }
    return { id, alias: c.alias, title: c.title, description: c.description ?? "" };
  });
}

/** The collections a caller (its subjects: "role:x", "partner:y") may read or write. */
export async function collectionsFor(
  sql: Sql,
  subjects: readonly string[],
): Promise<(Collection & Access)[]> {
  const { rows } = await sql.query<{
    id: string;
    alias: string | null;
    title: string;
    description: string;
    can_read: boolean;
    can_write: boolean;
  }>(
    `SELECT c.id, c.alias, c.title, c.description, bool_or(a.can_read) AS can_read, bool_or(a.can_write) AS can_write
     FROM taxii_collections c JOIN taxii_access a ON a.collection_id = c.id
     WHERE a.subject = ANY($1::text[])
     GROUP BY c.id, c.alias, c.title, c.description, c.created_at
     HAVING bool_or(a.can_read) OR bool_or(a.can_write)
     ORDER BY c.created_at, c.id`,
    [subjects],
  );
  return rows.map((r) => ({
    id: r.id,
    alias: r.alias,
    title: r.title,
    description: r.description,
    canRead: r.can_read,
    canWrite: r.can_write,
  }));
}

/** The version of a STIX object: `modified`, else `created`; undefined for neither. */
export function versionOf(o: Record<string, unknown>): string | undefined {
  const v =
    typeof o.modified === "string" ? o.modified : typeof o.created === "string" ? o.created : undefined;
  return v !== undefined && parseMicros(v) !== undefined ? v : undefined;
}

const ID = /^[a-z0-9-]+--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Checks what TAXII needs of an object to store it; full STIX validation is the caller's. */
export function storable(o: unknown): string | undefined {
  if (typeof o !== "object" || o === null || Array.isArray(o)) return "not a JSON object";
  const r = o as Record<string, unknown>;
  if (typeof r.type !== "string" || typeof r.id !== "string") return "an object needs `type` and `id`";
  if (!ID.test(r.id) || !r.id.startsWith(`${r.type}--`)) return `id '${r.id}' is not a '${r.type}--<uuid>'`;
  if (r.spec_version !== undefined && typeof r.spec_version !== "string")
    return "`spec_version` must be a string";
  return undefined;
}

/**
 * Objects added to each database since its last ANALYZE (none yet: the first addition analyzes),
 * by the handle callers pass: one count per database, not one for the process (two nodes in one
 * process, as in the demo, would otherwise skip each other's).
 */
const sinceAnalyze = new WeakMap<Sql, number>();

/**
 * Planner statistics after large additions: without them (PGlite has no autovacuum) a page query
 * sorts every object added after the cursor instead of walking the index in order. The node also
 * analyzes a PGlite database every 20 s; this covers a burst between two of those.
 */
async function keepStatistics(sql: Sql, inserted: number): Promise<void> {
  if (inserted === 0) return;
  const since = (sinceAnalyze.get(sql) ?? Number.POSITIVE_INFINITY) + inserted;
  if (since < 10_000) {
    sinceAnalyze.set(sql, since);
    return;
  }
  sinceAnalyze.set(sql, 0);
  await sql.query("ANALYZE taxii_objects");
}

/**
 * Adds objects; answers a complete status resource. Versions already held succeed with a
 * message (idempotent upsert); invalid objects fail with why. `validate` adds STIX checks.
 */
export async function addObjects(
  sql: Sql,
  collectionId: string,
  objects: readonly unknown[],
  by: { requestedBy: string; now: Date; validate?: (o: Record<string, unknown>) => string | undefined },
): Promise<StatusResource> {
  const successes: StatusDetail[] = [];
  const failures: StatusDetail[] = [];
  let inserted = 0;
  await inTransaction(sql, async (tx) => {
    const clock = await tx.query<{ last_us: string | number }>(
      "SELECT last_us FROM taxii_clock WHERE id FOR UPDATE",
    );
    let last = Number(clock.rows[0]!.last_us);
    const nowUs = by.now.getTime() * 1000;
    // checked one by one, written in one statement: a batch of 1,000 is a few round trips
    const rows: {
      id: string;
      version: string;
      versionUs: number;
      spec: string;
      type: string;
      added: number;
      json: string;
    }[] = [];
    for (const raw of objects) {
      const problem = storable(raw) ?? by.validate?.(raw as Record<string, unknown>);
      const o = raw as Record<string, unknown>;
      const id = typeof o?.id === "string" ? o.id : "";
      if (problem) {
        failures.push({ id, version: typeof o?.modified === "string" ? o.modified : "", message: problem });
        continue;
      }
      last = Math.max(nowUs, last + 1);
      const version = versionOf(o) ?? formatMicros(last);
      rows.push({
        id,
        version,
        versionUs: parseMicros(version)!,
        spec: String(o.spec_version ?? "2.1"),
        type: String(o.type),
        added: last,
        json: jsonParam(o)!,
      });
    }
    if (rows.length > 0) {
      const { rows: added } = await tx.query<{ object_id: string; version: string }>(
        `INSERT INTO taxii_objects (collection_id, object_id, version, version_us, is_latest, is_first, spec_version,
           type, date_added_us, object)
         SELECT $1, u.id, u.version, u.version_us, false, false, u.spec, u.type, u.added, u.obj::jsonb
         FROM unnest($2::text[], $3::text[], $4::int8[], $5::text[], $6::text[], $7::int8[], $8::text[])
           AS u(id, version, version_us, spec, type, added, obj)
         ON CONFLICT (collection_id, object_id, version) DO NOTHING
         RETURNING object_id, version`,
        [
          collectionId,
          rows.map((r) => r.id),
          rows.map((r) => r.version),
          rows.map((r) => r.versionUs),
          rows.map((r) => r.spec),
          rows.map((r) => r.type),
          rows.map((r) => r.added),
          rows.map((r) => r.json),
        ],
      );
      const fresh = new Set(added.map((a) => `${a.object_id} ${a.version}`));
      inserted = fresh.size;
      const seen = new Set<string>();
      for (const r of rows) {
        const key = `${r.id} ${r.version}`;
        if (fresh.has(key) && !seen.has(key)) {
          seen.add(key);
          successes.push({ id: r.id, version: r.version });
        } else
          successes.push({
            id: r.id,
            version: r.version,
            message: "this version is already in the collection",
          });
      }
      if (added.length > 0) {
        await tx.query(
          `UPDATE taxii_objects t SET
             is_latest = t.version_us = m.max_us, is_first = t.version_us = m.min_us
           FROM (SELECT object_id, max(version_us) AS max_us, min(version_us) AS min_us FROM taxii_objects
                 WHERE collection_id = $1 AND object_id = ANY($2::text[]) GROUP BY object_id) m
           WHERE t.collection_id = $1 AND t.object_id = m.object_id`,
          [collectionId, [...new Set(added.map((a) => a.object_id))]],
        );
      }
    }
    await tx.query("UPDATE taxii_clock SET last_us = $1 WHERE id", [last]);
  });
  await keepStatistics(sql, inserted);
  const status: StatusResource = {
    id: randomUUID(),
    status: "complete",
    request_timestamp: formatMicros(by.now.getTime() * 1000),
    total_count: objects.length,
    success_count: successes.length,
    successes,
    failure_count: failures.length,
    failures,
    pending_count: 0,
    pendings: [],
  };
  await sql.query(
    `INSERT INTO taxii_status (id, collection_id, status, request_timestamp, total_count, successes, failures, pendings, requested_by)
     VALUES ($1, $2, 'complete', $3, $4, $5::jsonb, $6::jsonb, '[]', $7)`,
    [
      status.id,
      collectionId,
      by.now.toISOString(),
      objects.length,
      jsonParam(successes),
      jsonParam(failures),
      by.requestedBy,
    ],
  );
  return status;
}

export async function getStatus(
  sql: Sql,
  id: string,
): Promise<(StatusResource & { requestedBy: string }) | null> {
  const { rows } = await sql.query<{
    id: string;
    status: "pending" | "complete";
    request_timestamp: Date;
    total_count: number;
    successes: StatusDetail[];
    failures: StatusDetail[];
    pendings: StatusDetail[];
    requested_by: string;
  }>("SELECT * FROM taxii_status WHERE id = $1", [id]);
  const r = rows[0];
  if (!r) return null;
  return {
    id: r.id,
    status: r.status,
    request_timestamp: formatMicros(r.request_timestamp.getTime() * 1000),
    total_count: r.total_count,
    success_count: r.successes.length,
    successes: r.successes,
    failure_count: r.failures.length,
    failures: r.failures,
    pending_count: r.pendings.length,
    pendings: r.pendings,
    requestedBy: r.requested_by,
  };
}

/** A page of object versions, oldest addition first, with every TAXII filter. */
export async function queryObjects(sql: Sql, collectionId: string, q: ObjectQuery): Promise<ObjectPage> {
  const params: unknown[] = [collectionId];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const where = ["collection_id = $1"];
  const after = Math.max(q.addedAfterUs ?? -1, q.next !== undefined ? Number(q.next) : -1);
  if (after >= 0) where.push(`date_added_us > ${p(after)}`);
  if (q.ids?.length) where.push(`object_id = ANY(${p(q.ids)}::text[])`);
  if (q.types?.length) where.push(`type = ANY(${p(q.types)}::text[])`);
  if (q.specVersions?.length) where.push(`spec_version = ANY(${p(q.specVersions)}::text[])`);
  switch (q.versions.kind) {
    case "last":
      where.push("is_latest");
      break;
    case "first":
      where.push("is_first");
      break;
    case "at":
      where.push(`version_us = ANY(${p(q.versions.us)}::bigint[])`);
      break;
    case "all":
      break;
  }
  const { rows } = await sql.query<{
    object_id: string;
    version: string;
    date_added_us: string | number;
    object: Record<string, unknown>;
  }>(
    `SELECT object_id, version, date_added_us, object FROM taxii_objects WHERE ${where.join(" AND ")}
     ORDER BY date_added_us LIMIT ${p(q.limit + 1)}`,
    params,
  );
  const more = rows.length > q.limit;
  const page = rows.slice(0, q.limit).map((r) => ({
    id: r.object_id,
    version: r.version,
    dateAddedUs: Number(r.date_added_us),
    object: r.object,
  }));
  return { objects: page, more, next: more ? String(page.at(-1)!.dateAddedUs) : undefined };
}

export async function deleteObject(
  sql: Sql,
  collectionId: string,
  objectId: string,
  versionsUs?: number[],
): Promise<number> {
  const r = await sql.query(
    `DELETE FROM taxii_objects WHERE collection_id = $1 AND object_id = $2 ${versionsUs ? "AND version_us = ANY($3::bigint[])" : ""}`,
    versionsUs ? [collectionId, objectId, versionsUs] : [collectionId, objectId],
  );
  if (r.rowCount > 0) {
    await sql.query(
      `UPDATE taxii_objects t SET is_latest = t.version_us = m.max_us, is_first = t.version_us = m.min_us
       FROM (SELECT max(version_us) AS max_us, min(version_us) AS min_us FROM taxii_objects
             WHERE collection_id = $1 AND object_id = $2) m
       WHERE t.collection_id = $1 AND t.object_id = $2`,
      [collectionId, objectId],
    );
  }
  return r.rowCount;
}
