// Compiles the field-shaping parts of a mapping file: `flatten` (hoist nested leaves to top-level
// Sigma names) and `fields` (copy a value under a Sigma name, optionally translating it).
import type { JsonObject, JsonValue } from "../../core/index.js";
import type { FieldsSpec } from "./schema.js";
import { compilePath, compileSources, LooseTable } from "./values.js";

export type FieldStep = (fields: JsonObject) => void;

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
  const hoist = (out: JsonObject, from: JsonObject): void => {
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
      if (out[key] === undefined) put(out, key, v);
      if (key.includes(" ")) {
        const sigmaName = key.replace(/ /g, "");
        if (out[sigmaName] === undefined) put(out, sigmaName, v);
      }
    }
  };
  return (fields) => {
    const from = get(fields);
    if (isObject(from)) hoist(fields, from);
  };
};

/** `Target: source(s)` sets Target from the first present source; `values` translates what it copies. */
export const compileFields = (spec: FieldsSpec): FieldStep | undefined => {
  const steps: FieldStep[] = [];
  for (const [target, fieldSpec] of Object.entries(spec)) {
    if (typeof fieldSpec === "string" || Array.isArray(fieldSpec)) {
      const get = compileSources(fieldSpec);
      steps.push((f) => {
        const v = get(f);
        if (v !== undefined) put(f, target, v);
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
    steps.push((f) => {
      let v = get(f);
      if (v !== undefined && table) {
        const translated = table.get(v);
        if (translated !== undefined) v = translated;
      }
      if (v === undefined) v = fallback;
      if (v !== undefined) put(f, target, v);
    });
  }
  if (steps.length === 0) return undefined;
  return (f) => {
    for (const s of steps) s(f);
  };
};
