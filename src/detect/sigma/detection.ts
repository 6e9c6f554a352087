// Parses a `detection:` section into search identifiers and a condition, collecting every problem.

import type { ConditionExpr, FieldPredicate, SearchIdentifier, ValueTest } from "./ast.js";
import { parseCondition } from "./condition.js";
import {
  type ModifierChain,
  parseModifiers,
  type RuleScalar,
  type ValueContext,
  valueTests,
} from "./modifiers.js";

/** A problem with the YAML path where it was found (the loader turns the path into a line). */
export interface Diagnostic {
  readonly code: string;
  readonly message: string;
  readonly at: readonly (string | number)[];
  readonly severity: "error" | "warning";
}

const isScalar = (v: unknown): v is RuleScalar =>
  v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean";
const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

class Collector {
  readonly diagnostics: Diagnostic[] = [];
  error(code: string, message: string, at: readonly (string | number)[]) {
    this.diagnostics.push({ code, message, at, severity: "error" });
  }
  warn(code: string, message: string, at: readonly (string | number)[]) {
    this.diagnostics.push({ code, message, at, severity: "warning" });
  }
}

function fieldPredicate(
  key: string,
  raw: unknown,
  at: (string | number)[],
  ctx: ValueContext,
  out: Collector,
): FieldPredicate | undefined {
  const [field = "", ...names] = key.split("|");
  const chain = parseModifiers(names);
  if (Array.isArray(chain)) {
    for (const p of chain) out.error(p.code, `${key}: ${p.message}`, at);
    return undefined;
  }
  const values: unknown[] = Array.isArray(raw) ? raw : [raw];
  if (chain.exists) {
    if (typeof raw !== "boolean") {
      out.error("exists-needs-boolean", `${key}: 'exists' takes true or false`, at);
      return undefined;
    }
    return { kind: "exists", field, expected: raw };
  }
  if (values.length === 0) {
    out.error("empty-value-list", `${key}: the list of values is empty`, at);
    return undefined;
  }
  if (chain.all && values.length === 1) {
    out.warn("all-single-value", `${key}: 'all' on a single value has no effect`, at);
  }
  if (values.length > 1 && values.includes(null)) {
    out.error("null-in-list", `${key}: null cannot be part of a list of values (use its own selection)`, at);
  }
  const tests: ValueTest[] = [];
  values.forEach((v, index) => {
    const vat = Array.isArray(raw) ? [...at, index] : at;
    if (!isScalar(v)) {
      out.error("invalid-value", `${key}: values must be strings, numbers, booleans or null`, vat);
      return;
    }
    const r = valueTests(v, chain as ModifierChain, ctx);
    for (const p of r.problems) out.error(p.code, `${key}: ${p.message}`, vat);
    for (const w of r.warnings) out.warn(w.code, `${key}: ${w.message}`, vat);
    tests.push(...r.tests);
  });
  return {
    kind: "values",
    field: field === "" ? null : field,
    tests,
    combine: chain.all ? "all" : "any",
    negate: chain.neq,
  };
}

function searchIdentifier(
  name: string,
  raw: unknown,
  at: (string | number)[],
  ctx: ValueContext,
  out: Collector,
): SearchIdentifier | undefined {
  const groupOf = (map: Record<string, unknown>, mapAt: (string | number)[]): FieldPredicate[] => {
    const preds: FieldPredicate[] = [];
    for (const [key, value] of Object.entries(map)) {
      const p = fieldPredicate(key, value, [...mapAt, key], ctx, out);
      if (p) preds.push(p);
    }
    if (Object.keys(map).length === 0) out.error("empty-selection", `'${name}' is an empty map`, mapAt);
    return preds;
  };
  if (isMap(raw)) return { name, groups: [groupOf(raw, at)] };
  if (Array.isArray(raw)) {
    if (raw.length === 0) {
      out.error("empty-selection", `'${name}' is an empty list`, at);
      return undefined;
    }
    if (raw.every(isMap)) return { name, groups: raw.map((m, i) => groupOf(m, [...at, i])) };
    if (raw.every(isScalar)) {
      const p = fieldPredicate("", raw, at, ctx, out);
      return p ? { name, groups: [[p]] } : undefined;
    }
    out.error("mixed-list", `'${name}' mixes maps and plain values in one list`, at);
    return undefined;
  }
  if (isScalar(raw) && raw !== null) {
    const p = fieldPredicate("", raw, at, ctx, out);
    return p ? { name, groups: [[p]] } : undefined;
  }
  out.error("invalid-selection", `'${name}' must be a map, a list of maps or a list of values`, at);
  return undefined;
}

export interface ParsedDetection {
  readonly identifiers: ReadonlyMap<string, SearchIdentifier>;
  readonly condition: ConditionExpr | undefined;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Parses a detection section (`base` is its YAML path, e.g. ["detection"] or ["filter"]).
 * Every problem is collected; `condition` is undefined when it could not be built.
 */
export function parseDetection(
  raw: unknown,
  base: readonly (string | number)[],
  ctx: ValueContext,
  conditionKey = "condition",
): ParsedDetection {
  const out = new Collector();
  const identifiers = new Map<string, SearchIdentifier>();
  if (!isMap(raw)) {
    out.error(
      "missing-detection",
      `'${base.join(".")}' must be a map of search identifiers and a condition`,
      base,
    );
    return { identifiers, condition: undefined, diagnostics: out.diagnostics };
  }
  for (const [name, value] of Object.entries(raw)) {
    if (name === conditionKey) continue;
    if (name === "timeframe") {
      out.error(
        "unsupported-timeframe",
        "'timeframe' (Sigma v1 aggregation) is not supported: use a correlation rule",
        [...base, name],
      );
      continue;
    }
    const id = searchIdentifier(name, value, [...base, name], ctx, out);
    if (id) identifiers.set(name, id);
  }
  const condRaw = raw[conditionKey];
  const condAt = [...base, conditionKey];
  const sources = typeof condRaw === "string" ? [condRaw] : Array.isArray(condRaw) ? condRaw : undefined;
  if (!sources || sources.length === 0 || !sources.every((s) => typeof s === "string")) {
    out.error(
      "missing-condition",
      `'${condAt.join(".")}' must be a condition string or a list of them`,
      condAt,
    );
    return { identifiers, condition: undefined, diagnostics: out.diagnostics };
  }
  const names = Object.keys(raw).filter((k) => k !== conditionKey && k !== "timeframe");
  const parts: ConditionExpr[] = [];
  sources.forEach((src, i) => {
    const r = parseCondition(src as string, names);
    if ("code" in r)
      out.error(r.code, `condition: ${r.message}`, sources.length > 1 ? [...condAt, i] : condAt);
    else parts.push(r);
  });
  const condition: ConditionExpr | undefined =
    parts.length !== sources.length
      ? undefined
      : parts.length === 1
        ? parts[0]
        : { kind: "or", items: parts };
  return { identifiers, condition, diagnostics: out.diagnostics };
}
