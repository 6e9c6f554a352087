// What every contract case gets: the suite's shared database and a way to open a fresh one.
import type { Database } from "../database.js";

export interface CaseContext {
  /** The suite's database (shared by cases: use unique ids/keys to stay independent). */
  db(): Database;
  /** A fresh, empty, migrated database of the same backend; the case closes it. */
  open(): Promise<Database>;
}

let counter = 0;
/** A name no other case uses, for rule ids, assignees, keys... */
export function unique(prefix: string): string {
  counter++;
  return `${prefix}-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Unwraps a Result-like value, failing the test with its error otherwise. */
export function must<T>(r: { ok: true; value: T } | { ok: false; error: unknown }): T {
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r.error)}`);
  return r.value;
}

export const T0 = new Date("2025-03-01T10:00:00.000Z");
export const at = (ms: number) => new Date(T0.getTime() + ms);
