// The reference evaluator: a direct, deliberately plain reading of the Sigma semantics. The compiled
// matcher (compile.ts) must agree with it on every fixture; keep this one simple, not fast.

import type { JsonObject, JsonValue } from "../../core/index.js";
import type { ConditionExpr, FieldPredicate, Pattern, SearchIdentifier, ValueTest } from "./ast.js";
import { WINDASH_CHARS } from "./pattern.js";
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

/** Glob match by dynamic programming over (pattern position, text position). */
function globMatch(tokens: readonly ({ text: string } | "*" | "?")[], s: string): boolean {
  // Expand text tokens into single characters so the DP is per character. Characters stay wrapped:
  // a literal `*` or `?` in the text must not be mistaken for a wildcard.
  const seq: ({ char: string } | "*" | "?")[] = [];
  for (const t of tokens) {
    if (t === "*" || t === "?") seq.push(t);
    else for (const char of t.text) seq.push({ char });
  }
  const chars = [...s];
  let prev = new Array<boolean>(chars.length + 1).fill(false);
  prev[0] = true;
  for (const tok of seq) {
    const cur = new Array<boolean>(chars.length + 1).fill(false);
    if (tok === "*") {
      let any = false;
      for (let j = 0; j <= chars.length; j++) {
        any = any || prev[j]!;
        cur[j] = any;
      }
    } else {
      for (let j = 1; j <= chars.length; j++)
        cur[j] = prev[j - 1]! && (tok === "?" || chars[j - 1] === tok.char);
    }
    prev = cur;
    if (!prev.includes(true)) return false; // no prefix of s matches: nothing later can
  }
  return prev[chars.length]!;
}

/** Every concrete variant of a pattern with windash parts (one per choice of dash character). */
function dashVariants(pattern: Pattern): ({ text: string } | "*" | "?")[][] {
  let variants: ({ text: string } | "*" | "?")[][] = [[]];
  for (const part of pattern.parts) {
    if (part.kind === "dash") {
      variants = variants.flatMap((v) => WINDASH_CHARS.map((c) => [...v, { text: c }]));
    } else {
      const tok = part.kind === "any" ? "*" : part.kind === "one" ? "?" : { text: part.text };
      variants = variants.map((v) => [...v, tok]);
    }
  }
  return variants;
}

function lowerTokens(tokens: ({ text: string } | "*" | "?")[]): ({ text: string } | "*" | "?")[] {
  return tokens.map((t) => (typeof t === "string" ? t : { text: t.text.toLowerCase() }));
}

function testScalar(test: ValueTest, value: JsonValue | undefined, event: JsonObject): boolean {
  switch (test.kind) {
    case "null":
      return value === undefined || value === null;
    case "pattern": {
      const s = scalarText(value);
      if (s === undefined) return false;
      const subject = test.cased ? s : s.toLowerCase();
      return dashVariants(test.pattern).some((v) => globMatch(test.cased ? v : lowerTokens(v), subject));
    }
    case "regex": {
      const s = scalarText(value);
      const re = compileRuleRegex(test.source, test.flags);
      return s !== undefined && "test" in re && re.test(s);
    }
    case "cidr": {
      const s = scalarText(value);
      const net = parseCidr(test.cidr);
      return s !== undefined && net !== undefined && inNetwork(net, s);
    }
    case "compare": {
      const n = scalarNumber(value);
      if (n === undefined) return false;
      return compareHolds(test.op, n, test.value);
    }
    case "fieldref": {
      const a = scalarText(value);
      const b = scalarText(getField(event, test.field));
      if (a === undefined || b === undefined) return false;
      const [x, y] = test.cased ? [a, b] : [a.toLowerCase(), b.toLowerCase()];
      return modeHolds(test.mode, x, y);
    }
    case "time": {
      const ms = parseTime(value);
      return ms !== undefined && testScalar(test.test, timePart(ms, test.part), event);
    }
  }
}

/** A test against a field value; an array value matches when any element does. */
function testValue(test: ValueTest, value: JsonValue | undefined, event: JsonObject): boolean {
  if (Array.isArray(value) && test.kind !== "null") return value.some((v) => testScalar(test, v, event));
  return testScalar(test, value, event);
}

function keywordTest(test: ValueTest, event: JsonObject): boolean {
  // Keywords search the whole event: a keyword matches when it is contained in any value.
  const contained: ValueTest =
    test.kind === "pattern"
      ? { ...test, pattern: { parts: [{ kind: "any" }, ...test.pattern.parts, { kind: "any" }] } }
      : test;
  return leafTexts(event).some((t) => testScalar(contained, t, event));
}

export function evalPredicate(p: FieldPredicate, event: JsonObject): boolean {
  if (p.kind === "exists") return (getField(event, p.field) !== undefined) === p.expected;
  const one = (t: ValueTest) =>
    p.field === null ? keywordTest(t, event) : testValue(t, getField(event, p.field), event);
  const result = p.combine === "all" ? p.tests.every(one) : p.tests.some(one);
  return p.negate ? !result : result;
}

export function evalIdentifier(id: SearchIdentifier, event: JsonObject): boolean {
  return id.groups.some((group) => group.every((p) => evalPredicate(p, event)));
}

export function evalCondition(
  expr: ConditionExpr,
  identifiers: ReadonlyMap<string, SearchIdentifier>,
  event: JsonObject,
): boolean {
  const ref = (name: string) => {
    const id = identifiers.get(name);
    if (!id) throw new Error(`bug: condition refers to unknown identifier ${name}`);
    return evalIdentifier(id, event);
  };
  switch (expr.kind) {
    case "and":
      return expr.items.every((e) => evalCondition(e, identifiers, event));
    case "or":
      return expr.items.some((e) => evalCondition(e, identifiers, event));
    case "not":
      return !evalCondition(expr.item, identifiers, event);
    case "ref":
      return ref(expr.name);
    case "of":
      return expr.quantifier === "all" ? expr.names.every(ref) : expr.names.some(ref);
  }
}
