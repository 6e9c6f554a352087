// Keyset pagination: a page of items and an opaque cursor to the next one. Cursors encode the
// last row's sort key, so pages stay stable while rows are added (no OFFSET drift).
import { err, ok, type Problem, type Result } from "../core/result.js";

export interface Page<T> {
  readonly items: readonly T[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  readonly nextCursor: string | null;
}

export const MAX_PAGE = 1000;

/** Clamps a requested page size into 1..MAX_PAGE. */
export function pageSize(limit: number | undefined, fallback = 100): number {
  if (limit === undefined || !Number.isFinite(limit)) return fallback;
  return Math.min(MAX_PAGE, Math.max(1, Math.trunc(limit)));
}

/** Sort key for rows ordered by (time DESC, id DESC). */
export interface TimeKey {
  readonly at: Date;
  readonly id: string;
}

export function encodeTimeCursor(key: TimeKey): string {
  return Buffer.from(JSON.stringify([key.at.toISOString(), key.id])).toString("base64url");
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function decodeTimeCursor(cursor: string): Result<TimeKey, Problem> {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === "string" && typeof v[1] === "string") {
      const at = new Date(v[0]);
      if (!Number.isNaN(at.getTime()) && UUID.test(v[1])) return ok({ at, id: v[1] });
    }
  } catch {
    // fall through: any undecodable cursor is the same client error
  }
  return err(badCursor());
}

/** Sort key for rows ordered by a sequence number, descending. */
export function encodeSeqCursor(seq: number): string {
  return Buffer.from(JSON.stringify([seq])).toString("base64url");
}

export function decodeSeqCursor(cursor: string): Result<number, Problem> {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(v) && v.length === 1 && Number.isSafeInteger(v[0]) && (v[0] as number) > 0) {
      return ok(v[0] as number);
    }
  } catch {
    // fall through
  }
  return err(badCursor());
}

function badCursor(): Problem {
  return { code: "store.bad-cursor", message: "the cursor is not one this list returned", path: "cursor" };
}

/** Builds a page from rows fetched with limit + 1 (the extra row only says "there is more"). */
export function toPage<R, T>(
  rows: readonly R[],
  limit: number,
  map: (r: R) => T,
  key: (r: R) => string,
): Page<T> {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  const last = kept.at(-1);
  return { items: kept.map(map), nextCursor: more && last !== undefined ? key(last) : null };
}

/** Collects WHERE clauses with numbered parameters. */
export class Where {
  readonly params: unknown[] = [];
  private readonly clauses: string[] = [];
  /** Adds a clause; `$?` placeholders are numbered in order. */
  add(clause: string, ...values: unknown[]): this {
    let text = clause;
    for (const v of values) {
      this.params.push(v);
      const n = this.params.length;
      text = text.replace("$?", () => `$${n}`);
    }
    this.clauses.push(text);
    return this;
  }
  param(v: unknown): string {
    this.params.push(v);
    return `$${this.params.length}`;
  }
  toString(): string {
    return this.clauses.length === 0 ? "" : `WHERE ${this.clauses.join(" AND ")}`;
  }
}
