// RFC 5424 syslog messages: parse into an event object, and format one (for tests and forwarding).
import type { JsonObject } from "../../core/event.js";
import { err, ok, type Problem, type Result } from "../../core/result.js";
import { isProblem, parsePriority, priorityFields } from "./priority.js";
import { rfc3339ToIso } from "./timestamp.js";

/** SD-ID → parameter name → value; a parameter repeated within an element becomes an array. */
export type StructuredData = Record<string, Record<string, string | string[]>>;

const HEADER_FIELDS = [
  ["hostname", 255],
  ["app_name", 48],
  ["procid", 128],
  ["msgid", 32],
] as const;

const isPrintAscii = (c: number): boolean => c >= 33 && c <= 126;
const isSdNameChar = (c: number): boolean => isPrintAscii(c) && c !== 0x3d && c !== 0x5d && c !== 0x22;

export function parseRfc5424(s: string): Result<JsonObject, Problem> {
  const pri = parsePriority(s);
  if (isProblem(pri)) return err(pri);
  let i = pri.next;
  const fail = (code: string, message: string): Result<JsonObject, Problem> =>
    err({ code, message: `${message} (at character ${i})` });
  const token = (): string => {
    const sp = s.indexOf(" ", i);
    const t = s.slice(i, sp === -1 ? s.length : sp);
    i = sp === -1 ? s.length : sp + 1;
    return t;
  };
  const atEnd = (): boolean => i >= s.length;

  const version = token();
  if (version !== "1")
    return fail("unsupported-version", `syslog VERSION ${JSON.stringify(version)} is not 1`);
  const event: JsonObject = { format: "rfc5424", ...priorityFields(pri) };
  if (atEnd()) return fail("invalid-header", "message ends before TIMESTAMP");
  const stamp = token();
  if (stamp !== "-") {
    const iso = rfc3339ToIso(stamp);
    if (iso === undefined)
      return fail("invalid-timestamp", `TIMESTAMP ${JSON.stringify(stamp)} is not RFC 3339`);
    event.timestamp = iso;
  }
  for (const [name, max] of HEADER_FIELDS) {
    if (atEnd()) return fail("invalid-header", `message ends before ${name.toUpperCase()}`);
    const start = i;
    const value = token();
    if (value === "") return fail("invalid-header", `${name.toUpperCase()} is empty (two spaces in a row)`);
    if (value.length > max)
      return fail("field-too-long", `${name.toUpperCase()} is ${value.length} characters, at most ${max}`);
    for (let k = 0; k < value.length; k++)
      if (!isPrintAscii(value.charCodeAt(k))) {
        i = start + k;
        return fail("invalid-header", `${name.toUpperCase()} holds a non-printable or non-ASCII character`);
      }
    if (value !== "-") event[name] = value;
  }
  if (atEnd()) return fail("invalid-structured-data", "message ends before STRUCTURED-DATA");
  if (s[i] === "-") i++;
  else {
    const sd = parseStructuredData(s, i);
    if (isProblem(sd)) return err(sd);
    event.structured_data = sd.value as unknown as JsonObject;
    i = sd.next;
  }
  if (!atEnd()) {
    if (s[i] !== " ")
      return fail("invalid-structured-data", "expected a space or the end after STRUCTURED-DATA");
    // MSG-UTF8 starts with a byte-order mark that says "this is UTF-8"; it is not part of the text.
    const msg = s.charCodeAt(i + 1) === 0xfeff ? s.slice(i + 2) : s.slice(i + 1);
    if (msg !== "") event.message = msg;
  }
  event.raw = s;
  return ok(event);
}

/** `[SD-ID param="value" ...]...` at `i`; values unescape `\"`, `\\` and `\]` only (§6.3.3). */
function parseStructuredData(s: string, i: number): { value: StructuredData; next: number } | Problem {
  // Maps, not objects, while collecting: an SD-ID or PARAM-NAME may well be "__proto__".
  const value = new Map<string, Map<string, string | string[]>>();
  const fail = (message: string): Problem => ({
    code: "invalid-structured-data",
    message: `${message} (at character ${i})`,
  });
  const name = (what: string): string | Problem => {
    const start = i;
    while (i < s.length && isSdNameChar(s.charCodeAt(i))) i++;
    if (i === start) return fail(`expected ${what}`);
    if (i - start > 32) return fail(`${what} is longer than 32 characters`);
    return s.slice(start, i);
  };
  if (s[i] !== "[") return fail("STRUCTURED-DATA must be - or start with [");
  while (s[i] === "[") {
    i++;
    const id = name("an SD-ID");
    if (typeof id !== "string") return id;
    // The RFC forbids a repeated SD-ID; merging keeps every parameter instead of dropping data.
    const params = value.get(id) ?? new Map<string, string | string[]>();
    value.set(id, params);
    while (s[i] === " ") {
      i++;
      const param = name("a PARAM-NAME");
      if (typeof param !== "string") return param;
      if (s[i] !== "=") return fail(`expected = after ${param}`);
      i++;
      if (s[i] !== '"') return fail(`expected " to open the value of ${param}`);
      i++;
      let text = "";
      let from = i;
      for (;;) {
        if (i >= s.length) return fail(`unterminated value of ${param}`);
        const c = s[i];
        if (c === "\\") {
          const e = s[i + 1];
          if (e === '"' || e === "\\" || e === "]") {
            text += s.slice(from, i) + e;
            i += 2;
            from = i;
            continue;
          }
        } else if (c === '"') break;
        i++;
      }
      text += s.slice(from, i);
      i++;
      const prev = params.get(param);
      params.set(param, prev === undefined ? text : Array.isArray(prev) ? [...prev, text] : [prev, text]);
    }
    if (s[i] !== "]") return fail(`expected ] or a space and a parameter in [${id}`);
    i++;
  }
  const entries = [...value].map(([id, params]) => [id, Object.fromEntries(params)] as const);
  return { value: Object.fromEntries(entries), next: i };
}

export interface Rfc5424Message {
  readonly facility: number;
  readonly severity: number;
  /** ISO 8601; written as given, so use one RFC 3339 accepts. */
  readonly timestamp?: string;
  readonly hostname?: string;
  readonly app_name?: string;
  readonly procid?: string;
  readonly msgid?: string;
  readonly structured_data?: StructuredData;
  readonly message?: string;
  /** Prefix MSG with a byte-order mark, as RFC 5424 asks for UTF-8 text. Default true. */
  readonly bom?: boolean;
}

const escapeValue = (v: string): string => v.replace(/["\\\]]/g, (c) => `\\${c}`);

/** Formats a message; header fields are written as given (the caller keeps them printable ASCII). */
export function formatRfc5424(m: Rfc5424Message): string {
  const nil = (v: string | undefined): string => (v === undefined || v === "" ? "-" : v);
  const header = `<${m.facility * 8 + m.severity}>1 ${nil(m.timestamp)} ${nil(m.hostname)} ${nil(m.app_name)} ${nil(m.procid)} ${nil(m.msgid)}`;
  const elements = Object.entries(m.structured_data ?? {}).map(([id, params]) => {
    const ps = Object.entries(params).flatMap(([k, v]) =>
      (Array.isArray(v) ? v : [v]).map((x) => ` ${k}="${escapeValue(x)}"`),
    );
    return `[${id}${ps.join("")}]`;
  });
  const sd = elements.length === 0 ? "-" : elements.join("");
  const msg =
    m.message === undefined || m.message === "" ? "" : ` ${m.bom === false ? "" : "\uFEFF"}${m.message}`;
  return `${header} ${sd}${msg}`;
}
