// An accepted event as queued between ingest and detection: its id, the log source (mapping) it
// was sent as, when it was received, and the event itself. One JSON line per record.
import type { JsonObject } from "../../core/index.js";

export interface QueuedEvent {
  readonly id: string;
  readonly source: string;
  readonly receivedAt: number;
  readonly event: JsonObject;
  /** The event's JSON text as received, when known (not part of the record: `event` is). */
  readonly text?: string;
}

/**
 * One line of JSON. The event's own JSON text as received (`text`), when known and free of line
 * breaks, is spliced in instead of serialising the event again (the ingest hot path).
 */
export function encodeRecord(r: QueuedEvent): string {
  const event = r.text !== undefined && !/[\n\r\u2028\u2029]/.test(r.text) ? r.text : JSON.stringify(r.event);
  return `{"id":${JSON.stringify(r.id)},"source":${JSON.stringify(r.source)},"receivedAt":${r.receivedAt},"event":${event}}`;
}

/** Decodes a record written by encodeRecord; a record that is not one is a broken log, a bug. */
export function decodeRecord(text: string): QueuedEvent {
  const r = JSON.parse(text) as QueuedEvent;
  if (
    typeof r.id !== "string" ||
    typeof r.source !== "string" ||
    typeof r.event !== "object" ||
    r.event === null
  ) {
    throw new Error(`not a queued event record: ${text.slice(0, 120)}`);
  }
  return r;
}
