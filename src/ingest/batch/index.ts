// Public surface of HTTP batch parsing: the body of `POST /api/v1/events` to accepted and rejected events.
export type { RejectedEvent } from "./event.js";
export { type AcceptedEvent, type EventBatch, type EventBatchOptions, parseEventBatch } from "./parse.js";
