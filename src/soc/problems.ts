// Zod issues as Problems: a stable code, the field's path ("observables[2].value") and a plain message.
import type { z } from "zod";
import type { Problem } from "../core/index.js";

type Path = readonly PropertyKey[];

export function formatPath(path: Path): string {
  return path.reduce<string>(
    (s, k) => (typeof k === "number" ? `${s}[${k}]` : s === "" ? String(k) : `${s}.${String(k)}`),
    "",
  );
}

function valueAt(input: unknown, path: Path): unknown {
  let at = input;
  for (const k of path) {
    if (at === null || typeof at !== "object" || !Object.hasOwn(at, k)) return undefined;
    at = (at as Record<PropertyKey, unknown>)[k];
  }
  return at;
}

const CODES: Readonly<Record<string, string>> = {
  invalid_type: "invalid-type",
  too_big: "too-big",
  too_small: "too-small",
  invalid_format: "invalid-format",
  invalid_value: "invalid-value",
  invalid_union: "invalid-value",
  not_multiple_of: "invalid-value",
};

/**
 * One Problem per issue (per key for unknown keys). `input` is the value that was parsed: zod v4
 * does not say whether a wrong type was a missing field, so it is looked up there.
 */
export function zodProblems(error: z.ZodError, input: unknown, prefix: Path = []): Problem[] {
  return locatedZodProblems(error, input, prefix).map((p) => p.problem);
}

/** The same, each with the issue's path as keys, for callers that map it to a source line. */
export function locatedZodProblems(
  error: z.ZodError,
  input: unknown,
  prefix: Path = [],
): { problem: Problem; at: PropertyKey[] }[] {
  return error.issues.flatMap((issue): { problem: Problem; at: PropertyKey[] }[] => {
    const path = [...prefix, ...issue.path];
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => {
        const where = formatPath([...path, key]);
        return {
          problem: { code: "unknown-field", message: `${where}: unknown field`, path: where },
          at: [...path, key],
        };
      });
    }
    const where = formatPath(path);
    const missing = issue.code === "invalid_type" && valueAt(input, issue.path) === undefined;
    const custom =
      issue.code === "custom" ? (issue.params as { code?: string } | undefined)?.code : undefined;
    const code = missing ? "missing-field" : (custom ?? CODES[issue.code] ?? "invalid-value");
    const message = missing ? "required" : issue.message;
    const problem: Problem =
      where === "" ? { code, message } : { code, message: `${where}: ${message}`, path: where };
    return [{ problem, at: path }];
  });
}
