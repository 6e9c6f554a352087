// Checks one delimited event: size, UTF-8, JSON syntax, object at top level, nesting and field count.
import type { JsonObject } from "../../core/event.js";
import { locateJsonError } from "./json-error.js";

export interface EventLimits {
  readonly maxEventBytes: number;
  /** Deepest nesting of objects and arrays; the event object itself is depth 1. */
  readonly maxDepth: number;
  /** Keys summed over every object in the event. */
  readonly maxFields: number;
}

export interface RejectedEvent {
  readonly index: number;
  readonly code: string;
  readonly message: string;
  /** For NDJSON bodies, the 1-based body line the event starts on; for arrays, the line of the element. */
  readonly bodyLine?: number;
  /** For `invalid-json`: where in the event the syntax error is (1-based line/column, 0-based byte offset). */
  readonly line?: number;
  readonly column?: number;
  readonly offset?: number;
}

export type EventCheck =
  | { readonly ok: true; readonly event: JsonObject; readonly text: string }
  | { readonly ok: false; readonly code: string; readonly message: string; readonly at?: ErrorAt };

interface ErrorAt {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
}

const fatalUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** `utf8Known` says the whole body already passed a UTF-8 check, so the fast decoder is safe. */
export function checkEvent(
  buf: Buffer,
  start: number,
  end: number,
  utf8Known: boolean,
  limits: EventLimits,
): EventCheck {
  const bytes = end - start;
  if (bytes > limits.maxEventBytes)
    return {
      ok: false,
      code: "event-too-large",
      message: `event is ${bytes} bytes, more than the limit of ${limits.maxEventBytes}`,
    };
  let text: string;
  if (utf8Known) text = buf.toString("utf8", start, end);
  else {
    try {
      text = fatalUtf8.decode(buf.subarray(start, end));
    } catch {
      const at = firstBadUtf8(buf, start, end);
      return {
        ok: false,
        code: "invalid-utf8",
        message: `event contains invalid UTF-8 at byte ${at} of the event`,
      };
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const loc = locateJsonError(text);
    const at = position(text, loc.index);
    return {
      ok: false,
      code: "invalid-json",
      message: `invalid JSON at line ${at.line} column ${at.column} (byte ${at.offset}): ${loc.message} (${(e as Error).message})`,
      at,
    };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return {
      ok: false,
      code: "not-an-object",
      message: `event must be a JSON object, got ${value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`}`,
    };
  const shape = measure(value, limits);
  if (shape !== undefined) return { ok: false, ...shape };
  return { ok: true, event: value as JsonObject, text };
}

/** Walks the parsed value with an explicit stack; stops at the first limit crossed. */
function measure(root: object, limits: EventLimits): { code: string; message: string } | undefined {
  let fields = 0;
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (depth > limits.maxDepth)
      return { code: "too-deep", message: `event nests deeper than ${limits.maxDepth} levels` };
    if (Array.isArray(v)) {
      for (const x of v) if (typeof x === "object" && x !== null) stack.push([x, depth + 1]);
    } else {
      const keys = Object.keys(v as object);
      fields += keys.length;
      if (fields > limits.maxFields)
        return {
          code: "too-many-fields",
          message: `event has more than ${limits.maxFields} fields in total`,
        };
      for (const k of keys) {
        const x = (v as Record<string, unknown>)[k];
        if (typeof x === "object" && x !== null) stack.push([x, depth + 1]);
      }
    }
  }
  return undefined;
}

function position(text: string, index: number): ErrorAt {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < index; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return {
    line,
    column: index - lineStart + 1,
    offset: Buffer.byteLength(text.slice(0, index)),
  };
}

/** Byte index (relative to `start`) where the first invalid UTF-8 sequence begins (RFC 3629 rules). */
function firstBadUtf8(buf: Buffer, start: number, end: number): number {
  let i = start;
  while (i < end) {
    const b = buf[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    // Sequence length and the allowed range of the second byte (excludes overlongs and surrogates).
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) n = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      n = 3;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      n = 4;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i - start;
    const second = buf[i + 1];
    if (i + n > end || second === undefined || second < lo || second > hi) return i - start;
    for (let k = 2; k < n; k++) if (((buf[i + k] ?? 0) & 0xc0) !== 0x80) return i - start;
    i += n;
  }
  return end - start;
}
