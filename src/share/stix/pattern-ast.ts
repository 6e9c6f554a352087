// The STIX 2.1 patterning language as data (an AST), and its printer. Printing then parsing gives
// the same tree back; the printer puts parentheses only where precedence needs them.

export type Literal =
  | { readonly kind: "string"; readonly value: string }
  /** Numbers keep their text (sign normalised) so big or precise values survive a round trip. */
  | { readonly kind: "int"; readonly text: string }
  | { readonly kind: "float"; readonly text: string }
  | { readonly kind: "bool"; readonly value: boolean }
  | { readonly kind: "timestamp"; readonly value: string }
  | { readonly kind: "binary"; readonly base64: string }
  | { readonly kind: "hex"; readonly hex: string };

export type PathStep =
  | { readonly kind: "key"; readonly name: string }
  | { readonly kind: "index"; readonly index: number | "*" };

/** `file:hashes.'SHA-256'` is { objectType: "file", steps: [key hashes, key SHA-256] }. */
export interface ObjectPath {
  readonly objectType: string;
  readonly steps: readonly [PathStep & { kind: "key" }, ...PathStep[]];
}

export const COMPARISON_OPERATORS = [
  "=",
  "!=",
  "<",
  ">",
  "<=",
  ">=",
  "LIKE",
  "MATCHES",
  "ISSUBSET",
  "ISSUPERSET",
] as const;
export type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number];

export type ComparisonExpression =
  | {
      readonly kind: "compare";
      readonly path: ObjectPath;
      readonly negated: boolean;
      readonly operator: ComparisonOperator;
      readonly value: Literal;
    }
  | {
      readonly kind: "in";
      readonly path: ObjectPath;
      readonly negated: boolean;
      readonly values: readonly Literal[];
    }
  | { readonly kind: "exists"; readonly path: ObjectPath; readonly negated: boolean }
  | {
      readonly kind: "and" | "or";
      readonly left: ComparisonExpression;
      readonly right: ComparisonExpression;
    };

export type Qualifier =
  | { readonly kind: "within"; readonly seconds: Literal & { kind: "int" | "float" } }
  | { readonly kind: "repeats"; readonly times: Literal & { kind: "int" } }
  | { readonly kind: "start-stop"; readonly start: string; readonly stop: string };

export type ObservationExpression =
  | { readonly kind: "observation"; readonly comparison: ComparisonExpression }
  | { readonly kind: "qualified"; readonly expression: ObservationExpression; readonly qualifier: Qualifier }
  | {
      readonly kind: "and" | "or" | "followedby";
      readonly left: ObservationExpression;
      readonly right: ObservationExpression;
    };

/** A whole pattern is one observation expression. */
export type Pattern = ObservationExpression;

/** Words the lexer reads as keywords: a property so named must be quoted. */
export const KEYWORDS = new Set([
  "AND",
  "OR",
  "NOT",
  "FOLLOWEDBY",
  "LIKE",
  "MATCHES",
  "ISSUPERSET",
  "ISSUBSET",
  "EXISTS",
  "LAST",
  "IN",
  "START",
  "STOP",
  "SECONDS",
  "true",
  "false",
  "WITHIN",
  "REPEATS",
  "TIMES",
]);

const PLAIN_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** A STIX pattern string literal: quotes and backslashes escaped, nothing else (the grammar's rule). */
export function quote(s: string): string {
  return `'${s.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
}

function printKey(name: string): string {
  return PLAIN_NAME.test(name) && !KEYWORDS.has(name) ? name : quote(name);
}

export function printPath(p: ObjectPath): string {
  const [first, ...rest] = p.steps;
  let out = `${p.objectType}:${printKey(first.name)}`;
  for (const s of rest) out += s.kind === "key" ? `.${printKey(s.name)}` : `[${s.index}]`;
  return out;
}

export function printLiteral(l: Literal): string {
  switch (l.kind) {
    case "string":
      return quote(l.value);
    case "int":
    case "float":
      return l.text;
    case "bool":
      return l.value ? "true" : "false";
    case "timestamp":
      return `t'${l.value}'`;
    case "binary":
      return `b'${l.base64}'`;
    case "hex":
      return `h'${l.hex}'`;
  }
}

const CMP_RANK = { or: 0, and: 1 } as const;

/** Prints a comparison expression; `minRank` is the weakest binding its position allows unparenthesised. */
function printComparison(c: ComparisonExpression, minRank: number): string {
  switch (c.kind) {
    case "compare":
      return `${printPath(c.path)} ${c.negated ? "NOT " : ""}${c.operator} ${printLiteral(c.value)}`;
    case "in":
      return `${printPath(c.path)} ${c.negated ? "NOT " : ""}IN (${c.values.map(printLiteral).join(", ")})`;
    case "exists":
      return `${c.negated ? "NOT " : ""}EXISTS ${printPath(c.path)}`;
    case "and":
    case "or": {
      // Left-associative: a right operand of the same strength needs parentheses to keep its shape.
      const rank = CMP_RANK[c.kind];
      const s = `${printComparison(c.left, rank)} ${c.kind.toUpperCase()} ${printComparison(c.right, rank + 1)}`;
      return rank < minRank ? `(${s})` : s;
    }
  }
}

const OBS_RANK = { followedby: 0, or: 1, and: 2 } as const;

function printQualifier(q: Qualifier): string {
  switch (q.kind) {
    case "within":
      return `WITHIN ${q.seconds.text} SECONDS`;
    case "repeats":
      return `REPEATS ${q.times.text} TIMES`;
    case "start-stop":
      return `START t'${q.start}' STOP t'${q.stop}'`;
  }
}

/** Prints an observation expression; `minRank` is the weakest binding its position allows unparenthesised. */
function printObservation(o: ObservationExpression, minRank: number): string {
  switch (o.kind) {
    case "observation":
      return `[${printComparison(o.comparison, 0)}]`;
    case "qualified": {
      const inner = o.expression;
      const base =
        inner.kind === "observation" || inner.kind === "qualified"
          ? printObservation(inner, 3)
          : `(${printObservation(inner, 0)})`;
      return `${base} ${printQualifier(o.qualifier)}`;
    }
    default: {
      const rank = OBS_RANK[o.kind];
      const s = `${printObservation(o.left, rank)} ${o.kind.toUpperCase()} ${printObservation(o.right, rank + 1)}`;
      return rank < minRank ? `(${s})` : s;
    }
  }
}

export function printPattern(p: Pattern): string {
  return printObservation(p, 0);
}
