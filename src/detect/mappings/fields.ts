// Compiles the field-shaping parts of a mapping file: `flatten` (hoist nested leaves to top-level
// Sigma names) and `fields` (copy a value under a Sigma name, optionally translating it).
import type { JsonObject, JsonValue, MappedEvent } from "../../core/index.js";
import { emptyList } from "../scratch.js";
import type { FieldsSpec } from "./schema.js";
import { compilePath, compileSources, LooseTable } from "./values.js";

/**
 * The event being mapped. By default it is copied on its first change: a mapping that only reads
 * (events whose fields already carry Sigma names) costs no copy, and the caller's event is never
 * modified. Borrowing (`inPlace`) changes the event itself and keeps an undo list instead, for
 * callers that own the event and only need the mapped fields until `undo()`: a copy of a parsed
 * event costs about as much as a fifth of its parse.
 */
export class Draft {
  private own = false;
  private writes = 0;
  /** Borrowing, from the first change on: [key, the value it had or ABSENT], in the order written. */
  private undoList: [string, JsonValue | typeof ABSENT][] | undefined;

  constructor(
    private current: JsonObject,
    private borrowing = false,
  ) {}

  /** Starts over on another event, borrowing it (the draft must have nothing to undo). */
  reset(event: JsonObject): void {
    if (this.undoList !== undefined && this.undoList.length !== 0)
      throw new Error("bug: Draft.reset with changes to undo");
    this.current = event;
    this.borrowing = true;
    this.own = false;
    this.writes = 0;
    this.undoList = undefined;
  }

  /** Has the draft changed or copied the event? */
  get changed(): boolean {
    return this.own && (this.undoList === undefined || this.undoList.length !== 0);
  }

  /** The fields as mapped so far. */
  get fields(): JsonObject {
    return this.current;
  }

  /** Sets a field; setting a field to the value it holds changes nothing and copies nothing. */
  put(key: string, v: JsonValue): void {
    let o = this.current;
    if (this.borrowing && this.undoList === undefined) {
      // the first change of a borrowed event: made in place, unless the event cannot take keys
      if (Object.isExtensible(o)) {
        this.own = true;
        this.undoList = [];
      } else this.borrowing = false;
    }
    const undo = this.undoList;
    if (undo !== undefined) {
      const had = Object.hasOwn(o, key);
      if (had && o[key] === v) return;
      undo.push([key, had ? o[key]! : ABSENT]);
    } else if (!this.own) {
      if (o[key] === v && Object.hasOwn(o, key)) return;
      // a spread copies a parsed object much faster than Object.assign (own enumerable keys alike)
      o = { ...o };
      this.current = o;
      this.own = true;
    }
    // a plain store is fastest, but after many new keys V8 turns the object into a slow dictionary
    if (key === "__proto__" || ++this.writes > PLAIN_WRITES) put(o, key, v);
    else o[key] = v;
  }

  /** In place: gives the event back as it was (keys added are deleted, last first). */
  undo(): void {
    const undo = this.undoList;
    if (undo === undefined) return;
    const o = this.current;
    for (let i = undo.length - 1; i >= 0; i--) {
      const [key, old] = undo[i]!;
      if (old === ABSENT) delete o[key];
      else put(o, key, old);
    }
    emptyList(undo);
  }
}

const ABSENT: unique symbol = Symbol("absent");

/** Stores per event done as plain assignments before `put` takes over (see there). */
const PLAIN_WRITES = 8;

export type FieldStep = (draft: Draft) => void;

const ATTRIBUTES = "#attributes";
const TEXT = "#text";

/**
 * Sets an own data property. A new key goes through defineProperty: adding one by a computed-key
 * assignment makes V8 turn an object of many properties (a parsed event) into a slow dictionary,
 * and every later read of the mapped event pays for it. Also makes "__proto__" a plain field.
 */
const put = (o: JsonObject, key: string, v: JsonValue): void => {
  if (key !== "__proto__" && Object.hasOwn(o, key)) o[key] = v;
  else Object.defineProperty(o, key, { value: v, writable: true, enumerable: true, configurable: true });
};

/**
 * The fields of a mapped event as `Pipeline.apply` gives them, in a copy of its own: a borrowed
 * event's aliases written in. For what is kept past `release()`.
 */
export const copyFields = (event: MappedEvent): JsonObject => {
  const copy = { ...event.fields };
  const aliases = event.aliases;
  if (aliases !== undefined) {
    for (const [name, get] of aliases) {
      const v = get(event.fields);
      if (v !== undefined) put(copy, name, v);
    }
  }
  return copy;
};

const isObject = (v: JsonValue | undefined): v is JsonObject =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Hoists the children of the object at `path` to top-level fields, never over a field the event
 * already has. XML renderings (evtx_dump) wrap values as {"#attributes", "#text"}: the text is
 * the value and attributes are dropped. With `leaves`, nested objects are walked down to leaves.
 * A name with spaces ("Threat Name", as Defender writes) is also hoisted without them ("ThreatName"):
 * the Sigma spec names fields "as they appear in the log source, with all spaces stripped".
 */
export const compileFlatten = (path: string, leaves: boolean): FieldStep => {
  const get = compilePath(path);
  const hoist = (out: Draft, from: JsonObject): void => {
    for (const key in from) {
      if (key === ATTRIBUTES) continue;
      let v = from[key] as JsonValue;
      if (isObject(v)) {
        if (TEXT in v) v = v[TEXT] as JsonValue;
        else if (leaves) {
          hoist(out, v);
          continue;
        }
      }
      if (out.fields[key] === undefined) out.put(key, v);
      if (key.includes(" ")) {
        const sigmaName = key.replace(/ /g, "");
        if (out.fields[sigmaName] === undefined) out.put(sigmaName, v);
      }
    }
  };
  return (draft) => {
    const from = get(draft.fields);
    if (isObject(from)) hoist(draft, from);
  };
};

/**
 * `Target: source(s)` sets Target from the first present source; `values` translates what it copies.
 * Targets in `skip` are left out (a borrowed event reads them through aliases, see compile.ts).
 */
export const compileFields = (spec: FieldsSpec, skip?: ReadonlySet<string>): FieldStep | undefined => {
  const steps: FieldStep[] = [];
  for (const [target, fieldSpec] of Object.entries(spec)) {
    if (skip?.has(target)) continue;
    if (typeof fieldSpec === "string" || Array.isArray(fieldSpec)) {
      const get = compileSources(fieldSpec);
      steps.push((d) => {
        const v = get(d.fields);
        if (v !== undefined) d.put(target, v);
      });
      continue;
    }
    const get = compileSources(fieldSpec.from);
    const fallback = fieldSpec.default;
    let table: LooseTable<JsonValue> | undefined;
    if (fieldSpec.values) {
      table = new LooseTable<JsonValue>();
      for (const [k, v] of Object.entries(fieldSpec.values)) table.set(k, v);
    }
    steps.push((d) => {
      let v = get(d.fields);
      if (v !== undefined && table) {
        const translated = table.get(v);
        if (translated !== undefined) v = translated;
      }
      if (v === undefined) v = fallback;
      if (v !== undefined) d.put(target, v);
    });
  }
  if (steps.length === 0) return undefined;
  return (d) => {
    for (const s of steps) s(d);
  };
};
