// The fast matcher: turns a rule's AST into closures once, so evaluating an event is a handful of
// string operations on lower-cased field values cached per event. Checked against interpret.ts.

import { type FieldAliases, internName, type JsonObject, type JsonValue } from "../../core/index.js";
import type { ConditionExpr, FieldPredicate, Pattern, SearchIdentifier, ValueTest } from "./ast.js";
import { escapeRegExp } from "./pattern.js";
import { compileRuleRegex } from "./regex.js";
import {
  compareHolds,
  getField,
  inNetwork,
  leafTexts,
  modeHolds,
  parseCidr,
  parseTime,
  scalarNumber,
  scalarText,
  timePart,
} from "./values.js";

const ABSENT = Symbol("absent");

/**
 * One event as the compiled matchers read it, with per-event caches of looked-up and lowered
 * values. The caches are short lists searched in order: a rule reads a few fields, and a handful of
 * string comparisons cost less than creating and probing two Maps per event.
 */
export class EventView {
  /**
   * Fields read so far, three entries each: name, value (ABSENT when missing), lower-cased text
   * (ABSENT until asked for). Created on first use: most events reach no rule at all.
   */
  private cache: (string | JsonValue | undefined | typeof ABSENT)[] | undefined;
  private leaves: string[] | undefined;
  private leavesLower: string[] | undefined;

  /** `aliases`: fields read through them rather than from `fields` (see MappedEvent.aliases). */
  constructor(
    readonly fields: JsonObject,
    private readonly aliases?: FieldAliases,
  ) {}

  /** The index in `cache` of a field's entry, looked up in the event on first use. */
  private slot(field: string): number {
    this.cache ??= [];
    const cache = this.cache;
    for (let i = 0; i < cache.length; i += 3) if (cache[i] === field) return i;
    const alias = this.aliases?.get(field);
    // where the alias gives nothing, the field's own value, as copyFields has it; `??` would turn
    // a present null into ABSENT: null is a value (exists: true, `field: null`)
    const aliased = alias !== undefined ? alias(this.fields) : undefined;
    const v = aliased !== undefined ? aliased : getField(this.fields, field);
    cache.push(field, v === undefined ? ABSENT : v, ABSENT);
    return cache.length - 3;
  }

  raw(field: string): JsonValue | undefined {
    const i = this.slot(field);
    const v = this.cache![i + 1];
    return v === ABSENT ? undefined : (v as JsonValue);
  }

  lower(field: string): string | undefined {
    const i = this.slot(field);
    const cache = this.cache!;
    const l = cache[i + 2];
    if (l !== ABSENT) return l as string | undefined;
    const v = cache[i + 1];
    const lower = scalarText(v === ABSENT ? undefined : (v as JsonValue))?.toLowerCase();
    cache[i + 2] = lower;
    return lower;
  }

  keywordTexts(lowered: boolean): readonly string[] {
    this.leaves ??= leafTexts(this.fields);
    if (!lowered) return this.leaves;
    this.leavesLower ??= this.leaves.map((s) => s.toLowerCase());
    return this.leavesLower;
  }
}

type TextTest = (s: string) => boolean;

/** A string test for a pattern; the subject is already lower-cased unless `cased`. */
export function compilePattern(pattern: Pattern, cased: boolean): TextTest {
  const parts = pattern.parts.map((p) =>
    p.kind === "text" && !cased ? { kind: "text" as const, text: p.text.toLowerCase() } : p,
  );
  const shape = parts.map((p) => (p.kind === "text" ? "t" : p.kind === "any" ? "*" : "x")).join("");
  const text = (i: number) => (parts[i] as { text: string }).text;
  switch (shape) {
    case "":
      return (s) => s === "";
    case "t": {
      const a = text(0);
      return (s) => s === a;
    }
    case "*":
      return () => true;
    case "*t": {
      const a = text(1);
      return (s) => s.endsWith(a);
    }
    case "t*": {
      const a = text(0);
      return (s) => s.startsWith(a);
    }
    case "*t*": {
      const a = text(1);
      return (s) => s.includes(a);
    }
    case "t*t": {
      const a = text(0);
      const b = text(2);
      return (s) => s.length >= a.length + b.length && s.startsWith(a) && s.endsWith(b);
    }
  }
  const src = parts
    .map((p) =>
      p.kind === "text"
        ? escapeRegExp(p.text)
        : p.kind === "any"
          ? ".*"
          : p.kind === "one"
            ? "."
            : "[-/\u2013\u2014\u2015]",
    )
    .join("");
  const re = new RegExp(`^${src}$`, "su");
  return (s) => re.test(s);
}

/** A test of one scalar: `text` is the value as a string (lower-cased for case-insensitive tests). */
interface ScalarTest {
  readonly lowered: boolean;
  /** Tests the value as a whole (null test) rather than each element of an array. */
  readonly wholeValue?: boolean;
  readonly run: (text: string | undefined, raw: JsonValue | undefined, ev: EventView) => boolean;
}

function compileTest(test: ValueTest): ScalarTest {
  switch (test.kind) {
    case "null":
      return { lowered: false, wholeValue: true, run: (_t, raw) => raw === undefined || raw === null };
    case "pattern": {
      const f = compilePattern(test.pattern, test.cased);
      return { lowered: !test.cased, run: (t) => t !== undefined && f(t) };
    }
    case "regex": {
      const re = compileRuleRegex(test.source, test.flags);
      if (!("test" in re))
        throw new Error(`bug: regex ${test.source} was accepted at load but does not compile`);
      return { lowered: false, run: (t) => t !== undefined && re.test(t) };
    }
    case "cidr": {
      const net = parseCidr(test.cidr);
      return { lowered: false, run: (t) => t !== undefined && net !== undefined && inNetwork(net, t) };
    }
    case "compare": {
      const { op, value } = test;
      return {
        lowered: false,
        run: (_t, raw) => {
          const n = scalarNumber(raw);
          return n !== undefined && compareHolds(op, n, value);
        },
      };
    }
    case "fieldref": {
      const { cased, mode } = test;
      const field = internName(test.field);
      return {
        lowered: !cased,
        run: (t, _raw, ev) => {
          const other = cased ? scalarText(ev.raw(field)) : ev.lower(field);
          if (t === undefined || other === undefined) return false;
          return modeHolds(mode, t, other);
        },
      };
    }
    case "time": {
      const inner = compileTest(test.test);
      const part = test.part;
      return {
        lowered: false,
        run: (_t, raw, ev) => {
          const ms = parseTime(raw);
          if (ms === undefined) return false;
          const n = timePart(ms, part);
          return inner.run(String(n), n, ev);
        },
      };
    }
  }
}

export type Matcher = (ev: EventView) => boolean;

/** Alternatives at least this many: plain equals / startswith / endswith become table lookups. */
const MANY = 8;

/**
 * The tests of an OR list (`Field|endswith: [...]` of hundreds of DLL names): equals, startswith
 * and endswith of case-insensitive texts are looked up in sets by length, one lookup per distinct
 * length instead of one comparison per value; the other tests stay as they are.
 */
function compileAlternatives(list: readonly ValueTest[]): ScalarTest[] {
  const equals = new Set<string>();
  const prefixes = new Map<number, Set<string>>();
  const suffixes = new Map<number, Set<string>>();
  const rest: ValueTest[] = [];
  let tabled = 0;
  const add = (by: Map<number, Set<string>>, text: string) => {
    let set = by.get(text.length);
    if (!set) {
      set = new Set();
      by.set(text.length, set);
    }
    set.add(text);
  };
  for (const t of list) {
    if (t.kind !== "pattern" || t.cased) {
      rest.push(t);
      continue;
    }
    const parts = t.pattern.parts;
    const shape = parts.map((x) => (x.kind === "text" ? "t" : x.kind === "any" ? "*" : "x")).join("");
    const text = (i: number) => (parts[i] as { text: string }).text.toLowerCase();
    if (shape === "t") equals.add(text(0));
    else if (shape === "t*") add(prefixes, text(0));
    else if (shape === "*t") add(suffixes, text(1));
    else {
      rest.push(t);
      continue;
    }
    tabled++;
  }
  if (tabled < MANY) return list.map(compileTest);
  // Per length, the characters the texts of that length have at their inner end (a prefix's last,
  // a suffix's first): "\\x.dll" suffixes all start with a backslash, so of a dozen lengths mostly
  // one needs the slice and the hash of the slice.
  const byLength = (by: Map<number, Set<string>>, inner: (text: string) => number) =>
    [...by.entries()].map(([n, set]) => ({ n, set, ends: new Set([...set].map(inner)) }));
  const prefixLengths = byLength(prefixes, (p) => p.charCodeAt(p.length - 1));
  const suffixLengths = byLength(suffixes, (x) => x.charCodeAt(0));
  const table: ScalarTest = {
    lowered: true,
    run: (t) => {
      if (t === undefined) return false;
      if (equals.has(t)) return true;
      for (const { n, set, ends } of prefixLengths) {
        if (t.length >= n && ends.has(t.charCodeAt(n - 1)) && set.has(t.slice(0, n))) return true;
      }
      for (const { n, set, ends } of suffixLengths) {
        if (t.length >= n && ends.has(t.charCodeAt(t.length - n)) && set.has(t.slice(t.length - n)))
          return true;
      }
      return false;
    },
  };
  return [table, ...rest.map(compileTest)];
}

function compilePredicate(p: FieldPredicate): Matcher {
  if (p.kind === "exists") {
    const { field, expected } = p;
    return (ev) => (ev.raw(field) !== undefined) === expected;
  }
  const all = p.combine === "all";
  const tests = all ? p.tests.map(compileTest) : compileAlternatives(p.tests);
  const negate = p.negate;
  const field = p.field === null ? null : internName(p.field);
  const anyLowered = tests.some((t) => t.lowered);
  const anyRawText = tests.some((t) => !t.lowered);
  const longest = all ? Number.POSITIVE_INFINITY : longestEqual(p.tests);
  if (field === null) {
    // keywords: each test must hold on some value of the event (contains semantics)
    const kw = p.tests.map((t) =>
      t.kind === "pattern"
        ? compileTest({ ...t, pattern: { parts: [{ kind: "any" }, ...t.pattern.parts, { kind: "any" }] } })
        : compileTest(t),
    );
    const one = (t: ScalarTest, ev: EventView) => ev.keywordTexts(t.lowered).some((s) => t.run(s, s, ev));
    return (ev) => {
      const r = all ? kw.every((t) => one(t, ev)) : kw.some((t) => one(t, ev));
      return negate ? !r : r;
    };
  }
  const onScalar = (
    raw: JsonValue | undefined,
    lower: string | undefined,
    text: string | undefined,
    ev: EventView,
  ) => {
    if (all) {
      for (const t of tests) if (!t.run(t.lowered ? lower : text, raw, ev)) return false;
      return true;
    }
    for (const t of tests) if (t.run(t.lowered ? lower : text, raw, ev)) return true;
    return false;
  };
  return (ev) => {
    const raw = ev.raw(field);
    let r: boolean;
    if (Array.isArray(raw)) {
      // an array field matches a test when any element does
      const elems = raw.map((v) => ({ raw: v, text: scalarText(v) }));
      const hit = (t: ScalarTest) =>
        t.wholeValue
          ? t.run(undefined, raw, ev)
          : elems.some((e) => t.run(t.lowered ? e.text?.toLowerCase() : e.text, e.raw, ev));
      r = all ? tests.every(hit) : tests.some(hit);
    } else if (typeof raw === "string" && raw.length > longest) {
      // no test can hold: each is an equality with a text shorter than the value, even lower-cased
      r = false;
    } else {
      const lower = anyLowered ? ev.lower(field) : undefined;
      const text = anyRawText ? scalarText(raw) : undefined;
      r = onScalar(raw, lower, text, ev);
    }
    return negate ? !r : r;
  };
}

/**
 * When every test of an OR list is an equality with a text (`Description: ['-', '']`), the length of
 * the longest such text; otherwise infinity. A string longer than that equals none of them, also
 * lower-cased, as toLowerCase never shortens a string (it only lengthens U+0130): the matcher then
 * answers without reading the value lower-cased.
 */
export function longestEqual(tests: readonly ValueTest[]): number {
  let longest = 0;
  for (const t of tests) {
    if (t.kind !== "pattern" || t.pattern.parts.some((part) => part.kind !== "text"))
      return Number.POSITIVE_INFINITY;
    const text = t.pattern.parts.map((part) => (part as { text: string }).text).join("");
    // the test compares with the text lower-cased (unless cased), which may be longer than written
    const compared = t.cased ? text : text.toLowerCase();
    longest = Math.max(longest, compared.length);
  }
  return longest;
}

/** A rough cost so cheap predicates run first inside an AND group (AND is order-free). */
function cost(p: FieldPredicate): number {
  if (p.kind === "exists") return 0;
  if (p.field === null) return 50;
  return p.tests.reduce(
    (sum, t) => sum + (t.kind === "regex" ? 20 : t.kind === "pattern" ? 1 + t.pattern.parts.length : 3),
    0,
  );
}

/**
 * An identifier's matcher. `likely`: predicates that probably hold for the events it will see (the
 * prefilter's, see likelyPredicates); an AND group tests them last. AND is order-free.
 */
export function compileIdentifier(id: SearchIdentifier, likely?: ReadonlySet<FieldPredicate>): Matcher {
  const rank = (p: FieldPredicate) => (likely?.has(p) ? 1000 : 0) + cost(p);
  const groups = id.groups.map((g) => [...g].sort((a, b) => rank(a) - rank(b)).map(compilePredicate));
  if (groups.length === 1) {
    const g = groups[0]!;
    if (g.length === 1) return g[0]!;
    return (ev) => {
      for (const m of g) if (!m(ev)) return false;
      return true;
    };
  }
  return (ev) => groups.some((g) => g.every((m) => m(ev)));
}

/**
 * A condition's matcher. With `likely` (see compileIdentifier), the items of an AND that rest on
 * such predicates are tested after the others: for a rule the prefilter lets through, the other
 * items are the ones that can fail.
 */
export function compileCondition(
  expr: ConditionExpr,
  identifiers: ReadonlyMap<string, SearchIdentifier>,
  likely?: ReadonlySet<FieldPredicate>,
): Matcher {
  const cache = new Map<string, Matcher>();
  const ref = (name: string): Matcher => {
    let m = cache.get(name);
    if (!m) {
      const id = identifiers.get(name);
      if (!id) throw new Error(`bug: condition refers to unknown identifier ${name}`);
      m = compileIdentifier(id, likely);
      cache.set(name, m);
    }
    return m;
  };
  const restsOnLikely = (e: ConditionExpr): boolean => {
    if (likely === undefined || likely.size === 0) return false;
    const names = e.kind === "ref" ? [e.name] : e.kind === "of" ? e.names : [];
    return names.some((n) => identifiers.get(n)?.groups.some((g) => g.some((p) => likely.has(p))) ?? false);
  };
  const walk = (e: ConditionExpr): Matcher => {
    switch (e.kind) {
      case "ref":
        return ref(e.name);
      case "not": {
        const m = walk(e.item);
        return (ev) => !m(ev);
      }
      case "and": {
        const ordered = [...e.items.filter((i) => !restsOnLikely(i)), ...e.items.filter(restsOnLikely)];
        const ms = ordered.map(walk);
        return (ev) => {
          for (const m of ms) if (!m(ev)) return false;
          return true;
        };
      }
      case "or": {
        const ms = e.items.map(walk);
        return (ev) => {
          for (const m of ms) if (m(ev)) return true;
          return false;
        };
      }
      case "of": {
        const ms = e.names.map(ref);
        return e.quantifier === "all" ? (ev) => ms.every((m) => m(ev)) : (ev) => ms.some((m) => m(ev));
      }
    }
  };
  return walk(expr);
}
