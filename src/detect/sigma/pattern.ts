// Sigma string values: escape processing (`\*`, `\?`, `\\`), wildcards, and the windash rewrite.

import type { Pattern, PatternPart } from "./ast.js";

const isWordChar = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9_]/.test(c);

/**
 * Parses a Sigma string into parts. A backslash escapes `*`, `?` and `\`; before anything else it
 * is a plain backslash (so `\\` and `\` both mean one backslash, and `\\*` is backslash + wildcard).
 * With `wildcards: false` (regex, cidr...) the string is taken literally.
 */
export function parsePattern(value: string, options: { wildcards?: boolean } = {}): Pattern {
  if (options.wildcards === false) return { parts: value === "" ? [] : [{ kind: "text", text: value }] };
  const parts: PatternPart[] = [];
  let text = "";
  const flush = () => {
    if (text !== "") parts.push({ kind: "text", text });
    text = "";
  };
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === "\\") {
      const next = value[i + 1];
      if (next === "*" || next === "?" || next === "\\") {
        text += next;
        i++;
      } else {
        text += "\\";
      }
    } else if (c === "*") {
      flush();
      if (parts.at(-1)?.kind !== "any") parts.push({ kind: "any" });
    } else if (c === "?") {
      flush();
      parts.push({ kind: "one" });
    } else {
      text += c;
    }
  }
  flush();
  return { parts };
}

/**
 * windash: a `-` or `/` that starts a word (not preceded by a word character, followed by one)
 * becomes a dash part matching any of - / – — ―, as pySigma does with `\B[-/]\b`.
 */
export function applyWindash(pattern: Pattern): Pattern {
  const parts: PatternPart[] = [];
  for (const part of pattern.parts) {
    if (part.kind !== "text") {
      parts.push(part);
      continue;
    }
    let text = "";
    const t = part.text;
    for (let i = 0; i < t.length; i++) {
      const c = t[i]!;
      if ((c === "-" || c === "/") && !isWordChar(t[i - 1]) && isWordChar(t[i + 1])) {
        if (text !== "") parts.push({ kind: "text", text });
        text = "";
        parts.push({ kind: "dash" });
      } else {
        text += c;
      }
    }
    if (text !== "") parts.push({ kind: "text", text });
  }
  return { parts };
}

/** Adds leading/trailing `*` as contains/startswith/endswith do. */
export function anchor(pattern: Pattern, mode: "equals" | "contains" | "startswith" | "endswith"): Pattern {
  const parts = [...pattern.parts];
  if ((mode === "contains" || mode === "endswith") && parts[0]?.kind !== "any")
    parts.unshift({ kind: "any" });
  if ((mode === "contains" || mode === "startswith") && parts.at(-1)?.kind !== "any")
    parts.push({ kind: "any" });
  return { parts };
}

/** The pattern written back as a Sigma string (for messages and golden files). */
export function patternToString(pattern: Pattern): string {
  return pattern.parts
    .map((p) =>
      p.kind === "any"
        ? "*"
        : p.kind === "one"
          ? "?"
          : p.kind === "dash"
            ? "[-/–—―]"
            : p.text.replace(/[\\*?]/g, (m) => `\\${m}`),
    )
    .join("");
}

/** True when the pattern has no wildcard: a plain string. */
export function literalOf(pattern: Pattern): string | undefined {
  if (pattern.parts.length === 0) return "";
  const only = pattern.parts[0];
  return pattern.parts.length === 1 && only?.kind === "text" ? only.text : undefined;
}

export const WINDASH_CHARS = ["-", "/", "\u2013", "\u2014", "\u2015"] as const;

/** Escapes every regex metacharacter, so the text matches itself literally. */
export const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
