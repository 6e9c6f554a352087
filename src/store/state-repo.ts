// Small named state (detection cursors, correlation windows). Pass a transaction to commit a
// cursor together with the alerts it produced.
import type { Sql } from "./database.js";
import { jsonParam } from "./values.js";

/** The value stored under `key`, or undefined. The caller vouches for its shape (validate if unsure). */
export async function getState<T>(sql: Sql, key: string): Promise<T | undefined> {
  const { rows } = await sql.query<{ value: T }>("SELECT value FROM state WHERE key = $1", [key]);
  return rows[0]?.value;
}

/** Stores `value` (any JSON) under `key`, replacing what was there. */
export async function putState(sql: Sql, key: string, value: unknown, now: Date): Promise<void> {
  if (value === undefined) throw new TypeError(`putState(${key}): undefined is not JSON; use deleteState`);
  await sql.query(
    `INSERT INTO state (key, value, updated_at) VALUES ($1, $2::jsonb, $3)
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at`,
    [key, value === null ? "null" : jsonParam(value), now.toISOString()],
  );
}

/** Removes `key`; true when it was there. */
export async function deleteState(sql: Sql, key: string): Promise<boolean> {
  const r = await sql.query("DELETE FROM state WHERE key = $1", [key]);
  return r.rowCount > 0;
}

/** Keys (and values) under a prefix, e.g. every cursor of one detector: "detect/cursor/". */
export async function listState<T>(
  sql: Sql,
  prefix: string,
): Promise<{ key: string; value: T; updatedAt: Date }[]> {
  const { rows } = await sql.query<{ key: string; value: T; updated_at: Date }>(
    "SELECT key, value, updated_at FROM state WHERE starts_with(key, $1) ORDER BY key",
    [prefix],
  );
  return rows.map((r) => ({ key: r.key, value: r.value, updatedAt: r.updated_at }));
}
