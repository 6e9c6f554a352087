// Value conventions shared by both adapters, so a row reads the same from PGlite and PostgreSQL:
// int8 -> number (bigint beyond 2^53), timestamptz -> Date, json/jsonb -> parsed, arrays -> arrays.

/** int8 as PGlite returns it: a number when exact, a bigint when not. */
export function parseInt8(text: string): number | bigint {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
}

/**
 * Parameters as both drivers accept them alike. PGlite cannot serialise bigint; pg would turn a
 * bigint into a string anyway. Strings, numbers, booleans, Dates, null and arrays of those pass.
 */
export function normaliseParams(params: readonly unknown[] | undefined): unknown[] {
  if (params === undefined) return [];
  return params.map(normaliseParam);
}

function normaliseParam(v: unknown): unknown {
  if (typeof v === "bigint") return v.toString();
  if (v === undefined) return null;
  if (Array.isArray(v)) return v.map(normaliseParam);
  return v;
}

/**
 * A value for a `$n::jsonb` parameter. Always pass JSON text: pg would send a JS array as a
 * PostgreSQL array literal, not JSON. NUL characters, which jsonb rejects in strings and keys,
 * become U+FFFD.
 */
export function jsonParam(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  const text = JSON.stringify(value);
  // JSON.stringify writes NUL as the escape \u0000; only then is the slower scrub needed.
  return text.includes("\\u0000") ? JSON.stringify(scrubNul(value)) : text;
}

function scrubNul(v: unknown): unknown {
  if (typeof v === "string") return v.replace(/\0/g, "\uFFFD");
  if (Array.isArray(v)) return v.map(scrubNul);
  if (v !== null && typeof v === "object" && !(v instanceof Date)) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.replace(/\0/g, "\uFFFD"), scrubNul(x)]));
  }
  return v;
}

/** Text for a text column: PostgreSQL text cannot hold NUL. */
export function textParam(value: string): string {
  return value.includes("\0") ? value.replace(/\0/g, "\uFFFD") : value;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a string can be a uuid column's value (lookups by a malformed id find nothing). */
export function isUuid(s: string): boolean {
  return UUID.test(s);
}

/** The SQLSTATE of a database error (both drivers put it on `code`), or undefined. */
export function sqlState(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

export const FOREIGN_KEY_VIOLATION = "23503";
export const UNIQUE_VIOLATION = "23505";
