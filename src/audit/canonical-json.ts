// Canonical JSON (after RFC 8785): object keys sorted by UTF-16 code units, no whitespace, strings
// and numbers as JSON.stringify writes them. Equal values give equal text, so hashes are stable.

/** Thrown for values JSON cannot carry faithfully (a bug in the caller, not an input error). */
export class NotJsonError extends TypeError {
  override readonly name = "NotJsonError";
}

export function canonicalJson(value: unknown): string {
  return write(value, "$");
}

function write(v: unknown, path: string): string {
  if (v === null) return "null";
  switch (typeof v) {
    case "string":
    case "boolean":
      return JSON.stringify(v);
    case "number":
      if (!Number.isFinite(v)) throw new NotJsonError(`${path}: ${v} is not a JSON number`);
      return JSON.stringify(v);
    case "object": {
      if (v instanceof Date) return JSON.stringify(v.toISOString());
      if (Array.isArray(v))
        return `[${v.map((x, i) => (x === undefined ? "null" : write(x, `${path}[${i}]`))).join(",")}]`;
      const proto = Object.getPrototypeOf(v) as unknown;
      if (proto !== Object.prototype && proto !== null) {
        throw new NotJsonError(
          `${path}: a ${(v as object).constructor?.name ?? "non-plain"} object is not JSON`,
        );
      }
      const entries = Object.keys(v)
        .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${write((v as Record<string, unknown>)[k], `${path}.${k}`)}`);
      return `{${entries.join(",")}}`;
    }
    default:
      throw new NotJsonError(`${path}: a ${typeof v} is not JSON`);
  }
}
