// Field access and loose comparison shared by conditions and lookups: event values arrive as
// numbers or numeric strings ("4688") and in any letter case ("security" vs "Security").
import { type FieldAliases, internName, type JsonObject, type JsonValue } from "../../core/index.js";

export type Getter = (fields: JsonObject) => JsonValue | undefined;

/**
 * Compiles a path: the exact key first (flat events may hold dotted keys), then the dotted walk.
 * A name among `aliases` is read through its alias (see compile.ts).
 */
export const compilePath = (name: string, aliases?: FieldAliases): Getter => {
  const alias = aliases?.get(name);
  if (alias !== undefined) return alias;
  const path = internName(name);
  const segments = path.split(".");
  if (segments.length === 1) return (o) => o[path];
  return (o) => {
    const exact = o[path];
    if (exact !== undefined) return exact;
    let cur: JsonValue | undefined = o;
    for (const s of segments) {
      if (typeof cur !== "object" || cur === null || Array.isArray(cur)) return undefined;
      cur = cur[s];
    }
    return cur;
  };
};

/** The first present (not undefined, not null) value among the paths. */
export const compileSources = (paths: string | readonly string[], aliases?: FieldAliases): Getter => {
  const list = typeof paths === "string" ? [paths] : paths;
  const getters = list.map((p) => compilePath(p, aliases));
  if (getters.length === 1) {
    const g = getters[0]!;
    return (o) => {
      const v = g(o);
      return v === null ? undefined : v;
    };
  }
  return (o) => {
    for (const g of getters) {
      const v = g(o);
      if (v !== undefined && v !== null) return v;
    }
    return undefined;
  };
};

const isDigits = (s: string): boolean => {
  if (s.length === 0 || s.length > 15) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
};

/** A lookup key under which 4688 and "4688" meet, and "Security" meets "security". */
export type LooseKey = string | number | boolean | null;

export const looseKey = (v: JsonValue | undefined): LooseKey | undefined => {
  if (typeof v === "string") return isDigits(v) ? Number(v) : v.toLowerCase();
  if (typeof v === "number" || typeof v === "boolean" || v === null) return v;
  return undefined;
};

/**
 * A case-insensitive, number-tolerant table. The exact spelling is tried before lower-casing,
 * so the common case (the value as written in the file) costs one Map lookup and no allocation.
 */
export class LooseTable<T> {
  private readonly exact = new Map<string | number | boolean | null, T>();
  private readonly loose = new Map<LooseKey, T>();
  /** The last key looked up (not undefined: no key is) and what it gave. */
  private lastKey: string | number | boolean | null | undefined;
  private lastValue: T | undefined;

  set(key: string | number | boolean | null, value: T): void {
    this.lastKey = undefined;
    if (!this.exact.has(key)) this.exact.set(key, value);
    if (typeof key === "number") this.exact.set(String(key), value);
    const k = looseKey(key);
    if (k !== undefined && !this.loose.has(k)) this.loose.set(k, value);
  }

  get(v: JsonValue | undefined): T | undefined {
    if (v === undefined || (typeof v === "object" && v !== null)) return undefined;
    // the same value as last time (one channel, one event ID after another): a comparison instead
    // of hashing a freshly parsed string
    if (v === this.lastKey) return this.lastValue;
    let hit = this.exact.get(v);
    if (hit === undefined) {
      const k = looseKey(v);
      hit = k === undefined ? undefined : this.loose.get(k);
    }
    if (typeof v !== "string" || v.length <= 256) {
      this.lastKey = v;
      this.lastValue = hit;
    }
    return hit;
  }

  get size(): number {
    return this.exact.size;
  }

  *entries(): IterableIterator<[LooseKey, T]> {
    yield* this.loose.entries();
  }
}
