// Regexes from rules run on untrusted event text, so they must not hang the process: every rule
// regex is proved linear-time-capable at load, and V8 falls back to its linear engine whenever a
// match backtracks excessively. Case-insensitive patterns are case-folded by rewriting, because
// Node 20's linear engine does not accept the `i` flag.

import v8 from "node:v8";
import { RE2JS } from "re2js";

// Must run before any rule regex is compiled. The first flag lets us ask "can this run in linear
// time?" (the `l` flag); the second makes ordinary regexes switch to the linear engine at run time.
v8.setFlagsFromString("--enable-experimental-regexp-engine");
v8.setFlagsFromString("--enable-experimental-regexp-engine-on-excessive-backtracks");

export type RegexProblem = { readonly code: "regex-invalid" | "regex-not-linear"; readonly message: string };

const swapCase = (c: string): string | undefined => {
  const lower = c.toLowerCase();
  const upper = c.toUpperCase();
  if (lower === upper || lower.length !== 1 || upper.length !== 1) return undefined;
  return c === lower ? upper : lower;
};

const isAsciiLower = (c: string) => c >= "a" && c <= "z";
const isAsciiUpper = (c: string) => c >= "A" && c <= "Z";

const HEX2 = /[0-9a-fA-F]{2}/y;
const HEX4 = /[0-9a-fA-F]{4}/y;
const hexAt = (re: RegExp, src: string, i: number): boolean => {
  re.lastIndex = i;
  return re.test(src);
};

/**
 * The length of the escape sequence at `i` (a backslash), as a rule regex reads it: without the
 * `u` flag, which rules never get. `\xHH`, `\uHHHH` and `\c` with a letter are one escape; any
 * other `\x`, `\u` (also `\u{...}`, a `u` then a count) or `\c` escapes only its letter. Always at
 * least 2, so the scanners below always move on.
 */
function escapeLength(src: string, i: number): number {
  const c = src[i + 1];
  if (c === "x") return hexAt(HEX2, src, i + 2) ? 4 : 2;
  if (c === "u") return hexAt(HEX4, src, i + 2) ? 6 : 2;
  if (c === "c") return /[a-zA-Z]/.test(src[i + 2] ?? "") ? 3 : 2;
  return 2;
}

const COUNT = /\{(\d+)(?:,(\d*))?\}/y;

/**
 * The counted quantifier (`{2}`, `{1,5}`, `{3,}`) at `i` of a regex source, with its bounds, or
 * undefined where the brace is a literal one.
 */
export function countAt(src: string, i: number): { text: string; min: number; max: number } | undefined {
  COUNT.lastIndex = i;
  const m = COUNT.exec(src);
  if (m === null) return undefined;
  const min = Number(m[1]);
  const max = m[2] === undefined ? min : m[2] === "" ? Number.POSITIVE_INFINITY : Number(m[2]);
  return { text: m[0], min, max };
}

/**
 * The letter a two-character escape stands for when it is an identity escape (`\u` not followed by
 * four hex digits, `\p`, `\e`: the letter itself, without the `u` flag), else undefined: class
 * escapes (`\d`), control ones (`\n`), `\b`, `\k` (a backreference where there are named groups;
 * left case-sensitive elsewhere) and `\c` keep their meaning and are copied.
 */
function identityLetter(src: string, i: number, n: number): string | undefined {
  const c = src[i + 1];
  if (n !== 2 || c === undefined || !/[a-zA-Z]/.test(c) || "bBdDsSwWfnrtvkc".includes(c)) return undefined;
  return c;
}

/** Rewrites a regex so that it matches case-insensitively without the `i` flag. */
export function caseFold(src: string): string {
  let out = "";
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === "\\") {
      const n = escapeLength(src, i);
      const letter = identityLetter(src, i, n);
      out += letter === undefined ? src.slice(i, i + n) : `[${letter}${swapCase(letter)}]`;
      i += n;
    } else if (c === "[") {
      const start = i;
      i++;
      if (src[i] === "^") i++;
      const prefix = src.slice(start, i);
      let body = "";
      let extra = "";
      while (i < src.length && src[i] !== "]") {
        const ch = src[i]!;
        if (ch === "\\") {
          const n = escapeLength(src, i);
          body += src.slice(i, i + n);
          const letter = identityLetter(src, i, n);
          if (letter !== undefined) extra += swapCase(letter);
          i += n;
          continue;
        }
        const hi = src[i + 2];
        if (src[i + 1] === "-" && hi !== undefined && hi !== "]") {
          body += src.slice(i, i + 3);
          if (isAsciiLower(ch) && isAsciiLower(hi)) extra += `${ch.toUpperCase()}-${hi.toUpperCase()}`;
          else if (isAsciiUpper(ch) && isAsciiUpper(hi)) extra += `${ch.toLowerCase()}-${hi.toLowerCase()}`;
          i += 3;
          continue;
        }
        body += ch;
        const other = swapCase(ch);
        if (other !== undefined) extra += other;
        i++;
      }
      out += prefix + body + extra;
      if (i < src.length) out += "]";
      i++;
    } else if (c === "(" && src[i + 1] === "?") {
      // group syntax: (?: (?= (?! (?<= (?<! (?<name>
      let j = i + 2;
      if (src[j] === "<" && src[j + 1] !== "=" && src[j + 1] !== "!") j = src.indexOf(">", j) + 1;
      else j += src[j] === "<" ? 2 : 1;
      out += src.slice(i, j);
      i = j;
    } else if (c === "{") {
      const n = countAt(src, i)?.text.length ?? 1;
      out += src.slice(i, i + n);
      i += n;
    } else {
      const other = swapCase(c);
      out += other === undefined ? c : `[${c}${other}]`;
      i++;
    }
  }
  return out;
}

/**
 * The index after the character class that starts at `i` (a `[`), or the source's length when it
 * is not closed. A `]` right after `[` or `[^` is taken as a member, as PCRE reads it: a scanner
 * that only copies or skips the class then covers at least the class JavaScript reads there.
 */
export function classEnd(src: string, i: number): number {
  let j = i + 1;
  if (src[j] === "^") j++;
  if (src[j] === "]") j++;
  while (j < src.length && src[j] !== "]") j += src[j] === "\\" ? escapeLength(src, j) : 1;
  return Math.min(j + 1, src.length);
}

/** The largest counts V8's linear engine accepts (Node 20): `{m,n}` up to n = 16, `{m,}` up to m = 15. */
const LINEAR_MAX_COUNT = 16;
const LINEAR_MAX_OPEN = 15;

/**
 * A regex whose language contains the given one's, with counted repetitions V8's linear engine
 * refuses (`{1,32}`, `{64}`, `{1000,}`) widened to `{min(m, 15),}`: no more repetitions required
 * than before, any number more allowed. Run first, natively, it spares the RE2 port (a JS interpreter, tens of
 * microseconds a command line) every text that cannot match.
 */
export function relaxCounts(src: string): string {
  let out = "";
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === "\\") {
      const n = escapeLength(src, i);
      out += src.slice(i, i + n);
      i += n;
    } else if (c === "[") {
      // a class, copied as it is
      const start = i;
      i = classEnd(src, i);
      out += src.slice(start, i);
    } else if (c === "{") {
      const count = countAt(src, i);
      if (count === undefined) {
        out += c;
        i++;
        continue;
      }
      const { text, min, max } = count;
      const refused = max === Number.POSITIVE_INFINITY ? min > LINEAR_MAX_OPEN : max > LINEAR_MAX_COUNT;
      out += refused ? `{${Math.min(min, LINEAR_MAX_OPEN)},}` : text;
      i += text.length;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/**
 * A lower bound on the length of every match of a regex, in characters: a text shorter than that
 * cannot match. Counts each atom once per required repetition, alternations by their shortest
 * branch, and assertions, backreferences and RE2's `\Q` `\E` as nothing. 0 where the source has
 * syntax that RE2 and JavaScript read differently (`\p{L}`, `[[:alpha:]]`, `\x{41}`).
 */
export function minMatchLength(src: string): number {
  if (/\\[pPxu]\{|\\[pP]|\[:/.test(src)) return 0;
  let i = 0;
  let unclosed = false;
  const alternation = (): number => {
    let shortest = sequence();
    while (src[i] === "|") {
      i++;
      shortest = Math.min(shortest, sequence());
    }
    return shortest;
  };
  const sequence = (): number => {
    let total = 0;
    while (i < src.length && src[i] !== "|" && src[i] !== ")") {
      const c = src[i]!;
      let item = 1;
      if (c === "\\") {
        if (/[bBkQEAzZG0-9]/.test(src[i + 1] ?? "")) item = 0;
        i += escapeLength(src, i);
      } else if (c === "[") i = classEnd(src, i);
      else if (c === "(") {
        const assertion = /^\(\?(?:[=!]|<[=!])/.test(src.slice(i, i + 4));
        i++;
        if (src[i] === "?") {
          // (?: (?= (?! (?<= (?<! (?<name>: the group's own syntax
          i++;
          if (src[i] === "<" && src[i + 1] !== "=" && src[i + 1] !== "!") i = src.indexOf(">", i) + 1;
          else i += src[i] === "<" ? 2 : 1;
        }
        const inner = alternation();
        if (src[i] !== ")") unclosed = true;
        i++;
        item = assertion ? 0 : inner;
      } else {
        if ("^$".includes(c)) item = 0;
        i++;
      }
      const q = src[i];
      const count = q === "{" ? countAt(src, i) : undefined;
      if (count !== undefined) {
        item *= count.min;
        i += count.text.length;
      } else if (q === "?" || q === "*" || q === "+") {
        if (q !== "+") item = 0;
        i++;
      }
      // a lazy quantifier
      if ((count !== undefined || q === "?" || q === "*" || q === "+") && src[i] === "?") i++;
      total += item;
    }
    return total;
  };
  const n = alternation();
  return i >= src.length && !unclosed ? n : 0;
}

/** A compiled rule regex: `test` searches (like RegExp#test) in time linear in the input. */
export interface RuleRegex {
  readonly test: (input: string) => boolean;
  /** `v8`: irregexp with the linear fallback; `re2`: the RE2 port, for what V8's linear engine refuses. */
  readonly engine: "v8" | "re2";
}

/**
 * Compiles a rule regex with Sigma flags (`i`, `m`, `s`); a leading PCRE `(?i)` etc. is accepted.
 * V8 runs it when its linear engine can (fast, with a linear fallback on excessive backtracking);
 * otherwise RE2 (e.g. large counted repetitions such as `.{1,256}`). Backreferences and lookaround
 * run in neither in linear time, so such rules are refused.
 */
export function compileRuleRegex(source: string, sigmaFlags: string): RuleRegex | RegexProblem {
  let src = source;
  let flags = sigmaFlags;
  const inline = /^\(\?([ims]+)\)/.exec(src);
  if (inline) {
    flags += inline[1];
    src = src.slice(inline[0].length);
  }
  const ignoreCase = flags.includes("i");
  const jsFlags = `${flags.includes("m") ? "m" : ""}${flags.includes("s") ? "s" : ""}`;
  try {
    new RegExp(src, jsFlags);
  } catch (e) {
    return {
      code: "regex-invalid",
      message: `invalid regular expression /${source}/: ${(e as Error).message}`,
    };
  }
  const folded = ignoreCase ? caseFold(src) : src;
  try {
    new RegExp(folded, `${jsFlags}l`);
    const re = new RegExp(folded, jsFlags);
    return { test: (input) => re.test(input), engine: "v8" };
  } catch {
    // not runnable by V8's linear engine: try RE2
  }
  try {
    const re2 = RE2JS.compile(
      src,
      (ignoreCase ? RE2JS.CASE_INSENSITIVE : 0) |
        (flags.includes("m") ? RE2JS.MULTILINE : 0) |
        (flags.includes("s") ? RE2JS.DOTALL : 0),
    );
    // a native pre-test with the counts relaxed, when V8's linear engine accepts that
    let pre: RegExp | undefined;
    try {
      const relaxed = relaxCounts(folded);
      new RegExp(relaxed, `${jsFlags}l`);
      pre = new RegExp(relaxed, jsFlags);
    } catch {
      pre = undefined;
    }
    const quick = pre;
    // `.{1000,}`: most texts are too short to match, which costs a length comparison to find out
    const shortest = minMatchLength(folded);
    return {
      test: quick
        ? (input) => input.length >= shortest && quick.test(input) && re2.matcher(input).find()
        : (input) => input.length >= shortest && re2.matcher(input).find(),
      engine: "re2",
    };
  } catch (e) {
    return {
      code: "regex-not-linear",
      message: `regular expression /${source}/ cannot be matched in linear time (${(e as Error).message}); backreferences and lookaround are not supported`,
    };
  }
}
