// The condition language: `and`, `or`, `not`, parentheses, `1 of`/`all of` over `them` or name patterns.
// Precedence, least to most binding: or, and, not, x of, ( ).

import type { ConditionExpr } from "./ast.js";
import { escapeRegExp } from "./pattern.js";

export interface ConditionProblem {
  readonly code: string;
  readonly message: string;
}

type Token = { readonly text: string; readonly pos: number };

const TOKEN = /\s*(\(|\)|[^\s()]+)/y;

function tokenize(src: string): Token[] | ConditionProblem {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < src.length) {
    const start = TOKEN.lastIndex;
    const m = TOKEN.exec(src);
    if (!m) {
      if (src.slice(start).trim() === "") break;
      return { code: "condition-syntax", message: `unexpected text at column ${start + 1}` };
    }
    tokens.push({ text: m[1]!, pos: m.index + m[0].length - m[1]!.length });
  }
  return tokens;
}

const NAME = /^[A-Za-z0-9_.*-]+$/;
const KEYWORDS = new Set(["and", "or", "not", "of", "them"]);

/** A glob of identifier names: `*` is any run of characters. */
export function nameMatches(pattern: string, name: string): boolean {
  const re = new RegExp(`^${pattern.split("*").map(escapeRegExp).join(".*")}$`);
  return re.test(name);
}

/**
 * Parses a condition against the rule's identifier names, resolving `x of` patterns to names.
 * Returns the expression or the first problem, located by column.
 */
export function parseCondition(
  src: string,
  identifiers: readonly string[],
): ConditionExpr | ConditionProblem {
  if (src.includes("|")) {
    return {
      code: "unsupported-aggregation",
      message: "Sigma v1 aggregation ('| count() ...') is not supported: write a correlation rule instead",
    };
  }
  const tokens = tokenize(src);
  if (!Array.isArray(tokens)) return tokens;
  let i = 0;
  const peek = () => tokens[i]?.text.toLowerCase();
  const fail = (message: string): ConditionProblem => {
    const at = tokens[i];
    return {
      code: "condition-syntax",
      message: at ? `${message} at column ${at.pos + 1} ('${at.text}')` : `${message} at end`,
    };
  };

  const parseOr = (): ConditionExpr | ConditionProblem => {
    const items: ConditionExpr[] = [];
    for (;;) {
      const e = parseAnd();
      if ("code" in e) return e;
      items.push(e);
      if (peek() !== "or") break;
      i++;
    }
    return items.length === 1 ? items[0]! : { kind: "or", items };
  };
  const parseAnd = (): ConditionExpr | ConditionProblem => {
    const items: ConditionExpr[] = [];
    for (;;) {
      const e = parseNot();
      if ("code" in e) return e;
      items.push(e);
      if (peek() !== "and") break;
      i++;
    }
    return items.length === 1 ? items[0]! : { kind: "and", items };
  };
  const parseNot = (): ConditionExpr | ConditionProblem => {
    if (peek() === "not") {
      i++;
      const e = parseNot();
      return "code" in e ? e : { kind: "not", item: e };
    }
    return parsePrimary();
  };
  const parsePrimary = (): ConditionExpr | ConditionProblem => {
    const tok = tokens[i];
    if (!tok) return fail("expected an identifier");
    const t = tok.text.toLowerCase();
    if (t === "(") {
      i++;
      const e = parseOr();
      if ("code" in e) return e;
      if (tokens[i]?.text !== ")") return fail("expected ')'");
      i++;
      return e;
    }
    if ((t === "1" || t === "all" || t === "any") && tokens[i + 1]?.text.toLowerCase() === "of") {
      i += 2;
      const target = tokens[i];
      if (!target || target.text === "(" || target.text === ")")
        return fail("expected 'them' or a name pattern");
      i++;
      const them = target.text.toLowerCase() === "them";
      const names = them
        ? identifiers.filter((n) => !n.startsWith("_"))
        : identifiers.filter((n) => nameMatches(target.text, n));
      if (names.length === 0) {
        return {
          code: "condition-no-match",
          message: them
            ? "'them' names no search identifier"
            : `'${target.text}' matches no search identifier`,
        };
      }
      return { kind: "of", quantifier: t === "all" ? "all" : "one", names };
    }
    if (/^\d+$/.test(t) && tokens[i + 1]?.text.toLowerCase() === "of") {
      return {
        code: "unsupported-condition",
        message: `'${tok.text} of' is not Sigma: only '1 of' and 'all of' exist`,
      };
    }
    if (KEYWORDS.has(t) || t === ")" || !NAME.test(tok.text)) return fail("expected an identifier");
    if (!identifiers.includes(tok.text)) {
      return {
        code: "unknown-identifier",
        message: `condition names '${tok.text}', which the detection does not define`,
      };
    }
    i++;
    return { kind: "ref", name: tok.text };
  };

  const expr = parseOr();
  if ("code" in expr) return expr;
  if (i < tokens.length) return fail("unexpected token");
  return expr;
}
