// BSD syslog (RFC 3164): `<PRI>Mmm dd hh:mm:ss host tag[pid]: msg`. Real senders vary (no host, an
// RFC 3339 timestamp, a year after the day), so the header is read leniently and what cannot be
// recognised stays in the message rather than being dropped.
import type { JsonObject } from "../../core/event.js";
import { err, ok, type Problem, type Result } from "../../core/result.js";
import { isProblem, parsePriority, priorityFields } from "./priority.js";
import { BSD_TIMESTAMP, bsdToIso, rfc3339ToIso } from "./timestamp.js";

export interface Rfc3164Options {
  /** When the message was received: supplies the year BSD timestamps leave out. */
  readonly now: Date;
  /** The sender's offset from UTC in minutes, since BSD timestamps carry no zone. Default 0. */
  readonly utcOffsetMinutes?: number;
}

/** `tag[pid]:` — TAG is up to 32 alphanumerics in the RFC; real ones hold `.`, `-`, `/`, `_`. */
const TAG = /^([^\s[\]:]{1,48})(?:\[([^\]\s]{1,128})\])?:(?: |$)/;
const ISO_PREFIX = /^\d{4}-\d{2}-\d{2}T\S+(?= |$)/;

export function parseRfc3164(s: string, opts: Rfc3164Options): Result<JsonObject, Problem> {
  const pri = parsePriority(s);
  if (isProblem(pri)) return err(pri);
  const event: JsonObject = { format: "rfc3164", ...priorityFields(pri) };
  let rest = s.slice(pri.next);
  let timestamp: string | undefined;
  const bsd = BSD_TIMESTAMP.exec(rest);
  if (bsd) {
    timestamp = bsdToIso(bsd, opts.now, opts.utcOffsetMinutes ?? 0);
    if (timestamp === undefined)
      return err({
        code: "invalid-timestamp",
        message: `timestamp ${JSON.stringify(bsd[0])} is not a valid date`,
      });
    rest = rest.slice(bsd[0].length);
  } else {
    const iso = ISO_PREFIX.exec(rest);
    timestamp = iso ? rfc3339ToIso(iso[0]) : undefined;
    if (iso && timestamp !== undefined) rest = rest.slice(iso[0].length);
  }
  if (timestamp !== undefined) {
    event.timestamp = timestamp;
    rest = rest.startsWith(" ") ? rest.slice(1) : rest;
    // HOSTNAME follows the timestamp unless the next word is already the tag (`su: ...`).
    const sp = rest.indexOf(" ");
    const word = sp === -1 ? rest : rest.slice(0, sp);
    if (word !== "" && !TAG.test(`${word} `) && sp !== -1) {
      event.hostname = word;
      rest = rest.slice(sp + 1);
    }
  }
  const tag = TAG.exec(rest);
  if (tag) {
    event.app_name = tag[1]!;
    if (tag[2] !== undefined) event.procid = tag[2];
    rest = rest.slice(tag[0].length);
  }
  if (rest !== "") event.message = rest;
  event.raw = s;
  return ok(event);
}
