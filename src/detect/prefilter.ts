// Prefilter: for each rule, up to three necessary conditions (clauses) "field F contains one of
// these needles", derived from its AST, and its vetoes (see vetoes.ts): single-field predicates
// that rule it out. Per event, one multi-needle scan per field value (remembered per value in a
// memo) finds the few rules worth evaluating: those whose clauses all hold and that no value
// vetoes. With the memo, a clause found by a needle is checked once per value against the
// predicates it came from (see Refined); a rule without needles gets clauses of the predicates it
// requires (see presenceClauses), and only a rule without either is always evaluated unless
// vetoed. Sound by construction: a rule that matches satisfies its necessary conditions and none
// of its vetoes, and the differential tests check the whole engine.

import { type FieldAliases, internName, type JsonObject, type JsonValue } from "../core/index.js";
import { emptyList, truncateList } from "./scratch.js";
import type { ConditionExpr, FieldPredicate, Pattern, SearchIdentifier, ValueTest } from "./sigma/ast.js";
import { escapeRegExp } from "./sigma/pattern.js";
import { classEnd, countAt } from "./sigma/regex.js";
import { getField } from "./sigma/values.js";
import { SubstringSet } from "./substrings.js";
import { ValueMemo } from "./value-memo.js";
import { sharedValueTest, type ValueTests, vetoKey, vetoTest } from "./vetoes.js";

/** The pseudo-field of keyword (field-less) values: any value of the event. */
export const ANY_VALUE = "\u0000any";

/** A necessary condition: the field's lower-cased value contains (or, `exact`, equals) the needle. */
export interface Atom {
  readonly field: string;
  readonly needle: string;
  readonly exact: boolean;
  /** The predicate it was derived from (see likelyPredicates). */
  readonly source?: FieldPredicate;
}

/** Alternatives: the rule can only match if at least one atom holds. `undefined`: nothing derivable. */
export type Necessary = readonly Atom[] | undefined;

function patternAtom(field: string, pattern: Pattern): Atom | undefined {
  const texts = pattern.parts
    .filter((p) => p.kind === "text")
    .map((p) => (p as { text: string }).text.toLowerCase());
  if (texts.length === 0) return undefined;
  const exact = pattern.parts.length === 1;
  const needle = texts.reduce((a, b) => (b.length > a.length ? b : a));
  return { field, needle, exact };
}

/** Characters that stand for themselves after a backslash. */
const ESCAPED_LITERAL = /[\\^$.|?*+()[\]{}/\-!"#%&',:;<=>@`~ ]/;

/**
 * The longest run of literal characters every match of a regex contains, lower-cased, or
 * undefined. Conservative: an alternation at the top level gives nothing, groups and classes end a
 * run, a character made optional by `?`, `*` or `{` leaves it. Only ASCII; under `i`, no `s` or `k`
 * either (RE2's case folding equates them with U+017F and U+212A, which toLowerCase does not).
 */
export function regexLiteral(source: string, flags: string): string | undefined {
  let src = source;
  let ignoreCase = flags.includes("i");
  const inline = /^\(\?([ims]+)\)/.exec(src);
  if (inline) {
    ignoreCase ||= inline[1]!.includes("i");
    src = src.slice(inline[0].length);
  }
  let best = "";
  let run = "";
  const end = () => {
    if (run.length > best.length) best = run;
    run = "";
  };
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    let literal: string | undefined;
    if (c === "\\") {
      const e = src[i + 1];
      if (e === undefined || e === "Q") return undefined;
      if (ESCAPED_LITERAL.test(e)) literal = e;
      i += 2;
    } else if (c === "[") {
      i = classEnd(src, i);
    } else if (c === "(") {
      let depth = 0;
      while (i < src.length) {
        const g = src[i]!;
        if (g === "\\") i++;
        else if (g === "[") {
          i++;
          while (i < src.length && src[i] !== "]") i += src[i] === "\\" ? 2 : 1;
        } else if (g === "(") depth++;
        else if (g === ")" && --depth === 0) break;
        i++;
      }
      i++;
    } else if (c === "|") return undefined;
    else {
      // `{` not starting a count is a literal brace for V8, but not for every engine: no literal
      if (!".^$)*+?{}".includes(c)) literal = c;
      i++;
    }
    // a quantifier: `+` keeps the item (once at least), the others may drop it; all end the run
    const q = src[i];
    const counted = q === "{" ? countAt(src, i) : undefined;
    const quantified = q === "?" || q === "*" || q === "+" || counted !== undefined;
    const optional = quantified && q !== "+";
    if (quantified) {
      i += counted ? counted.text.length : 1;
      if (src[i] === "?" || src[i] === "+") i++; // lazy or possessive
    }
    const ascii = literal !== undefined && literal.charCodeAt(0) < 128;
    const folds = ignoreCase && literal !== undefined && /[sk]/i.test(literal);
    if (literal === undefined || !ascii || folds || optional) {
      end();
      continue;
    }
    run += literal.toLowerCase();
    if (quantified) end();
  }
  end();
  return best.length > 0 ? best : undefined;
}

function predicateAtoms(p: FieldPredicate): Necessary {
  return atomsOf(p)?.map((a) => ({ ...a, source: p }));
}

/**
 * The predicates behind a rule's prefilter conditions. A rule is evaluated only for events where
 * those conditions hold, so these predicates mostly hold too: the matcher tests them last, and
 * the predicates that can still fail first.
 */
export function likelyPredicates(clauses: Clauses): ReadonlySet<FieldPredicate> {
  const out = new Set<FieldPredicate>();
  for (const c of clauses) for (const a of c) if (a.source !== undefined) out.add(a.source);
  return out;
}

/**
 * The clauses a predicate gives: its atoms as one, except that each test of a field's `|all` list
 * is necessary by itself (`TargetObject|contains|all: ['\\Services\\', '\\NetworkProvider']`
 * holds only where both do), so each is a clause of its own.
 */
function predicateClauses(p: FieldPredicate): Atom[][] {
  if (p.kind === "values" && p.combine === "all" && p.field !== null && !p.negate && p.tests.length > 1) {
    const one = (t: ValueTest) => predicateAtoms({ ...p, tests: [t] });
    // the same source predicate for each, so the matcher knows them all as likely (likelyPredicates)
    return p.tests.flatMap((t) => one(t)?.map((a) => [{ ...a, source: p }]) ?? []);
  }
  const atoms = predicateAtoms(p);
  return atoms ? [[...atoms]] : [];
}

function atomsOf(p: FieldPredicate): Necessary {
  if (p.kind !== "values" || p.negate || p.tests.length === 0) return undefined;
  if (p.field === null) {
    // keywords are contained in some value: their longest text is a necessary substring there
    const atoms = p.tests.map((t) => (t.kind === "pattern" ? patternAtom(ANY_VALUE, t.pattern) : undefined));
    if (atoms.some((a) => a === undefined)) return undefined;
    const loose = (atoms as Atom[]).map((a) => ({ ...a, exact: false }));
    if (p.combine === "all") return [loose.reduce((a, b) => (b.needle.length > a.needle.length ? b : a))];
    return loose;
  }
  const atoms: Atom[] = [];
  const field = p.field;
  const atomOf = (t: ValueTest): Atom | undefined => {
    if (t.kind === "pattern") return patternAtom(field, t.pattern);
    if (t.kind !== "regex") return undefined;
    const needle = regexLiteral(t.source, t.flags);
    return needle === undefined ? undefined : { field, needle, exact: false };
  };
  if (p.combine === "all") {
    // every test must hold: any single one is necessary; take the longest needle
    let best: Atom | undefined;
    for (const t of p.tests) {
      const a = atomOf(t);
      if (a && (!best || a.needle.length > best.needle.length)) best = a;
    }
    return best ? [best] : undefined;
  }
  for (const t of p.tests) {
    const a = atomOf(t);
    if (!a) return undefined;
    atoms.push(a);
  }
  return atoms;
}

/**
 * The length of the shortest needle: a shorter value cannot hold one once lower-cased, as
 * toLowerCase lengthens only U+0130 ("i\u0307"), and only a needle with U+0307 could use that.
 */
const shortest = (needles: readonly string[]): number =>
  needles.some((n) => n.includes("\u0307")) ? 0 : Math.min(...needles.map((n) => n.length));

/** How weak a set of alternatives is: short needles and many alternatives filter little. */
const weakness = (atoms: readonly Atom[]) =>
  atoms.reduce((s, a) => s + 1 / (a.needle.length + (a.exact ? 4 : 0)), 0);

/** Necessary conditions that must all hold (each: one of its atoms), strongest first; [] when none. */
export type Clauses = readonly (readonly Atom[])[];

/**
 * The most clauses a rule keeps. Needle length is a poor guide to how often a clause holds (a
 * short `EventID: 4663` or `Details: 'DWORD (0x00000001)'` holds for much of a log, a list of a
 * dozen registry paths almost never), so a rule keeps three rather than bet on the two "strongest".
 * (Three grow the CommandLine automaton from 200 to 313 MiB; routes share it, see Automata.)
 */
export const MAX_CLAUSES = 3;

/** A rule's clauses are slots rule * 4 + clause (a shift, not a division, finds the rule). */
const SLOT_BITS = 2;

/**
 * The strongest conditions, on distinct fields first: a rule is evaluated only for events that
 * hold all of them, and conditions on one field tend to hold together (the pieces of
 * `ObjectName|contains|all` for one registry path), while another field's mostly does not.
 */
function strongestClauses(options: Clauses): Clauses {
  const ranked = [...options].sort((a, b) => weakness(a) - weakness(b));
  const chosen: (readonly Atom[])[] = [];
  const fields = new Set<string>();
  for (const c of ranked) {
    if (chosen.length < MAX_CLAUSES && !fields.has(fieldsOf(c))) {
      chosen.push(c);
      fields.add(fieldsOf(c));
    }
  }
  for (const c of ranked) {
    if (chosen.length < MAX_CLAUSES && !chosen.includes(c)) chosen.push(c);
  }
  return chosen;
}

/** The fields a clause's atoms are on, as a key (clauses on the same fields pair up in orClauses). */
const fieldsOf = (c: readonly Atom[]): string => [...new Set(c.map((a) => a.field))].sort().join("\u0000");

/** Up to this many unions of one clause per branch, an OR with room left also weighs all of them. */
const MAX_UNIONS = 27;

/** The atoms of a clause as a key: two clauses with the same key are the same condition. */
const clauseKey = (c: readonly Atom[]): string =>
  [...new Set(c.map((a) => `${a.exact ? "=" : "~"}${a.field}\u0000${a.needle}`))].sort().join("\u0001");

/**
 * Clauses necessary for an OR of branches, given each branch's: a clause of each branch, united,
 * is necessary for the OR (whichever branch holds, its clause does). Clauses pair up by the fields
 * they test (`TargetObject` with `TargetObject`, `Details` with `Details`), so the unions stay as
 * strong as the branches' clauses: the first branch's clauses that every other branch can match
 * by field are paired first, the others with what is left (`Image|contains: '\Windows\'` of one
 * branch and `CommandLine|contains` of both would otherwise unite Image with the other branch's
 * CommandLine, a clause that holds for most events). Where that leaves room (one branch has
 * fewer clauses), other unions fill it: `Image|endswith: '\ImagingDevices.exe'` of one branch
 * with `ParentImage|endswith: '\ImagingDevices.exe'` of the other, beside the ParentImage pair.
 * Another necessary clause only ever rules candidates out. A branch without clauses leaves the
 * OR none.
 */
function orClauses(branches: readonly Clauses[]): Clauses {
  if (branches.length === 0 || branches.some((b) => b.length === 0)) return [];
  if (branches.length === 1) return branches[0]!;
  const chosen = strongestClauses(pairedUnions(branches));
  if (chosen.length >= MAX_CLAUSES || branches.reduce((n, b) => n * b.length, 1) > MAX_UNIONS) return chosen;
  let unions: (readonly Atom[])[] = [[]];
  for (const b of branches) unions = unions.flatMap((u) => b.map((c) => [...u, ...c]));
  const seen = new Set(chosen.map(clauseKey));
  const others = unions.filter((u) => {
    const key = clauseKey(u);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return [...chosen, ...strongestClauses(others)].slice(0, MAX_CLAUSES);
}

/** One union per clause of the first branch, each with a clause of every other branch (see orClauses). */
function pairedUnions(branches: readonly Clauses[]): Atom[][] {
  const [first, ...rest] = branches;
  const unused = rest.map((b) => [...b]);
  const sameFields = (c: readonly Atom[]) => unused.every((u) => u.some((x) => fieldsOf(x) === fieldsOf(c)));
  const paired = [...first!.filter(sameFields), ...first!.filter((c) => !sameFields(c))];
  const out: Atom[][] = [];
  for (const c of paired) {
    const union = [...c];
    for (const u of unused) {
      // the same fields if any, else the branch's strongest clause left
      let at = u.findIndex((x) => fieldsOf(x) === fieldsOf(c));
      if (at < 0) at = 0;
      const [picked] = u.splice(at, 1);
      if (picked === undefined) return out;
      union.push(...picked);
    }
    out.push(union);
  }
  return out;
}

/**
 * Up to MAX_CLAUSES necessary conditions of a rule's condition: it is evaluated only for events
 * that hold them all. An AND pools its items' clauses; an OR (a list of maps, `1 of`) unites its
 * branches' clauses pairwise (see orClauses); a NOT gives none.
 */
export function necessaryClauses(expr: ConditionExpr, ids: ReadonlyMap<string, SearchIdentifier>): Clauses {
  const ref = (name: string): Clauses => {
    const id = ids.get(name);
    if (!id) return [];
    // each group's predicates are AND-ed; the groups are OR-ed
    return orClauses(id.groups.map((g) => strongestClauses(g.flatMap(predicateClauses))));
  };
  switch (expr.kind) {
    case "ref":
      return ref(expr.name);
    case "and":
      return strongestClauses(expr.items.flatMap((e) => necessaryClauses(e, ids)));
    case "of":
      if (expr.quantifier === "all") return strongestClauses(expr.names.flatMap(ref));
      return orClauses(expr.names.map(ref));
    case "or":
      return orClauses(expr.items.map((e) => necessaryClauses(e, ids)));
    case "not":
      return [];
  }
}

/** Predicates that must all hold for `expr` to: those of an AND, of `all of`, of a one-group reference. */
function requiredPredicates(
  expr: ConditionExpr,
  ids: ReadonlyMap<string, SearchIdentifier>,
): FieldPredicate[] {
  const ref = (name: string): FieldPredicate[] => {
    const groups = ids.get(name)?.groups;
    return groups?.length === 1 ? [...groups[0]!] : [];
  };
  switch (expr.kind) {
    case "ref":
      return ref(expr.name);
    case "and":
      return expr.items.flatMap((e) => requiredPredicates(e, ids));
    case "of":
      return expr.quantifier === "all" || expr.names.length === 1 ? expr.names.flatMap(ref) : [];
    default:
      return [];
  }
}

/**
 * Clauses for a rule that necessaryClauses gives none (a regex without a literal, `|cidr`, `|gt`,
 * a wildcard-only pattern): predicates it requires that hold for no absent or null value, each a
 * clause of one atom with the empty needle, which every value holds. The rule is then evaluated
 * only for events that have those fields, and, the slots refined (see Refined), only for values
 * its predicates hold for, instead of for every event of its route.
 */
export function presenceClauses(
  expr: ConditionExpr,
  ids: ReadonlyMap<string, SearchIdentifier>,
  tests: ValueTests = new Map(),
): Clauses {
  const out: Atom[][] = [];
  for (const p of requiredPredicates(expr, ids)) {
    if (p.kind !== "values" || p.field === null || out.length === MAX_CLAUSES) continue;
    const test = sharedValueTest(p, tests);
    if (test === undefined || test(undefined) || test(null)) continue;
    out.push([{ field: p.field, needle: "", exact: false, source: p }]);
  }
  return out;
}

/**
 * Up to this many needles, a field's lower-cased value is searched with String.prototype.includes
 * per needle: native scans beat one pass of the automaton in JS (about 3 ns a character).
 */
const FEW_NEEDLES = 8;

/** Keys of the last event remembered for the next (see Prefilter.lastKeys). */
const MAX_KEYS_KEPT = 256;

/** With more indexed fields than this, candidates walks the event's keys instead of the fields. */
const BY_KEY = 24;

interface FieldIndex {
  readonly field: string;
  readonly exact: Map<string, number[]>;
  /**
   * A field with exact needles only: those that are numbers as JSON writes them ("4688"), by
   * number, so a numeric value (EventID) is looked up as it is, without String and toLowerCase.
   */
  readonly numbers: NumberIndex | undefined;
  readonly contains: SubstringSet | undefined;
  readonly containsRules: number[][];
  /** ANY_VALUE only: does a value hold a keyword needle? */
  readonly anyValue: ((text: string) => boolean) | undefined;
  /** The length of the shortest contains-needle: shorter values cannot hold any. */
  readonly shortest: number;
  /** The length of the longest exact needle. */
  readonly longestExact: number;
  /** The substring needles, in id order (containsRules' order). */
  readonly needles: readonly string[];
  /** Built on the first long value: does a text hold any of `needles`? (see scan) */
  anyNeedle?: (text: string) => boolean;
  /** A few needles (ids in order), sought one by one with the native includes instead of `contains`. */
  readonly few: readonly string[] | undefined;
  /** Slots of atoms with the empty needle (see presenceClauses): any value holds them. */
  readonly present: readonly number[];
  /** No dot in the name: the field is the own key of that name (getField's first step). */
  readonly plain: boolean;
  /**
   * Values already scanned, with the slots they make hold and whether they hold a keyword: log
   * fields repeat (the same DLL paths, registry keys and call stacks all day), and a lookup costs a
   * hash of a sample of the value instead of a scan per needle, or for exact needles a lower-casing
   * and a hash of every character. Bounded (see MEMO_CHARS).
   */
  memo: ValueMemo<Seen> | undefined;
  /**
   * Memo lookups and misses on this field (every lookup is one or the other): a field whose values
   * rarely repeat loses its memo, and memoStats sums them.
   */
  lookups: number;
  misses: number;
  /**
   * The last value looked up, and what was found: the memo's cheapest path, as consecutive events
   * often share a value (the same process, the same key). A different value mostly differs in
   * length, which `===` compares first.
   */
  lastValue: string | undefined;
  lastSeen: Seen;
  /** The veto predicates on this field (see vetoes.ts), each with the rules it rules out. */
  readonly vetoes: readonly Veto[];
  /**
   * Per slot whose atoms on this field all come from predicates on this field's value alone: those
   * predicates as tests (see Refined). Undefined without a memo (refining is paid once per value).
   */
  readonly refine: Map<number, Refined> | undefined;
}

/**
 * The predicates a clause's atoms on one field were taken from. A needle in the value is only a
 * sign that the predicate may hold (`Image|contains: '.exe'` from `Image|endswith: '\svc.exe'` is
 * found in most values, a regex's literal in more); the predicate itself decides exactly. The
 * matcher can only match where one of them holds on the value it reads (whichever branch of an OR
 * holds, its predicate does), so on a memo miss a slot found by a needle is kept only if one of
 * them holds, and the memo remembers that: a rule becomes a candidate far less often.
 */
type Refined = readonly ((value: JsonValue) => boolean)[];

/** A veto predicate as a test of a value, and the rules whose conditions it makes false. */
interface Veto {
  readonly test: (value: JsonValue) => boolean;
  readonly rules: number[];
}

/**
 * How a field's value was read, for vetoes: only the value the rule's matcher reads may veto it.
 * ALIAS: through the pipeline's alias, as the matcher reads it. PATH: getField, as the matcher
 * reads a field that has no alias. KEY: the walk's `fields[key]`, which is getField's value only
 * for an own key and a field without an alias.
 */
type Read = 0 | 1 | 2;
const ALIAS: Read = 0;
const PATH: Read = 1;
const KEY: Read = 2;

/**
 * The indexed fields of a route by name, for the walk over an event's keys: an open-addressing
 * table hashed on a key's length and three of its characters, each slot a name and its value side
 * by side. A Sysmon route indexes 5 to 9 of an event's 30 keys; most others find an empty slot at
 * once, and no key pays a Map lookup (the bit filter before the Map let 11 of the 30 through).
 */
export class NameTable<V> {
  /** Slot i at 2i (the name) and 2i + 1 (its value). */
  private readonly slots: (string | V | undefined)[];
  /** 32 minus the table's size in bits: the hash's top bits index it. */
  private readonly shift: number;

  constructor(entries: Iterable<readonly [string, V]>) {
    const list = [...entries];
    let bits = 4;
    while (1 << bits < 4 * list.length) bits++;
    this.shift = 32 - bits;
    this.slots = new Array<string | V | undefined>(2 << bits).fill(undefined);
    const mask = (1 << bits) - 1;
    for (const [name, value] of list) {
      let i = this.hash(name);
      while (this.slots[2 * i] !== undefined && this.slots[2 * i] !== name) i = (i + 1) & mask;
      this.slots[2 * i] = name;
      this.slots[2 * i + 1] = value;
    }
  }

  private hash(key: string): number {
    const n = key.length;
    const mix =
      n === 0
        ? 0
        : n ^ (key.charCodeAt(0) << 8) ^ (key.charCodeAt(n >> 1) << 16) ^ (key.charCodeAt(n - 1) << 24);
    return Math.imul(mix, 0x9e3779b1) >>> this.shift;
  }

  get(key: string): V | undefined {
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    for (let i = this.hash(key); ; i = (i + 1) & mask) {
      const name = slots[2 * i];
      if (name === undefined) return undefined;
      if (name === key) return slots[2 * i + 1] as V;
    }
  }
}

/**
 * What the prefilter found in a field value: the slots it makes hold, a keyword or not, and the
 * rules it vetoes.
 */
interface Seen {
  readonly slots: readonly number[];
  readonly keyword: boolean;
  readonly vetoes: readonly number[];
}

const NO_RULES: readonly number[] = Object.freeze([]);
const NOTHING: Seen = Object.freeze({ slots: NO_RULES, keyword: false, vetoes: NO_RULES });
const NOTHING_KEYWORD: Seen = Object.freeze({ slots: NO_RULES, keyword: true, vetoes: NO_RULES });

/** Integers below this (event IDs, logon types) are found through a table indexed by them. */
const SMALL_NUMBER = 1 << 13;

/**
 * Slot lists by number. Every event has an EventID, and a table indexed by it needs no hashing:
 * Map lookups were 2.5 % of a detection profile before this and NameTable, 0.6 % after. The
 * table holds 2 bytes a number up to the largest small needle (about 10 KiB for Windows event IDs).
 */
export class NumberIndex {
  /** 0: no needle; i: lists[i - 1]. */
  private small = new Uint16Array(0);
  private readonly lists: (readonly number[])[] = [];
  private readonly other = new Map<number, readonly number[]>();

  set(n: number, slots: readonly number[]): void {
    if (!(Number.isInteger(n) && n >= 0 && n < SMALL_NUMBER && this.lists.length < 0xffff)) {
      this.other.set(n, slots);
      return;
    }
    if (this.small.length <= n) {
      const grown = new Uint16Array(n + 1);
      grown.set(this.small);
      this.small = grown;
    }
    const at = this.small[n]!;
    if (at !== 0) this.lists[at - 1] = slots;
    else {
      this.lists.push(slots);
      this.small[n] = this.lists.length;
    }
  }

  get(n: number): readonly number[] | undefined {
    // -0 reads index 0: String(-0) is "0", so a value -0 equals the needle "0" as a text does
    if (n >= 0 && n < this.small.length && (n | 0) === n) {
      const at = this.small[n]!;
      return at === 0 ? undefined : this.lists[at - 1];
    }
    return this.other.size === 0 ? undefined : this.other.get(n);
  }
}

/** The exact needles that are a finite number's String(): String(4688) is "4688", not "04688". */
function numericNeedles(exact: ReadonlyMap<string, number[]>): NumberIndex {
  const numbers = new NumberIndex();
  for (const [needle, slots] of exact) {
    const n = Number(needle);
    if (needle.trim() !== "" && Number.isFinite(n) && String(n) === needle) numbers.set(n, slots);
  }
  return numbers;
}

/** Could a lower-cased needle be part of String(n) for some number n, or of "true" or "false"? */
export function inScalarText(needle: string): boolean {
  return (
    /^[0-9.e+-]*$/.test(needle) || ["-infinity", "nan", "true", "false"].some((word) => word.includes(needle))
  );
}

/**
 * Sorts numbers ascending in place: an insertion sort, as candidate lists are a few numbers long,
 * mostly in order already, and Array.prototype.sort with a comparator costs a builtin call and a
 * call per comparison.
 */
function sortSmall(xs: number[]): void {
  if (xs.length > 16) {
    xs.sort((a, b) => a - b);
    return;
  }
  for (let i = 1; i < xs.length; i++) {
    const x = xs[i]!;
    let j = i - 1;
    while (j >= 0 && xs[j]! > x) {
      xs[j + 1] = xs[j]!;
      j--;
    }
    xs[j + 1] = x;
  }
}

/**
 * Substring automata by their needles (in id order). The process_creation rules' CommandLine
 * needles (7,000 of them, a 200 MiB table) are the same in the Sysmon and the Security routes:
 * the routes' prefilters share one automaton, as an automaton's ids are its needles' positions.
 */
export type Automata = Map<string, SubstringSet>;

function automaton(needles: readonly string[], automata: Automata): SubstringSet {
  const key = needles.join("\u0000");
  let set = automata.get(key);
  if (set === undefined) {
    set = new SubstringSet();
    for (const [id, n] of needles.entries()) set.add(n, id);
    automata.set(key, set);
  }
  return set;
}

/** The largest epoch the Int32Array stamps hold (see Prefilter.nextEpoch). */
const MAX_EPOCH = 0x7fffffff;

/** Values longer than this get a native search for any needle before the automaton's scan... */
const LONG_VALUE = 512;
/** ...when the field has at most this many needles (their regex is built on first use). */
const PRETESTED = 64;

/** Misses after which a field keeps its memo only while at least half its lookups hit. */
const MEMO_TRIAL = 1024;

/** Values longer than this are scanned, not remembered. */
const MEMO_LONGEST = 2048;

/** The characters a route's memos may hold before they are emptied and start over (~8 MB). */
const MEMO_CHARS = 4_000_000;

/**
 * The prefilter for one list of rules (one logsource route). `candidates` returns the indices of
 * the rules worth evaluating for an event, in rule order.
 */
export class Prefilter {
  private readonly fields: FieldIndex[] = [];
  private keyword: FieldIndex | undefined;
  /** Fields named without a dot, by name, and as a list; dotted names go through getField. */
  private readonly byName = new Map<string, FieldIndex>();
  private readonly plain: FieldIndex[] = [];
  private readonly dotted: FieldIndex[] = [];
  private readonly byKey: boolean;
  /** byName for the walk over an event's keys (see NameTable). */
  private readonly names: NameTable<FieldIndex>;
  /**
   * The keys of the last event walked, in order, and what `names` gave for each: events of a route
   * mostly repeat their predecessor's keys, which are interned strings, so a comparison of two
   * pointers replaces most table lookups (a hash of three characters each, 0.8 µs an event).
   */
  private readonly lastKeys: string[] = [];
  private readonly lastIndexed: (FieldIndex | undefined)[] = [];
  /** The last text searched for keywords at each place among an event's keys, and the answer. */
  private readonly lastTexts: (string | undefined)[] = new Array<string | undefined>(MAX_KEYS_KEPT).fill(
    undefined,
  );
  private readonly lastTextHolds = new Uint8Array(MAX_KEYS_KEPT);
  private readonly always: number[] = [];
  /** Per rule: the event (epoch) it was last made a candidate for. */
  private readonly stamp: Int32Array;
  /** Per rule and clause ((rule << SLOT_BITS) + clause): the event it last held for. */
  private readonly held: Int32Array;
  /** Per rule: the event `count` counts for, and how many of its clauses held in it. */
  private readonly counted: Int32Array;
  private readonly count: Uint8Array;
  /** Per rule: how many clauses must hold (1 to MAX_CLAUSES). */
  private readonly need: Uint8Array;
  /** Per rule: the event a value vetoed it in (see vetoes.ts). */
  private readonly vetoed: Int32Array;
  /**
   * The vetoes this event's values gave, applied only when there are candidates (most events have
   * none): the field, the rules, and how the value was read (see Read).
   */
  private readonly vetoFields: FieldIndex[] = [];
  private readonly vetoRules: (readonly number[])[] = [];
  private readonly vetoReads: Read[] = [];
  /** How many of the veto lists' entries are this event's. */
  private vetoCount = 0;
  private epoch = 0;
  /** Scratch list of the needle ids found in one value. */
  private readonly found: number[] = [];
  /** The list candidates returns, reused. */
  private readonly out: number[] = [];
  /** Scratch list of the slots one value makes hold. */
  private readonly slots: number[] = [];
  /** The aliases of the last pipeline seen, and the indexed fields among them (see aliased). */
  private aliasesSeen: FieldAliases | undefined;
  private aliasPlan: (readonly [FieldIndex, (f: JsonObject) => JsonValue | undefined])[] = [];
  /**
   * Can a keyword needle occur in a number or boolean as String() writes it? Mostly not (they have
   * letters other than e), and then the keyword search skips numbers and booleans.
   */
  private scalarKeywords = false;
  /** Characters held by all memos of this prefilter. */
  private memoChars = 0;
  /** The distinct findings of the memos' values, by their slots and keyword flag (see shared). */
  private readonly seenShared = new Map<string, Seen>();

  /**
   * Rule lists below hold slots, (rule << SLOT_BITS) + clause; `always` holds rules. `memo: false` scans
   * every value (to measure what the memo saves). `vetoes`: per rule, its veto predicates (see
   * vetoes.ts); the memo remembers which rules a value vetoes, so without it there are none.
   * `automata`: substring automata by their needles, and `tests`: compiled value tests (vetoes,
   * Refined), both shared with the other routes' prefilters.
   */
  constructor(
    necessary: readonly Clauses[],
    memo = true,
    vetoes: readonly (readonly FieldPredicate[])[] = [],
    automata: Automata = new Map(),
    tests: ValueTests = new Map(),
  ) {
    this.stamp = new Int32Array(necessary.length);
    this.held = new Int32Array(necessary.length << SLOT_BITS);
    this.counted = new Int32Array(necessary.length);
    this.count = new Uint8Array(necessary.length);
    this.need = new Uint8Array(necessary.length);
    this.vetoed = new Int32Array(necessary.length);
    const byField = new Map<
      string,
      {
        exact: Map<string, number[]>;
        needles: Map<string, number[]>;
        /** Per slot, the predicates its atoms on this field come from; null: one has none. */
        sources: Map<number, Set<FieldPredicate> | null>;
        present: number[];
      }
    >();
    const fieldEntry = (name: string) => {
      let f = byField.get(name);
      if (!f) {
        f = { exact: new Map(), needles: new Map(), sources: new Map(), present: [] };
        byField.set(name, f);
      }
      return f;
    };
    necessary.forEach((clauses, rule) => {
      if (clauses.length > 1 << SLOT_BITS) throw new Error(`bug: rule ${rule} has ${clauses.length} clauses`);
      this.need[rule] = Math.max(1, clauses.length);
      if (clauses.length === 0) {
        this.always.push(rule << SLOT_BITS);
        return;
      }
      clauses.forEach((atoms, clause) => {
        const slot = (rule << SLOT_BITS) + clause;
        for (const a of atoms) {
          const f = fieldEntry(internName(a.field));
          if (a.needle === "" && !a.exact) {
            if (!f.present.includes(slot)) f.present.push(slot);
          } else {
            const target = a.exact ? f.exact : f.needles;
            const list = target.get(a.needle) ?? [];
            if (!list.includes(slot)) list.push(slot);
            target.set(a.needle, list);
          }
          const from = f.sources.get(slot);
          if (a.source === undefined || from === null) f.sources.set(slot, null);
          else if (from === undefined) f.sources.set(slot, new Set([a.source]));
          else from.add(a.source);
        }
      });
    });
    const vetoesOn = new Map<string, Map<string, Veto>>();
    if (memo) {
      // A rule without clauses is evaluated for every event its vetoes leave: their fields are
      // indexed for them, clauses or not (`Image|startswith: 'C:\Windows\System32\'` filtering a
      // raw disk access rule that no other rule of the route indexes Image for).
      for (const slot of this.always) {
        for (const p of vetoes[slot >> SLOT_BITS] ?? []) {
          if (p.kind === "values" && p.field !== null) fieldEntry(internName(p.field));
        }
      }
    }
    // without a memo there is nowhere to remember vetoes: none are compiled
    (memo ? vetoes : []).forEach((predicates, rule) => {
      for (const p of predicates) {
        if (p.kind !== "values" || p.field === null) continue;
        const name = internName(p.field);
        // a veto is tested on the values of indexed fields only, which the walk reads anyway
        if (!byField.has(name)) continue;
        let on = vetoesOn.get(name);
        if (!on) {
          on = new Map();
          vetoesOn.set(name, on);
        }
        const key = vetoKey(p);
        let v = on.get(key);
        if (!v) {
          v = { test: vetoTest(p, tests), rules: [] };
          on.set(key, v);
        }
        if (!v.rules.includes(rule)) v.rules.push(rule);
      }
    });
    for (const [field, f] of byField) {
      const anyValue = field === ANY_VALUE;
      const few = !anyValue && f.needles.size <= FEW_NEEDLES;
      const needles = [...f.needles.keys()];
      const containsRules = [...f.needles.values()];
      const set = f.needles.size > 0 && !anyValue && !few ? automaton(needles, automata) : undefined;
      const longestFirst = [...needles].sort((a, b) => b.length - a.length);
      if (anyValue) this.scalarKeywords = needles.some(inScalarText);
      this.fields.push({
        field,
        exact: f.exact,
        numbers: f.needles.size === 0 && !anyValue ? numericNeedles(f.exact) : undefined,
        contains: set,
        containsRules,
        anyValue: anyValue ? keywordScan(longestFirst) : undefined,
        shortest: shortest(needles),
        few: few ? needles : undefined,
        present: f.present,
        needles,
        longestExact: [...f.exact.keys()].reduce((m, n) => Math.max(m, n.length), 0),
        plain: !field.includes("."),
        memo: memo && !anyValue ? new ValueMemo() : undefined,
        lookups: 0,
        misses: 0,
        lastValue: undefined,
        lastSeen: NOTHING,
        vetoes: [...(vetoesOn.get(field)?.values() ?? [])],
        refine: memo && !anyValue ? refinedSlots(f.sources, tests) : undefined,
      });
    }
    for (const f of this.fields) {
      if (f.anyValue) this.keyword = f;
      else if (f.plain) {
        this.byName.set(f.field, f);
        this.plain.push(f);
      } else this.dotted.push(f);
    }
    this.byKey = this.plain.length > BY_KEY;
    this.names = new NameTable(this.byName);
  }

  get alwaysEvaluated(): number {
    return this.always.length;
  }

  /** Marks these slots' clauses as held; appends each rule all of whose clauses now hold, once. */
  private add(slots: readonly number[], out: number[]): void {
    const { stamp, held, need, counted, count, epoch } = this;
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i]!;
      const r = slot >> SLOT_BITS;
      if (stamp[r] === epoch) continue;
      const n = need[r]!;
      if (n > 1) {
        // a clause counts once, however many of its atoms hold
        if (held[slot] === epoch) continue;
        held[slot] = epoch;
        if (counted[r] !== epoch) {
          counted[r] = epoch;
          count[r] = 1;
          continue;
        }
        if (++count[r]! < n) continue;
      }
      stamp[r] = epoch;
      out.push(r);
    }
  }

  /**
   * The indices of the rules worth evaluating for an event's fields, ascending. The array is
   * reused by the next call: read it before that.
   */
  candidates(fields: JsonObject, aliases?: FieldAliases): readonly number[] {
    this.nextEpoch();
    const out = this.out;
    emptyList(out);
    if (this.always.length !== 0) this.add(this.always, out);
    const keyword = this.keyword;
    // No own-key checks: an inherited value can only add candidates (an atom needs the field's
    // own value, so a rule cannot match without one), and a superset is sound.
    if (keyword !== undefined) {
      // One walk over the event's keys serves both the fields and the keywords: an indexed field's
      // memo also holds whether its value has a keyword, so only the other values are searched,
      // with one native regex each (see keywordScan; a text repeated at its place in the last
      // event is not searched again). On a hit, every keyword rule becomes a
      // candidate (few rules have keywords, and their own matcher decides).
      const test = keyword.anyValue!;
      const min = keyword.shortest;
      let hit = false;
      let i = 0;
      for (const k in fields) {
        const v = fields[k];
        const f = this.indexedAt(i++, k);
        if (f !== undefined) {
          if (this.field(f, v, out, !hit, KEY)) hit = true;
        } else if (!hit && v !== null && v !== undefined) {
          if (typeof v === "string") {
            if (v.length >= min && this.keywordIn(i - 1, v, test)) hit = true;
          } else if (typeof v === "object" || this.scalarKeywords) {
            if (someLeaf(v, min, test)) hit = true;
          }
        }
      }
      if (hit) for (const rules of keyword.containsRules) this.add(rules, out);
    } else if (this.byKey) {
      // many indexed fields (Security events): walk the event's keys, fewer than the fields
      let i = 0;
      for (const k in fields) {
        const f = this.indexedAt(i++, k);
        if (f !== undefined) this.field(f, fields[k], out, false, KEY);
      }
    } else {
      const plain = this.plain;
      for (let i = 0; i < plain.length; i++) {
        const f = plain[i]!;
        const v = fields[f.field];
        if (v !== undefined) this.field(f, v, out, false, KEY);
      }
    }
    for (const f of this.dotted) this.field(f, getField(fields, f.field), out, false, PATH);
    if (aliases !== undefined) {
      // aliased fields: their values are values of other keys (the keyword search has seen them),
      // but the field's atoms are tested on them here; the walk above tested the key's own value,
      // which can only have added candidates
      for (const [f, get] of this.aliased(aliases)) this.field(f, get(fields), out, false, ALIAS);
    }
    if (this.vetoCount !== 0) this.applyVetoes(out, fields, aliases);
    if (out.length > 1) sortSmall(out);
    return out;
  }

  /**
   * Starts an event. The per-rule stamps are Int32Array: past 2^31 - 1 events (12 hours at 50k
   * events/s) an epoch stored there would no longer equal itself, and multi-clause rules would
   * never become candidates again. So the epoch restarts, and the stamps are cleared, first.
   */
  private nextEpoch(): void {
    if (this.epoch === MAX_EPOCH) {
      this.epoch = 0;
      this.stamp.fill(0);
      this.held.fill(0);
      this.counted.fill(0);
      this.vetoed.fill(0);
    }
    this.epoch++;
  }

  /** Notes a value's vetoes (see applyVetoes). */
  private veto(f: FieldIndex, rules: readonly number[], read: Read): void {
    const n = this.vetoCount++;
    this.vetoFields[n] = f;
    this.vetoRules[n] = rules;
    this.vetoReads[n] = read;
  }

  /**
   * Removes from the candidates the rules this event's values vetoed, each value only if it is the
   * one their matchers read: not a key's own value where the pipeline aliases the field, nor an
   * inherited one.
   */
  private applyVetoes(out: number[], fields: JsonObject, aliases: FieldAliases | undefined): void {
    const { vetoFields, vetoRules, vetoReads, vetoed, epoch } = this;
    if (out.length !== 0) {
      let any = false;
      for (let v = 0; v < this.vetoCount; v++) {
        const name = vetoFields[v]!.field;
        const read = vetoReads[v]!;
        if (read !== ALIAS && (aliases?.has(name) || (read === KEY && !Object.hasOwn(fields, name))))
          continue;
        const rules = vetoRules[v]!;
        for (let i = 0; i < rules.length; i++) vetoed[rules[i]!] = epoch;
        any = true;
      }
      if (any) {
        let kept = 0;
        for (let i = 0; i < out.length; i++) {
          const r = out[i]!;
          if (vetoed[r] !== epoch) out[kept++] = r;
        }
        truncateList(out, kept);
      }
    }
    this.vetoCount = 0;
  }

  /**
   * Does the text of the event's i-th key hold a keyword? The last event's text at that place is
   * remembered with the answer: host names, channels and provider GUIDs repeat from one event to
   * the next, and comparing them costs less than a regex call.
   */
  private keywordIn(i: number, text: string, test: (text: string) => boolean): boolean {
    if (i < MAX_KEYS_KEPT) {
      if (this.lastTexts[i] === text) return this.lastTextHolds[i] === 1;
      const holds = test(text);
      this.lastTexts[i] = text;
      this.lastTextHolds[i] = holds ? 1 : 0;
      return holds;
    }
    return test(text);
  }

  /** The indexed field of an event's key, if any, the key being the event's i-th. */
  private indexedAt(i: number, key: string): FieldIndex | undefined {
    const keys = this.lastKeys;
    if (i < keys.length && keys[i] === key) return this.lastIndexed[i];
    const f = this.names.get(key);
    if (i <= keys.length && i < MAX_KEYS_KEPT) {
      keys[i] = key;
      this.lastIndexed[i] = f;
    }
    return f;
  }

  /** The indexed fields among a pipeline's aliases, with their getters (one pipeline at a time). */
  private aliased(
    aliases: FieldAliases,
  ): readonly (readonly [FieldIndex, (f: JsonObject) => JsonValue | undefined])[] {
    if (aliases !== this.aliasesSeen) {
      this.aliasesSeen = aliases;
      this.aliasPlan = [];
      for (const [name, get] of aliases) {
        const f = this.byName.get(name);
        if (f !== undefined) this.aliasPlan.push([f, get]);
      }
    }
    return this.aliasPlan;
  }

  /** How often a field value was found in a memo: [lookups, hits]. */
  get memoStats(): readonly [number, number] {
    let lookups = 0;
    let misses = 0;
    for (const f of this.fields) {
      lookups += f.lookups;
      misses += f.misses;
    }
    return [lookups, lookups - misses];
  }

  /**
   * Adds the rules whose atoms on this field hold for its value. With `keyword`, also tells whether
   * the value holds a keyword needle (false without).
   */
  private field(
    f: FieldIndex,
    raw: JsonValue | undefined,
    out: number[],
    keyword: boolean,
    read: Read,
  ): boolean {
    if (raw === undefined || raw === null) return false;
    if (typeof raw === "object") {
      // arrays and objects: no cheap test, so every rule keyed on this field is a candidate
      for (const rules of f.exact.values()) this.add(rules, out);
      for (const rules of f.containsRules) this.add(rules, out);
      if (f.present.length !== 0) this.add(f.present, out);
      return keyword && this.hasKeyword(raw);
    }
    if (typeof raw === "number" && f.numbers !== undefined && Number.isFinite(raw)) {
      const slots = f.numbers.get(raw);
      if (slots !== undefined) this.add(slots, out);
      if (f.present.length !== 0) this.add(f.present, out);
      return keyword && this.hasKeyword(raw);
    }
    const memo = f.memo;
    if (memo === undefined || typeof raw !== "string" || raw.length > MEMO_LONGEST) {
      const slots = this.slots;
      emptyList(slots);
      this.scan(f, typeof raw === "string" ? raw : String(raw), slots);
      this.add(slots, out);
      return keyword && this.hasKeyword(raw);
    }
    f.lookups++;
    let seen: Seen | undefined;
    if (raw === f.lastValue) seen = f.lastSeen;
    else seen = memo.get(raw);
    if (seen === undefined) {
      const found = this.slots;
      emptyList(found);
      this.scan(f, raw, found);
      if (f.refine !== undefined && found.length !== 0) refineFound(f.refine, raw, found);
      const kw = this.hasKeyword(raw);
      const vetoes = f.vetoes.length === 0 ? NO_RULES : vetoedBy(f.vetoes, raw);
      seen =
        found.length === 0 && vetoes.length === 0
          ? kw
            ? NOTHING_KEYWORD
            : NOTHING
          : this.shared(found, kw, vetoes);
      if (++f.misses >= MEMO_TRIAL && f.misses * 2 > f.lookups) {
        // values that mostly do not repeat (logon IDs, GUIDs): remembering them only costs, and
        // would empty the other fields' memos sooner
        this.memoChars -= memo.chars;
        f.memo = undefined;
      } else {
        if (this.memoChars + raw.length > MEMO_CHARS) this.forget();
        this.memoChars += memo.set(raw, seen);
      }
    }
    f.lastValue = raw;
    f.lastSeen = seen;
    if (seen.slots.length > 0) this.add(seen.slots, out);
    if (seen.vetoes.length > 0) this.veto(f, seen.vetoes, read);
    return keyword && seen.keyword;
  }

  /**
   * What a value makes hold, as one object shared by every value that makes the same slots hold:
   * a memo hit then reads one of a few hundred objects that stay in the CPU's caches, rather than
   * one of thousands spread over the heap.
   */
  private shared(found: readonly number[], keyword: boolean, vetoes: readonly number[]): Seen {
    const slots = [...new Set(found)];
    const key = `${keyword ? "k" : ""}${slots.join(",")}|${vetoes.join(",")}`;
    let seen = this.seenShared.get(key);
    if (seen === undefined) {
      seen = Object.freeze({ slots: Object.freeze(slots), keyword, vetoes });
      this.seenShared.set(key, seen);
    }
    return seen;
  }

  /** Does a value hold one of this route's keyword needles (false without keywords)? */
  private hasKeyword(v: JsonValue): boolean {
    const k = this.keyword;
    if (k === undefined || (typeof v !== "string" && typeof v !== "object" && !this.scalarKeywords))
      return false;
    return someLeaf(v, k.shortest, k.anyValue!);
  }

  /** Empties every memo of this prefilter (they hold too much). */
  private forget(): void {
    for (const f of this.fields) {
      f.memo?.clear();
      f.lastValue = undefined;
      f.lastSeen = NOTHING;
    }
    this.seenShared.clear();
    this.memoChars = 0;
  }

  /** Appends the slots whose atoms on this field hold for this value (a slot may repeat). */
  private scan(f: FieldIndex, text: string, slots: number[]): void {
    for (let i = 0; i < f.present.length; i++) slots.push(f.present[i]!);
    let lower: string | undefined;
    // no exact needle is longer than longestExact, and toLowerCase keeps or lengthens a text
    if (f.exact.size > 0 && text.length <= f.longestExact) {
      lower = text.toLowerCase();
      const exact = f.exact.get(lower);
      if (exact) slots.push(...exact);
    }
    if (text.length < f.shortest) return;
    const few = f.few;
    if (few !== undefined) {
      lower ??= text.toLowerCase();
      for (let i = 0; i < few.length; i++) if (lower.includes(few[i]!)) slots.push(...f.containsRules[i]!);
      return;
    }
    const contains = f.contains;
    if (contains === undefined) return;
    if (text.length > LONG_VALUE && f.needles.length <= PRETESTED) {
      // a long value (a script block, a PowerShell context): one native search for any needle first
      f.anyNeedle ??= keywordScan(f.needles);
      if (!f.anyNeedle(text)) return;
    }
    const found = this.found;
    emptyList(found);
    // text is scanned as it is, folding case; where that is not exact, lower-cased by the book
    if (!contains.collect(text, found, true)) {
      emptyList(found);
      contains.collect(lower ?? text.toLowerCase(), found);
    }
    for (let i = 0; i < found.length; i++) slots.push(...f.containsRules[found[i]!]!);
  }
}

/**
 * For each ASCII character, the characters whose lower case holds it: itself, its capital, and
 * two that only toLowerCase relates to ASCII (U+212A KELVIN SIGN becomes "k", U+0130 becomes
 * "i\u0307"). Computed over the BMP; no astral character lower-cases to ASCII (a test checks it).
 */
function lowerSources(): readonly string[][] {
  const sources = Array.from({ length: 128 }, (_, code) => [String.fromCharCode(code)]);
  for (let code = 0x41; code <= 0xffff; code++) {
    if (code === 0xd800) code = 0xe000;
    const c = String.fromCharCode(code);
    const lower = c.toLowerCase();
    if (lower === c) continue;
    for (const l of new Set(lower)) if (l.charCodeAt(0) < 128) sources[l.charCodeAt(0)]!.push(c);
  }
  return sources;
}

let sources: readonly string[][] | undefined;

/**
 * A case-sensitive pattern that matches wherever the lower-cased text holds `piece` (ASCII): each
 * character a class of the characters whose lower case holds it ("kiwi" is [kK\u212a][iI\u0130]…).
 * No character lower-cases to two ASCII characters, so the piece's characters come from as many
 * consecutive characters of the text.
 */
function foldedPattern(piece: string): string {
  sources ??= lowerSources();
  const hex = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
  return [...piece]
    .map((c) => {
      const from = sources![c.charCodeAt(0)]!;
      return from.length === 1 ? escapeRegExp(c) : `[${from.map(hex).join("")}]`;
    })
    .join("");
}

/**
 * A test "the lower-cased text contains one of these needles" that mostly runs one native regex on
 * the text as it is: an alternation of a few pieces the needles hold (factors), each character a
 * class of the characters that lower-case to it, so no `/i` (V8 (Node 20) mis-compiles some `/i`
 * alternations, `/\u017f|s|st/i` misses "s", and `/i` and toLowerCase disagree on a few characters).
 * On a hit, the needles are sought in the lower-cased text. Needles with non-ASCII characters take
 * that path always.
 */
export function keywordScan(needles: readonly string[]): (text: string) => boolean {
  const exact = (text: string) => {
    const lower = text.toLowerCase();
    for (const n of needles) if (lower.includes(n)) return true;
    return false;
  };
  const ascii = (n: string) => [...n].every((c) => c.charCodeAt(0) < 128);
  if (!needles.every(ascii)) return exact;
  const quick = new RegExp(factors(needles).map(foldedPattern).join("|"));
  // A match of the needles' own folded patterns is a needle in the lower-cased text, unless it
  // holds a U+0130 (lower-cased, it becomes two characters, which splits the needle): such a match,
  // rare, is settled by the book.
  const full = new RegExp(needles.map(foldedPattern).join("|"));
  const settle = (text: string) => {
    const m = full.exec(text);
    return m !== null && (!m[0].includes("\u0130") || exact(text));
  };
  return (text) => quick.test(text) && settle(text);
}

const punctuation = (c: string) => !/[a-z0-9\s]/.test(c);

/**
 * The characters most frequent in log text: the commonest letters, digits, blanks and the path
 * separators. V8 searches an alternation by skipping to where one of its pieces' first characters
 * occurs, so a piece that starts with one of these makes it stop almost everywhere: adding
 * "esx admins" to "::|kiwi|mimi" made a Security event's Message cost 590 ns instead of 400, and
 * "x admins" (which every text with the needle also holds) 410.
 */
const COMMON_START = new Set("etaoinsrhldcu0123456789 \t\r\n\\/.-_");

/**
 * A few substrings such that every needle contains one: a needle in the text implies one of them
 * there, and V8 runs a short alternation of distinctive pieces ("::", "kiwi") several times faster
 * than the needles themselves. Greedy cover: most needles first, then pieces that start with a
 * rare character (COMMON_START), then pieces of punctuation (rare in text), then length. Pieces of
 * letters are at least 4 long, so they do not hit everywhere.
 */
export function factors(needles: readonly string[]): string[] {
  const uncovered = new Set(needles);
  const chosen: string[] = [];
  while (uncovered.size > 0) {
    const count = new Map<string, number>();
    for (const n of uncovered) {
      const pieces = new Set<string>([n]);
      for (let len = 2; len <= Math.min(8, n.length); len++) {
        for (let i = 0; i + len <= n.length; i++) {
          const piece = n.slice(i, i + len);
          if (len >= 4 || [...piece].every(punctuation)) pieces.add(piece);
        }
      }
      for (const piece of pieces) count.set(piece, (count.get(piece) ?? 0) + 1);
    }
    let best = "";
    let score = -1;
    for (const [piece, c] of count) {
      const s =
        c * 100 +
        (COMMON_START.has(piece[0]!) ? 0 : 60) +
        ([...piece].some(punctuation) ? 50 : 0) +
        Math.min(piece.length, 49);
      if (s > score) {
        best = piece;
        score = s;
      }
    }
    chosen.push(best);
    for (const n of uncovered) if (n.includes(best)) uncovered.delete(n);
  }
  return chosen;
}

/**
 * The refinable slots of a field (see Refined): those whose atoms on the field all come from
 * predicates on the field's value alone, with those predicates as tests; undefined when none.
 */
function refinedSlots(
  sources: ReadonlyMap<number, ReadonlySet<FieldPredicate> | null>,
  tests: ValueTests,
): Map<number, Refined> | undefined {
  const out = new Map<number, Refined>();
  for (const [slot, predicates] of sources) {
    if (predicates === null) continue;
    const refined: ((value: JsonValue) => boolean)[] = [];
    for (const p of predicates) {
      const test = sharedValueTest(p, tests);
      if (test === undefined) break;
      refined.push(test);
    }
    if (refined.length === predicates.size) out.set(slot, refined);
  }
  return out.size === 0 ? undefined : out;
}

/** Keeps the slots found in a value whose refining predicates (if any) hold for it (see Refined). */
function refineFound(refine: ReadonlyMap<number, Refined>, value: string, found: number[]): void {
  let kept = 0;
  let decided: Map<number, boolean> | undefined;
  for (let i = 0; i < found.length; i++) {
    const slot = found[i]!;
    const tests = refine.get(slot);
    let holds = true;
    if (tests !== undefined) {
      decided ??= new Map();
      let known = decided.get(slot);
      if (known === undefined) {
        known = tests.some((t) => t(value));
        decided.set(slot, known);
      }
      holds = known;
    }
    if (holds) found[kept++] = slot;
  }
  truncateList(found, kept);
}

/** The rules the vetoes on a field rule out for this value, ascending; NO_RULES when none. */
function vetoedBy(vetoes: readonly Veto[], value: string): readonly number[] {
  let rules: number[] | undefined;
  for (const v of vetoes) {
    if (!v.test(value)) continue;
    rules ??= [];
    rules.push(...v.rules);
  }
  return rules === undefined ? NO_RULES : Object.freeze([...new Set(rules)].sort((a, b) => a - b));
}

/** Does some scalar leaf of `v` (as leafTexts lists them) of at least `min` characters pass `re`? */
function someLeaf(v: JsonValue, min: number, re: (text: string) => boolean): boolean {
  if (typeof v === "string") return v.length >= min && re(v);
  if (typeof v === "number" || typeof v === "boolean") {
    const s = String(v);
    return s.length >= min && re(s);
  }
  if (v === null) return false;
  // Object.values: measured faster than for-in + hasOwn on parsed events
  const items = Array.isArray(v) ? v : Object.values(v);
  for (let i = 0; i < items.length; i++) if (someLeaf(items[i]!, min, re)) return true;
  return false;
}
