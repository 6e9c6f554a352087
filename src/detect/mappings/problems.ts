// Turns YAML and zod errors into Problems that name the file, the key path and the line.

import type { Document, LineCounter } from "yaml";
import { isMap, isScalar } from "yaml";
import type { z } from "zod";
import type { Problem } from "../../core/index.js";

type Path = readonly PropertyKey[];

const formatPath = (path: Path): string =>
  path.reduce<string>(
    (s, k) => (typeof k === "number" ? `${s}[${k}]` : s === "" ? String(k) : `${s}.${String(k)}`),
    "",
  );

/** The line of the key `key` inside the node at `path`, or of the node itself, or of its nearest parent. */
export const lineOf = (doc: Document, lines: LineCounter, path: Path, key?: string): number | undefined => {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n) as unknown[], true) as
      | { range?: [number, number, number] }
      | undefined;
    if (n === path.length && key !== undefined && isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && p.key.value === key);
      const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
      if (range) return lines.linePos(range[0]).line;
    }
    if (node?.range) return lines.linePos(node.range[0]).line;
  }
  return undefined;
};

/** Unions report "invalid input" at the top; the branch that got furthest says what is wrong. */
const flattenIssue = (issue: z.core.$ZodIssue, prefix: Path): { path: Path; issue: z.core.$ZodIssue }[] => {
  const path = [...prefix, ...issue.path];
  if (issue.code === "invalid_union" && issue.errors.length > 0) {
    const depth = (list: z.core.$ZodIssue[]): number => Math.max(0, ...list.map((i) => i.path.length));
    const best = issue.errors.reduce((a, b) => (depth(b) > depth(a) ? b : a));
    if (best.length > 0 && depth(best) > 0) return best.flatMap((i) => flattenIssue(i, path));
    // No branch got past the value itself: say which kinds of value would do.
    const expected = new Set<string>();
    let received = "";
    const gather = (issues: z.core.$ZodIssue[]): void => {
      for (const i of issues) {
        if (i.code === "invalid_union") for (const b of i.errors) gather(b);
        if (i.code !== "invalid_type") continue;
        expected.add(
          i.expected === "array"
            ? "a list"
            : /^[aeiou]/.test(i.expected)
              ? `an ${i.expected}`
              : `a ${i.expected}`,
        );
        received ||= /received (\w+)/.exec(i.message)?.[1] ?? "";
      }
    };
    for (const branch of issue.errors) gather(branch);
    if (expected.size > 0) {
      const message = `expected ${[...expected].join(" or ")}${received ? `, received ${received}` : ""}`;
      return [{ path, issue: { ...issue, message } }];
    }
  }
  return [{ path, issue }];
};

export const schemaProblems = (
  file: string,
  error: z.ZodError,
  doc: Document,
  lines: LineCounter,
): Problem[] =>
  error.issues
    .flatMap((i) => flattenIssue(i, []))
    .flatMap(({ path, issue }) => {
      const keys = issue.code === "unrecognized_keys" ? issue.keys : [undefined];
      return keys.map((key): Problem => {
        const where = formatPath(key === undefined ? path : [...path, key]) || "(top level)";
        const message =
          key === undefined
            ? issue.message
            : `unknown key "${key}" (check the spelling; see mappings/README.md)`;
        const line = lineOf(doc, lines, path, key);
        return {
          code: "mapping-invalid",
          message: `${file}: ${where}: ${message}`,
          path: file,
          ...(line === undefined ? {} : { line }),
        };
      });
    });
