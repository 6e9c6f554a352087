// Domain types shared by every capability.
export type { EventOrigin, JsonObject, JsonValue, LogSource, MappedEvent } from "./event.js";
export type { Err, Ok, Problem, Result } from "./result.js";
export { err, ok } from "./result.js";
