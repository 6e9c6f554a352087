// Vetoes: single-field predicates whose holding rules a rule out. Most rules end in
// `and not 1 of filter_*` (ImageLoaded|startswith: 'C:\Windows\System32\'), and most events the
// prefilter lets through for such a rule are exactly the ones its filters exclude. The prefilter
// learns, per field value (in its memo), which rules that value vetoes, and drops them from the
// candidates without evaluating them. Sound by construction: a veto is the rule's own predicate,
// evaluated by the compiled matcher on the very value the rule would read.

import type { JsonValue } from "../core/index.js";
import type { ConditionExpr, FieldPredicate, SearchIdentifier, ValueTest } from "./sigma/ast.js";
import { compileIdentifier, EventView } from "./sigma/compile.js";

/** Reads one field's value only: everything a veto predicate may read (see usable). */
const readsOneField = (t: ValueTest): boolean =>
  t.kind === "time" ? readsOneField(t.test) : t.kind !== "fieldref";

/** A predicate on one named field's value, and on nothing else of the event. */
const usable = (p: FieldPredicate): boolean =>
  p.kind === "values" && p.field !== null && p.tests.length > 0 && p.tests.every(readsOneField);

/** Predicates that each, holding, make `expr` hold. */
function sufficient(expr: ConditionExpr, ids: ReadonlyMap<string, SearchIdentifier>): FieldPredicate[] {
  const ref = (name: string): FieldPredicate[] => {
    const id = ids.get(name);
    // a group (AND) of one predicate holds when that predicate does; the groups are OR-ed
    return id ? id.groups.filter((g) => g.length === 1 && usable(g[0]!)).map((g) => g[0]!) : [];
  };
  switch (expr.kind) {
    case "ref":
      return ref(expr.name);
    case "of":
      return expr.quantifier === "one" || expr.names.length === 1 ? expr.names.flatMap(ref) : [];
    case "or":
      return expr.items.flatMap((e) => sufficient(e, ids));
    case "and":
      return expr.items.length === 1 ? sufficient(expr.items[0]!, ids) : [];
    case "not":
      return vetoPredicates(expr.item, ids);
  }
}

/**
 * Predicates on one field's value that each, holding, make the condition false: the filters of
 * `selection and not 1 of filter_*` (an AND fails when one item does; `not X` fails when X holds).
 * Conservative: an OR or a plain reference gives none.
 */
export function vetoPredicates(
  expr: ConditionExpr,
  ids: ReadonlyMap<string, SearchIdentifier>,
): FieldPredicate[] {
  switch (expr.kind) {
    case "and":
      return expr.items.flatMap((e) => vetoPredicates(e, ids));
    case "not":
      return sufficient(expr.item, ids);
    default:
      return [];
  }
}

const NO_FIELDS = Object.freeze({});

/**
 * A predicate on one field's value as a test of such a value: the compiled matcher, on a view of
 * an event whose only field is that value, so the answer is the one the rule's matcher gives.
 * Undefined for a predicate that reads more than that value (a keyword, a `fieldref`).
 */
export function valueTest(p: FieldPredicate): ((value: JsonValue | undefined) => boolean) | undefined {
  if (!usable(p) || p.kind !== "values" || p.field === null) return undefined;
  const field = p.field;
  const matches = compileIdentifier({ name: "value", groups: [[p]] });
  return (value) => matches(new EventView(NO_FIELDS, new Map([[field, () => value]])));
}

const keys = new WeakMap<FieldPredicate, string>();

/** A structural key: vetoes written alike in many rules (the same System32 filter) are tested once. */
export const vetoKey = (p: FieldPredicate): string => {
  let key = keys.get(p);
  if (key === undefined) {
    key = JSON.stringify(p);
    keys.set(p, key);
  }
  return key;
};

/**
 * Value tests (see valueTest) by predicate (vetoKey), shared by a rule set's prefilters: rules
 * share filters and selections written alike, and a rule is in the prefilter of each route it is
 * in (every Windows route for a rule on all Windows events). Undefined: not a value test.
 */
export type ValueTests = Map<string, ((value: JsonValue | undefined) => boolean) | undefined>;

/** A predicate's value test, compiled once for all prefilters sharing `tests`. */
export function sharedValueTest(
  p: FieldPredicate,
  tests: ValueTests,
): ((value: JsonValue | undefined) => boolean) | undefined {
  const key = vetoKey(p);
  if (!tests.has(key)) tests.set(key, valueTest(p));
  return tests.get(key);
}

/** A veto predicate (see vetoPredicates) as a test of the field's value (see sharedValueTest). */
export function vetoTest(p: FieldPredicate, tests: ValueTests = new Map()): (value: JsonValue) => boolean {
  const test = sharedValueTest(p, tests);
  if (test === undefined) throw new Error("bug: not a veto predicate");
  return test;
}
