// Compiles the `match` / `recognise` conditions of a mapping file into closures, once, at load time.
import type { FieldAliases, JsonObject, JsonValue } from "../../core/index.js";
import type { ConditionSpec, ConditionsSpec, ScalarSpec } from "./schema.js";
import { compilePath, type Getter, LooseTable } from "./values.js";

/** What a condition sees: the fields mapped so far and the service derived so far. */
export type Test = (fields: JsonObject, service: string | undefined) => boolean;

/** The plain equality tests of a condition, exposed so rules can be indexed by one field. */
export interface CompiledCondition {
  readonly test: Test;
  readonly equalities: ReadonlyMap<string, readonly ScalarSpec[]>;
}

const SERVICE = "$service";

const anyElement = (v: JsonValue | undefined, pred: (x: JsonValue | undefined) => boolean): boolean =>
  Array.isArray(v) ? v.some(pred) : pred(v);

const equalsOneOf = (expected: readonly ScalarSpec[]): ((v: JsonValue | undefined) => boolean) => {
  const table = new LooseTable<true>();
  for (const e of expected) table.set(e, true);
  return (v) => anyElement(v, (x) => table.get(x) === true);
};

const textTest = (
  modifier: "startswith" | "endswith" | "contains",
  expected: readonly string[],
): ((v: JsonValue | undefined) => boolean) => {
  const needles = expected.map((s) => s.toLowerCase());
  const one = (x: JsonValue | undefined): boolean => {
    if (typeof x !== "string" && typeof x !== "number") return false;
    const s = String(x).toLowerCase();
    return needles.some((n) =>
      modifier === "startswith" ? s.startsWith(n) : modifier === "endswith" ? s.endsWith(n) : s.includes(n),
    );
  };
  return (v) => anyElement(v, one);
};

const compileOne = (cond: ConditionSpec, aliases?: FieldAliases): CompiledCondition => {
  const tests: Test[] = [];
  const equalities = new Map<string, readonly ScalarSpec[]>();
  for (const [key, raw] of Object.entries(cond)) {
    const [field = "", modifier] = key.split("|");
    const values: readonly ScalarSpec[] = Array.isArray(raw) ? raw : [raw];
    if (field === SERVICE) {
      const ok = equalsOneOf(values);
      tests.push(modifier === "exists" ? (_f, s) => (s !== undefined) === raw : (_f, s) => ok(s));
      if (modifier === undefined) equalities.set(SERVICE, values);
      continue;
    }
    const get: Getter = compilePath(field, aliases);
    if (modifier === "exists") {
      const want = raw === true;
      tests.push((f) => {
        const v = get(f);
        return (v !== undefined && v !== null) === want;
      });
    } else if (modifier === "startswith" || modifier === "endswith" || modifier === "contains") {
      const t = textTest(modifier, values as readonly string[]);
      tests.push((f) => t(get(f)));
    } else {
      const t = equalsOneOf(values);
      tests.push((f) => t(get(f)));
      equalities.set(field, values);
    }
  }
  const [a, b] = tests;
  let test: Test;
  if (tests.length === 0) test = () => true;
  else if (tests.length === 1 && a) test = a;
  else if (tests.length === 2 && a && b) test = (f, s) => a(f, s) && b(f, s);
  else test = (f, s) => tests.every((t) => t(f, s));
  return { test, equalities };
};

/** A list of conditions holds when any of them holds. Fields among `aliases` are read through them. */
export const compileConditions = (spec: ConditionsSpec, aliases?: FieldAliases): CompiledCondition => {
  if (!Array.isArray(spec)) return compileOne(spec, aliases);
  const all = spec.map((c) => compileOne(c, aliases));
  if (all.length === 1 && all[0]) return all[0];
  const tests = all.map((c) => c.test);
  return { test: (f, s) => tests.some((t) => t(f, s)), equalities: new Map() };
};

export const SERVICE_KEY = SERVICE;
