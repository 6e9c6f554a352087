// What a reader yields: an event object with where it was read, or a problem located the same way.
import type { EventOrigin, JsonObject } from "../../core/index.js";

export type ReadItem =
  | { readonly kind: "event"; readonly event: JsonObject; readonly origin: EventOrigin }
  | {
      readonly kind: "problem";
      readonly code: string;
      readonly message: string;
      readonly origin: EventOrigin;
    };

export const problemAt = (file: string, line: number, code: string, message: string): ReadItem => ({
  kind: "problem",
  code,
  message,
  origin: { file, line },
});

/** A parsed JSON value is an event only when it is a plain object (not an array, not null). */
export const isJsonObject = (v: unknown): v is JsonObject =>
  typeof v === "object" && v !== null && !Array.isArray(v);
