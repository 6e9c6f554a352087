// An accepted event as queued between ingest and detection: its id, the log source (mapping) it
// was sent as, when it was received, and the event itself. One JSON line per record.
import type { JsonObject } from "../../core/index.js";

export interface QueuedEvent {
  readonly id: string;
  readonly source: string;
  readonly receivedAt: number;
  readonly event: JsonObject;
}

export function encodeRecord(r: QueuedEvent): string {
  return `{"id":${JSON.stringify(r.id)},"source":${JSON.stringify(r.source)},"receivedAt":${r.receivedAt},"event":${JSON.stringify(r.event)}}`;
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
