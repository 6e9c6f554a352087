// The Sigma language as data: what the loader produces and both evaluators (interpreter, compiler) consume.

/** Where something was written: file and 1-based line. */
export interface SourceRef {
  readonly path: string;
  readonly line: number;
}

export type Level = "informational" | "low" | "medium" | "high" | "critical";
export const LEVELS: readonly Level[] = ["informational", "low", "medium", "high", "critical"];

/** One piece of a Sigma string value after escape processing. */
export type PatternPart =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "any" } // `*`
  | { readonly kind: "one" } // `?`
  | { readonly kind: "dash" }; // a `-` under `windash`: any of - / – — ―

/** A Sigma string value: wildcards and literal text, as written (not yet lower-cased). */
export interface Pattern {
  readonly parts: readonly PatternPart[];
}

export type CompareOp = "lt" | "lte" | "gt" | "gte";
export type TimePart = "minute" | "hour" | "day" | "week" | "month" | "year";

/** A test of one field value. Case-insensitive unless `cased`. */
export type ValueTest =
  | { readonly kind: "pattern"; readonly pattern: Pattern; readonly cased: boolean }
  | { readonly kind: "regex"; readonly source: string; readonly flags: string }
  | { readonly kind: "cidr"; readonly cidr: string }
  | { readonly kind: "compare"; readonly op: CompareOp; readonly value: number }
  | { readonly kind: "null" }
  | { readonly kind: "fieldref"; readonly field: string; readonly cased: boolean; readonly mode: MatchMode }
  | { readonly kind: "time"; readonly part: TimePart; readonly test: ValueTest };

/** How a string pattern is anchored (what contains/startswith/endswith did to it). */
export type MatchMode = "equals" | "contains" | "startswith" | "endswith";

/**
 * One `field|modifiers: values` entry of a selection map, or a keyword list (field `null`).
 * `combine` is `any` (list = OR) or `all` (`|all`); `negate` is `neq`.
 */
export type FieldPredicate =
  | {
      readonly kind: "values";
      readonly field: string | null;
      readonly tests: readonly ValueTest[];
      readonly combine: "any" | "all";
      readonly negate: boolean;
    }
  | { readonly kind: "exists"; readonly field: string; readonly expected: boolean };

/** A search identifier: OR of AND-groups (a map is one group; a list of maps is several). */
export interface SearchIdentifier {
  readonly name: string;
  readonly groups: readonly (readonly FieldPredicate[])[];
}

export type ConditionExpr =
  | { readonly kind: "and"; readonly items: readonly ConditionExpr[] }
  | { readonly kind: "or"; readonly items: readonly ConditionExpr[] }
  | { readonly kind: "not"; readonly item: ConditionExpr }
  | { readonly kind: "ref"; readonly name: string }
  | { readonly kind: "of"; readonly quantifier: "one" | "all"; readonly names: readonly string[] };

export interface RuleLogSource {
  readonly product?: string;
  readonly category?: string;
  readonly service?: string;
}

interface RuleCommon {
  readonly id: string;
  readonly name: string | undefined;
  readonly title: string;
  readonly source: SourceRef;
  readonly level: Level | undefined;
  readonly status: string | undefined;
  readonly tags: readonly string[];
  readonly author: string | undefined;
  readonly references: readonly string[];
  readonly description: string | undefined;
}

/** A detection rule: one event at a time. */
export interface DetectionRule extends RuleCommon {
  readonly kind: "detection";
  readonly logsource: RuleLogSource;
  readonly identifiers: ReadonlyMap<string, SearchIdentifier>;
  /** The condition (a list of conditions is OR-ed into one). */
  readonly condition: ConditionExpr;
  readonly fields: readonly string[];
}

export type CorrelationType =
  | "event_count"
  | "value_count"
  | "temporal"
  | "temporal_ordered"
  | "value_sum"
  | "value_avg"
  | "value_percentile";

export type CountOp = "gt" | "gte" | "lt" | "lte" | "eq" | "neq";

export interface CorrelationCondition {
  readonly bounds: readonly { readonly op: CountOp; readonly value: number }[];
  readonly field: string | undefined;
}

/** A correlation rule: counts or orders the matches of other rules per group within a timespan. */
export interface CorrelationRule extends RuleCommon {
  readonly kind: "correlation";
  readonly type: CorrelationType;
  /** Referenced rules by id or name as written; resolved by the loader into `ruleIds`. */
  readonly rules: readonly string[];
  readonly ruleIds: readonly string[];
  readonly groupBy: readonly string[];
  readonly timespanMs: number;
  readonly condition: CorrelationCondition | undefined;
  /** alias -> (rule name or id -> field). */
  readonly aliases: ReadonlyMap<string, ReadonlyMap<string, string>>;
  readonly generate: boolean;
}

/** A meta filter: excludes matches of the rules it names (or any rule) when its condition holds. */
export interface FilterRule extends RuleCommon {
  readonly kind: "filter";
  readonly logsource: RuleLogSource;
  readonly appliesTo: "any" | readonly string[];
  readonly identifiers: ReadonlyMap<string, SearchIdentifier>;
  readonly condition: ConditionExpr;
}

export type SigmaDocument = DetectionRule | CorrelationRule | FilterRule;
