// Parses the body of `POST /api/v1/events` into accepted and rejected events: one bad event never
// rejects the others; only problems with the body as a whole (encoding, media type, size) are an Err.
import { isUtf8 } from "node:buffer";
import type { JsonObject } from "../../core/event.js";
import { err, ok, type Problem, type Result } from "../../core/result.js";
import { decodeBody, type Framing, framingOf } from "./body.js";
import { checkEvent, type EventLimits, type RejectedEvent } from "./event.js";
import { type Span, skipWs, splitArray, splitLines } from "./split.js";

export interface EventBatchOptions {
  readonly contentType?: string;
  readonly contentEncoding?: string;
  readonly maxEventBytes: number;
  readonly maxEvents: number;
  readonly maxDecompressedBytes: number;
  /** Default 64. */
  readonly maxDepth?: number;
  /** Default 10,000 keys summed over the event's objects. */
  readonly maxFields?: number;
}

export interface AcceptedEvent {
  readonly index: number;
  readonly event: JsonObject;
  /** The event's JSON text as sent (valid, an object): stored as is, not serialised again. */
  readonly text: string;
  /** Size of the event's JSON text in the (decoded) body. */
  readonly bytes: number;
}

export interface EventBatch {
  readonly events: AcceptedEvent[];
  readonly rejected: RejectedEvent[];
}

export function parseEventBatch(body: Buffer, opts: EventBatchOptions): Result<EventBatch, Problem> {
  const framing = framingOf(opts.contentType);
  if (!framing.ok) return framing;
  const decoded = decodeBody(body, opts.contentEncoding, opts.maxDecompressedBytes);
  if (!decoded.ok) return decoded;
  const buf = decoded.value;
  const first = skipWs(buf, 0, buf.length);
  if (first >= buf.length) return err({ code: "empty-body", message: "the body holds no events" });
  const spans = split(buf, first, framing.value, opts.maxEvents);
  if (spans === "too-many")
    return err({
      code: "too-many-events",
      message: `the body holds more than ${opts.maxEvents} events: split it into smaller batches`,
    });
  const limits: EventLimits = {
    maxEventBytes: opts.maxEventBytes,
    maxDepth: opts.maxDepth ?? 64,
    maxFields: opts.maxFields ?? 10_000,
  };
  // One native pass over the body; only a body with bad UTF-8 pays for the per-event fatal decoder.
  const utf8Known = isUtf8(buf);
  const events: AcceptedEvent[] = [];
  const rejected: RejectedEvent[] = [];
  spans.forEach((span, index) => {
    if (span.kind === "broken") {
      rejected.push({ index, code: "invalid-json", message: span.message, bodyLine: span.line });
      return;
    }
    const checked = checkEvent(buf, span.start, span.end, utf8Known, limits);
    if (checked.ok)
      events.push({ index, event: checked.event, text: checked.text, bytes: span.end - span.start });
    else
      rejected.push({
        index,
        code: checked.code,
        message: checked.message,
        bodyLine: span.line,
        ...(checked.at ?? {}),
      });
  });
  return ok({ events, rejected });
}

function split(buf: Buffer, first: number, framing: Framing, maxEvents: number): Span[] | "too-many" {
  if (framing === "lines") return splitLines(buf, maxEvents);
  if (buf[first] === 0x5b) return splitArray(buf, first, maxEvents);
  // application/json that is not an array: one object (possibly pretty-printed over many lines) or
  // NDJSON sent with the generic type. JSON.parse fails at the end of the first line for NDJSON.
  if (buf[first] === 0x7b && buf.indexOf(0x0a, first) !== -1) {
    try {
      JSON.parse(buf.toString("utf8", first));
      let end = buf.length;
      while (
        end > first &&
        (buf[end - 1] === 0x20 || buf[end - 1] === 0x0a || buf[end - 1] === 0x0d || buf[end - 1] === 0x09)
      )
        end--;
      return [{ kind: "span", start: first, end, line: 1 }];
    } catch {}
  }
  return splitLines(buf, maxEvents);
}
