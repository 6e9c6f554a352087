// Tokens of the STIX patterning language, after the normative ANTLR grammar (STIXPattern.g4):
// longest match wins, keywords are case-sensitive, comments and Unicode spaces are skipped.

export type Token =
  | { readonly kind: "word"; readonly text: string; readonly at: number }
  | { readonly kind: "string"; readonly value: string; readonly at: number }
  | { readonly kind: "int" | "float"; readonly text: string; readonly at: number }
  | { readonly kind: "timestamp" | "binary" | "hex"; readonly value: string; readonly at: number }
  | { readonly kind: "punct"; readonly text: string; readonly at: number }
  | { readonly kind: "end"; readonly at: number };

export class LexError {
  constructor(
    readonly at: number,
    readonly message: string,
  ) {}
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the grammar's WS rule names these characters
const SPACE = /[ \t\r\n\u000B\u000C\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
const WORD_START = /[a-zA-Z_]/;
const WORD_PART = /[a-zA-Z0-9_-]/;
const DIGIT = /[0-9]/;
const TIMESTAMP =
  /^[0-9]{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?Z$/;
const BASE64 = /^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{4}|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2}==)$/;
const HEX = /^([A-Fa-f0-9]{2})*$/;
const PUNCT = ["==", "!=", "<>", "<=", ">=", "=", "<", ">", ":", ".", ",", "(", ")", "[", "]", "*"];

/** Reads a quoted body starting at the opening quote; returns the unescaped value and the end index. */
function readQuoted(src: string, open: number): { value: string; end: number } {
  let value = "";
  let i = open + 1;
  while (i < src.length) {
    const c = src[i]!;
    if (c === "'") return { value, end: i + 1 };
    if (c === "\\") {
      const n = src[i + 1];
      if (n !== "'" && n !== "\\") throw new LexError(i, "only \\' and \\\\ may be escaped in a string");
      value += n;
      i += 2;
      continue;
    }
    value += c;
    i++;
  }
  throw new LexError(open, "unterminated string literal");
}

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (SPACE.test(c)) {
      i++;
      continue;
    }
    if (src.startsWith("/*", i)) {
      const end = src.indexOf("*/", i + 2);
      if (end < 0) throw new LexError(i, "unterminated comment");
      i = end + 2;
      continue;
    }
    if (src.startsWith("//", i)) {
      while (i < src.length && src[i] !== "\n" && src[i] !== "\r") i++;
      continue;
    }
    const at = i;
    if (c === "'") {
      const q = readQuoted(src, i);
      out.push({ kind: "string", value: q.value, at });
      i = q.end;
      continue;
    }
    if ((c === "t" || c === "b" || c === "h") && src[i + 1] === "'") {
      const q = readQuoted(src, i + 1);
      const kind = c === "t" ? "timestamp" : c === "b" ? "binary" : "hex";
      const valid = kind === "timestamp" ? TIMESTAMP : kind === "binary" ? BASE64 : HEX;
      if (!valid.test(q.value)) throw new LexError(at, `malformed ${kind} literal ${src.slice(at, q.end)}`);
      out.push({ kind, value: q.value, at });
      i = q.end;
      continue;
    }
    if (WORD_START.test(c)) {
      let j = i + 1;
      while (j < src.length && WORD_PART.test(src[j]!)) j++;
      out.push({ kind: "word", text: src.slice(i, j), at });
      i = j;
      continue;
    }
    if (DIGIT.test(c) || ((c === "+" || c === "-" || c === ".") && /[0-9.]/.test(src[i + 1] ?? ""))) {
      const m = /^[+-]?([0-9]*\.[0-9]+|[0-9]+)/.exec(src.slice(i, i + 400));
      if (!m) throw new LexError(at, `unexpected '${c}'`);
      const raw = m[0];
      const isFloat = raw.includes(".");
      const digits = raw.replace(/^[+-]/, "");
      if (!isFloat && digits.length > 1 && digits.startsWith("0"))
        throw new LexError(at, `an integer has no leading zero: ${raw}`);
      out.push({ kind: isFloat ? "float" : "int", text: raw.startsWith("+") ? raw.slice(1) : raw, at });
      i += raw.length;
      continue;
    }
    const p = PUNCT.find((x) => src.startsWith(x, i));
    if (p === undefined) throw new LexError(at, `unexpected character '${c}'`);
    out.push({ kind: "punct", text: p, at });
    i += p.length;
  }
  out.push({ kind: "end", at: src.length });
  return out;
}
