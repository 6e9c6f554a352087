// A recursive-descent parser for STIX 2.1 patterns (grammar: STIXPattern.g4) plus the semantic
// rules the grammar cannot say. Never throws on input: every failure is a Problem with an offset.
import { err, ok, type Problem, type Result } from "../../core/result.js";
import type {
  ComparisonExpression,
  ComparisonOperator,
  Literal,
  ObjectPath,
  ObservationExpression,
  PathStep,
  Pattern,
  Qualifier,
} from "./pattern-ast.js";
import { KEYWORDS } from "./pattern-ast.js";
import { LexError, type Token, tokenize } from "./pattern-lexer.js";

/** Nesting deeper than this is refused rather than risking the stack on hostile input. */
const MAX_DEPTH = 64;

class ParseError {
  constructor(
    readonly at: number,
    readonly message: string,
  ) {}
}

const ORDER_OPS = new Set(["<", ">", "<=", ">="]);
const STRING_OPS = new Set(["LIKE", "MATCHES", "ISSUBSET", "ISSUPERSET"]);

class Parser {
  private i = 0;
  private depth = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  private get tok(): Token {
    return this.tokens[this.i]!;
  }
  private describe(t: Token): string {
    switch (t.kind) {
      case "end":
        return "the end of the pattern";
      case "word":
      case "punct":
      case "int":
      case "float":
        return `'${t.text}'`;
      default:
        return `a ${t.kind} literal`;
    }
  }
  private fail(expected: string): never {
    throw new ParseError(this.tok.at, `expected ${expected}, found ${this.describe(this.tok)}`);
  }
  private isWord(text: string): boolean {
    return this.tok.kind === "word" && this.tok.text === text;
  }
  private isPunct(text: string): boolean {
    return this.tok.kind === "punct" && this.tok.text === text;
  }
  private eatWord(text: string): boolean {
    if (!this.isWord(text)) return false;
    this.i++;
    return true;
  }
  private eatPunct(text: string): boolean {
    if (!this.isPunct(text)) return false;
    this.i++;
    return true;
  }
  private expectPunct(text: string): void {
    if (!this.eatPunct(text)) this.fail(`'${text}'`);
  }
  private enter(): void {
    if (++this.depth > MAX_DEPTH) throw new ParseError(this.tok.at, `nested deeper than ${MAX_DEPTH} levels`);
  }

  pattern(): Pattern {
    const p = this.observations();
    if (this.tok.kind !== "end") this.fail("AND, OR, FOLLOWEDBY, a qualifier or the end");
    return p;
  }

  private observations(): ObservationExpression {
    let left = this.observationOr();
    while (this.eatWord("FOLLOWEDBY")) left = { kind: "followedby", left, right: this.observationOr() };
    return left;
  }
  private observationOr(): ObservationExpression {
    let left = this.observationAnd();
    while (this.eatWord("OR")) left = { kind: "or", left, right: this.observationAnd() };
    return left;
  }
  private observationAnd(): ObservationExpression {
    let left = this.qualified();
    while (this.eatWord("AND")) left = { kind: "and", left, right: this.qualified() };
    return left;
  }
  private qualified(): ObservationExpression {
    let e = this.observation();
    for (let q = this.qualifier(); q !== undefined; q = this.qualifier())
      e = { kind: "qualified", expression: e, qualifier: q };
    return e;
  }
  private observation(): ObservationExpression {
    this.enter();
    try {
      if (this.eatPunct("[")) {
        const comparison = this.comparisonOr();
        this.expectPunct("]");
        return { kind: "observation", comparison };
      }
      if (this.eatPunct("(")) {
        const e = this.observations();
        this.expectPunct(")");
        return e;
      }
      return this.fail("'[' or '('");
    } finally {
      this.depth--;
    }
  }
  private qualifier(): Qualifier | undefined {
    if (this.eatWord("WITHIN")) {
      const t = this.tok;
      if ((t.kind !== "int" && t.kind !== "float") || t.text.startsWith("-"))
        this.fail("a positive number of seconds");
      this.i++;
      if (!this.eatWord("SECONDS")) this.fail("SECONDS");
      return { kind: "within", seconds: { kind: t.kind, text: t.text } };
    }
    if (this.eatWord("REPEATS")) {
      const t = this.tok;
      if (t.kind !== "int" || t.text.startsWith("-")) this.fail("a positive integer");
      this.i++;
      if (!this.eatWord("TIMES")) this.fail("TIMES");
      return { kind: "repeats", times: { kind: "int", text: t.text } };
    }
    if (this.eatWord("START")) {
      const start = this.timestamp();
      if (!this.eatWord("STOP")) this.fail("STOP");
      return { kind: "start-stop", start, stop: this.timestamp() };
    }
    return undefined;
  }
  private timestamp(): string {
    const t = this.tok;
    if (t.kind !== "timestamp") return this.fail("a timestamp literal t'...'");
    this.i++;
    return t.value;
  }

  private comparisonOr(): ComparisonExpression {
    let left = this.comparisonAnd();
    while (this.eatWord("OR")) left = { kind: "or", left, right: this.comparisonAnd() };
    return left;
  }
  private comparisonAnd(): ComparisonExpression {
    let left = this.propTest();
    while (this.eatWord("AND")) left = { kind: "and", left, right: this.propTest() };
    return left;
  }
  private propTest(): ComparisonExpression {
    this.enter();
    try {
      if (this.eatPunct("(")) {
        const e = this.comparisonOr();
        this.expectPunct(")");
        return e;
      }
      if (this.isWord("NOT") || this.isWord("EXISTS")) {
        const negated = this.eatWord("NOT");
        if (!this.eatWord("EXISTS")) this.fail("EXISTS");
        return { kind: "exists", path: this.objectPath(), negated };
      }
      const path = this.objectPath();
      const negated = this.eatWord("NOT");
      const t = this.tok;
      if (t.kind === "word" && t.text === "IN") {
        this.i++;
        return { kind: "in", path, negated, values: this.set() };
      }
      let operator: ComparisonOperator;
      if (t.kind === "punct" && ["=", "==", "!=", "<>", "<", ">", "<=", ">="].includes(t.text))
        operator = t.text === "==" ? "=" : t.text === "<>" ? "!=" : (t.text as ComparisonOperator);
      else if (t.kind === "word" && STRING_OPS.has(t.text)) operator = t.text as ComparisonOperator;
      else
        return this.fail(
          "a comparison operator (=, !=, <, >, <=, >=, IN, LIKE, MATCHES, ISSUBSET, ISSUPERSET)",
        );
      this.i++;
      const at = this.tok;
      const value = this.literal();
      if (STRING_OPS.has(operator) && value.kind !== "string")
        throw new ParseError(at.at, `${operator} takes a string literal`);
      if (ORDER_OPS.has(operator) && value.kind === "bool")
        throw new ParseError(at.at, `${operator} takes an orderable literal, not a boolean`);
      return { kind: "compare", path, negated, operator, value };
    } finally {
      this.depth--;
    }
  }
  private set(): Literal[] {
    this.expectPunct("(");
    const values: Literal[] = [];
    if (this.eatPunct(")")) return values;
    do values.push(this.literal());
    while (this.eatPunct(","));
    this.expectPunct(")");
    return values;
  }
  private literal(): Literal {
    const t = this.tok;
    let l: Literal;
    switch (t.kind) {
      case "string":
        l = { kind: "string", value: t.value };
        break;
      case "int":
      case "float":
        l = { kind: t.kind, text: t.text };
        break;
      case "timestamp":
        l = { kind: "timestamp", value: t.value };
        break;
      case "binary":
        l = { kind: "binary", base64: t.value };
        break;
      case "hex":
        l = { kind: "hex", hex: t.value };
        break;
      case "word":
        if (t.text !== "true" && t.text !== "false") return this.fail("a literal");
        l = { kind: "bool", value: t.text === "true" };
        break;
      default:
        return this.fail("a literal");
    }
    this.i++;
    return l;
  }
  private objectPath(): ObjectPath {
    const t = this.tok;
    if (t.kind !== "word" || KEYWORDS.has(t.text)) return this.fail("an object path like ipv4-addr:value");
    this.i++;
    this.expectPunct(":");
    const first = this.key();
    const steps: PathStep[] = [];
    for (;;) {
      if (this.eatPunct(".")) steps.push(this.key());
      else if (this.eatPunct("[")) {
        const x = this.tok;
        if (x.kind === "int") steps.push({ kind: "index", index: Number(x.text) });
        else if (x.kind === "punct" && x.text === "*") steps.push({ kind: "index", index: "*" });
        else this.fail("a list index or '*'");
        this.i++;
        this.expectPunct("]");
      } else break;
    }
    return { objectType: t.text, steps: [first, ...steps] };
  }
  private key(): PathStep & { kind: "key" } {
    const t = this.tok;
    if (t.kind === "string") {
      this.i++;
      return { kind: "key", name: t.value };
    }
    if (t.kind === "word" && !t.text.includes("-") && !KEYWORDS.has(t.text)) {
      this.i++;
      return { kind: "key", name: t.text };
    }
    return this.fail("a property name (quote it if it has a hyphen or is a keyword)");
  }
}

/** Rules the grammar does not express (STIX 2.1 section 9). */
function semanticProblems(p: ObservationExpression): string[] {
  const out: string[] = [];
  const walk = (e: ObservationExpression, seen: ReadonlySet<string>): void => {
    if (e.kind === "qualified") {
      const q = e.qualifier;
      if (seen.has(q.kind))
        out.push(`an observation expression has more than one ${q.kind.toUpperCase()} qualifier`);
      if (q.kind === "repeats" && Number(q.times.text) < 1) out.push("REPEATS needs a positive count");
      if (q.kind === "within" && !(Number(q.seconds.text) > 0))
        out.push("WITHIN needs a positive number of seconds");
      if (q.kind === "start-stop" && !(Date.parse(q.stop) > Date.parse(q.start)))
        out.push(`STOP ${q.stop} is not later than START ${q.start}`);
      walk(e.expression, new Set([...seen, q.kind]));
    } else if (e.kind !== "observation") {
      walk(e.left, new Set());
      walk(e.right, new Set());
    }
  };
  walk(p, new Set());
  return out;
}

/** Parses a STIX 2.1 pattern. Problems: `pattern-syntax` (with the offset) or `pattern-invalid`. */
export function parsePattern(text: string): Result<Pattern, Problem> {
  let p: Pattern;
  try {
    p = new Parser(tokenize(text)).pattern();
  } catch (e) {
    if (e instanceof LexError || e instanceof ParseError)
      return err({
        code: "pattern-syntax",
        message: `at offset ${e.at}: ${e.message}`,
        path: `pattern@${e.at}`,
      });
    throw e;
  }
  const problems = semanticProblems(p);
  return problems.length > 0 ? err({ code: "pattern-invalid", message: problems.join("; ") }) : ok(p);
}
