// One entry point for either syslog format: RFC 5424 announces itself with VERSION after PRI.
import type { JsonObject } from "../../core/event.js";
import type { Problem, Result } from "../../core/result.js";
import { parseRfc3164, type Rfc3164Options } from "./rfc3164.js";
import { parseRfc5424 } from "./rfc5424.js";

const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });
const RFC5424_START = /^<\d{1,3}>\d{1,2} /;

/**
 * Parses one syslog message (bytes are decoded as UTF-8, invalid sequences replaced). `now` is only
 * used to infer the year of a BSD timestamp.
 */
export function parseSyslog(input: string | Uint8Array, opts: Rfc3164Options): Result<JsonObject, Problem> {
  const s = typeof input === "string" ? input : utf8.decode(input);
  if (s.length === 0) return { ok: false, error: { code: "empty-message", message: "empty syslog message" } };
  return RFC5424_START.test(s) ? parseRfc5424(s) : parseRfc3164(s, opts);
}
