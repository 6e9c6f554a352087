// Value modifiers: validates a `field|mod|mod` chain and turns each rule value into value tests.

import type { CompareOp, MatchMode, Pattern, TimePart, ValueTest } from "./ast.js";
import { encodeBase64, encodeBase64Offset, encodeUtf16 } from "./encoding.js";
import { anchor, applyWindash, literalOf, parsePattern } from "./pattern.js";
import { compileRuleRegex } from "./regex.js";

export const MODIFIERS = [
  "contains",
  "startswith",
  "endswith",
  "all",
  "exists",
  "cased",
  "neq",
  "windash",
  "re",
  "i",
  "m",
  "s",
  "base64",
  "base64offset",
  "utf16le",
  "wide",
  "utf16be",
  "utf16",
  "lt",
  "lte",
  "gt",
  "gte",
  "minute",
  "hour",
  "day",
  "week",
  "month",
  "year",
  "cidr",
  "expand",
  "fieldref",
] as const;
export type Modifier = (typeof MODIFIERS)[number];

const MODES = new Set<string>(["contains", "startswith", "endswith"]);
const COMPARES = new Set<string>(["lt", "lte", "gt", "gte"]);
const TIMES = new Set<string>(["minute", "hour", "day", "week", "month", "year"]);
const TRANSFORMS = new Set<string>([
  "base64",
  "base64offset",
  "utf16le",
  "wide",
  "utf16be",
  "utf16",
  "windash",
]);

/** What a modifier chain means, once validated. */
export interface ModifierChain {
  readonly mode: MatchMode;
  readonly all: boolean;
  readonly cased: boolean;
  readonly neq: boolean;
  readonly exists: boolean;
  readonly regexFlags: string | undefined;
  readonly cidr: boolean;
  readonly compare: CompareOp | undefined;
  readonly time: TimePart | undefined;
  readonly expand: boolean;
  readonly fieldref: boolean;
  /** Encoding transforms and windash, in the order written. */
  readonly transforms: readonly string[];
}

export type ModifierProblem = { code: string; message: string };

/** Validates the modifier names of one key; returns the chain or the problems found. */
export function parseModifiers(names: readonly string[]): ModifierChain | ModifierProblem[] {
  const problems: ModifierProblem[] = [];
  let mode: MatchMode = "equals";
  let regexFlags: string | undefined;
  let compare: CompareOp | undefined;
  let time: TimePart | undefined;
  const transforms: string[] = [];
  const seen = new Set<string>();
  for (const name of names) {
    if (!(MODIFIERS as readonly string[]).includes(name)) {
      problems.push({ code: "unknown-modifier", message: `unknown value modifier '${name}'` });
      continue;
    }
    if (seen.has(name) && name !== "windash") {
      problems.push({ code: "duplicate-modifier", message: `modifier '${name}' is given twice` });
    }
    seen.add(name);
    if (MODES.has(name)) {
      if (mode !== "equals" && mode !== name) {
        problems.push({ code: "conflicting-modifiers", message: `'${name}' conflicts with '${mode}'` });
      }
      mode = name as MatchMode;
    } else if (name === "re") regexFlags = "";
    else if (name === "i" || name === "m" || name === "s") {
      if (regexFlags === undefined) {
        problems.push({ code: "regex-flag-without-re", message: `'${name}' is only valid after 're'` });
      } else regexFlags += name;
    } else if (COMPARES.has(name)) {
      if (compare)
        problems.push({ code: "conflicting-modifiers", message: `'${name}' conflicts with '${compare}'` });
      compare = name as CompareOp;
    } else if (TIMES.has(name)) time = name as TimePart;
    else if (TRANSFORMS.has(name)) transforms.push(name === "wide" ? "utf16le" : name);
  }
  const typed = [
    regexFlags !== undefined && "re",
    seen.has("cidr") && "cidr",
    seen.has("exists") && "exists",
  ].filter(Boolean);
  if (typed.length > 1) {
    problems.push({
      code: "conflicting-modifiers",
      message: `modifiers ${typed.join(", ")} cannot be combined`,
    });
  }
  if ((regexFlags !== undefined || seen.has("cidr") || compare) && mode !== "equals") {
    problems.push({
      code: "conflicting-modifiers",
      message: `'${mode}' cannot be combined with re, cidr or comparisons`,
    });
  }
  if (problems.length > 0) return problems;
  return {
    mode,
    all: seen.has("all"),
    cased: seen.has("cased"),
    neq: seen.has("neq"),
    exists: seen.has("exists"),
    regexFlags,
    cidr: seen.has("cidr"),
    compare,
    time,
    expand: seen.has("expand"),
    fieldref: seen.has("fieldref"),
    transforms,
  };
}

export type RuleScalar = string | number | boolean | null;

/** Context for turning values into tests: placeholder values for `expand`. */
export interface ValueContext {
  readonly placeholders: ReadonlyMap<string, readonly string[]>;
}

export interface ValueOutcome {
  readonly tests: ValueTest[];
  readonly problems: ModifierProblem[];
  readonly warnings: ModifierProblem[];
}

const CIDR4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

export function validCidr(s: string): boolean {
  const m4 = CIDR4.exec(s);
  if (m4) return m4.slice(1, 5).every((o) => Number(o) <= 255) && Number(m4[5]) <= 32;
  const slash = s.lastIndexOf("/");
  if (slash < 0) return false;
  const bits = Number(s.slice(slash + 1));
  return (
    /^[0-9a-fA-F:.]+$/.test(s.slice(0, slash)) && s.includes(":") && Number.isInteger(bits) && bits <= 128
  );
}

/** Replaces `%name%` placeholders (`\%` is a plain percent) with every combination of their values. */
function expandPlaceholders(value: string, ctx: ValueContext, warnings: ModifierProblem[]): string[] {
  let results = [""];
  const re = /\\%|%([^%]+)%|[^%\\]+|[\\%]/g;
  for (const m of value.matchAll(re)) {
    if (m[0] === "\\%") results = results.map((r) => `${r}%`);
    else if (m[1] !== undefined) {
      const values = ctx.placeholders.get(m[1]);
      if (values === undefined) {
        warnings.push({
          code: "placeholder-unset",
          message: `placeholder %${m[1]}% has no values configured: this value matches nothing`,
        });
        return [];
      }
      results = results.flatMap((r) => values.map((v) => r + v));
    } else results = results.map((r) => r + m[0]);
  }
  return results;
}

function encode(pattern: Pattern, transform: string, binary: boolean): Pattern[] | ModifierProblem {
  if (transform === "windash") return [applyWindash(pattern)];
  const text = literalOf(pattern);
  if (text === undefined) {
    return {
      code: "wildcard-in-encoded-value",
      message: `'${transform}' cannot encode a value with wildcards`,
    };
  }
  const bytes = (s: string) => ({ parts: s === "" ? [] : [{ kind: "text" as const, text: s }] });
  switch (transform) {
    case "base64":
      return [bytes(encodeBase64(text, binary))];
    case "base64offset":
      return encodeBase64Offset(text, binary).map(bytes);
    default:
      return [bytes(encodeUtf16(text, transform as "utf16le" | "utf16be" | "utf16"))];
  }
}

/** Turns one rule value under a modifier chain into value tests (a value may expand into several). */
export function valueTests(value: RuleScalar, chain: ModifierChain, ctx: ValueContext): ValueOutcome {
  const problems: ModifierProblem[] = [];
  const warnings: ModifierProblem[] = [];
  const out = (tests: ValueTest[]): ValueOutcome => ({ tests, problems, warnings });
  const wrapTime = (t: ValueTest): ValueTest =>
    chain.time ? { kind: "time", part: chain.time, test: t } : t;

  if (value === null) {
    if (
      chain.regexFlags !== undefined ||
      chain.cidr ||
      chain.compare ||
      chain.mode !== "equals" ||
      chain.transforms.length
    ) {
      problems.push({ code: "null-with-modifier", message: "null cannot be used with value modifiers" });
    }
    return out([{ kind: "null" }]);
  }
  if (chain.compare) {
    const n = typeof value === "number" ? value : Number(value);
    if (typeof value === "boolean" || value === "" || !Number.isFinite(n)) {
      problems.push({
        code: "not-a-number",
        message: `'${chain.compare}' needs a number, got ${JSON.stringify(value)}`,
      });
      return out([]);
    }
    return out([wrapTime({ kind: "compare", op: chain.compare, value: n })]);
  }
  if (chain.time && typeof value !== "number") {
    problems.push({
      code: "not-a-number",
      message: `'${chain.time}' needs a number, got ${JSON.stringify(value)}`,
    });
    return out([]);
  }
  const text = String(value);
  const texts = chain.expand ? expandPlaceholders(text, ctx, warnings) : [text];
  if (chain.regexFlags !== undefined) {
    const tests: ValueTest[] = [];
    for (const t of texts) {
      const compiled = compileRuleRegex(t, chain.regexFlags);
      if ("test" in compiled) tests.push({ kind: "regex", source: t, flags: chain.regexFlags });
      else problems.push(compiled);
    }
    return out(tests);
  }
  if (chain.cidr) {
    for (const t of texts) {
      if (!validCidr(t)) problems.push({ code: "invalid-cidr", message: `'${t}' is not a CIDR network` });
    }
    return out(texts.filter(validCidr).map((cidr) => ({ kind: "cidr", cidr })));
  }
  if (chain.fieldref) {
    return out(texts.map((field) => ({ kind: "fieldref", field, cased: chain.cased, mode: chain.mode })));
  }
  let patterns: Pattern[] = texts.map((t) => parsePattern(t));
  let binary = false;
  for (const transform of chain.transforms) {
    const next: Pattern[] = [];
    for (const p of patterns) {
      const r = encode(p, transform, binary);
      if (Array.isArray(r)) next.push(...r);
      else problems.push(r);
    }
    patterns = next;
    if (transform.startsWith("utf16")) binary = true;
    else if (transform !== "windash") binary = false;
  }
  return out(
    patterns.map((p) => wrapTime({ kind: "pattern", pattern: anchor(p, chain.mode), cased: chain.cased })),
  );
}
