// Command-line parsing on node:util parseArgs, with usage errors as values a command can print.

import { type ParseArgsConfig, parseArgs } from "node:util";

export class UsageError extends Error {
  readonly code = "usage";
}

export type Options = NonNullable<ParseArgsConfig["options"]>;

/** Parses argv for one command; unknown options and missing values become a UsageError. */
export function parse<O extends Options>(argv: readonly string[], options: O) {
  try {
    return parseArgs({
      args: [...argv],
      options: { ...options, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ""));
  }
}

/** Reads `--format` against the allowed values. */
export function format<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`--format must be one of ${allowed.join(", ")} (got '${String(value)}')`);
}

/** A time bound: ISO 8601 date or date-time (UTC unless a zone is given). */
export function timeBound(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  const s = String(value);
  const t = Date.parse(
    /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/.test(s)
      ? `${s.replace(" ", "T")}${s.length > 10 ? "Z" : ""}`
      : s,
  );
  if (Number.isNaN(t))
    throw new UsageError(
      `${name} must be a date or date-time like 2026-11-20 or 2026-11-20T08:00:00Z (got '${s}')`,
    );
  return t;
}
