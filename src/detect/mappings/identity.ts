// `--mapping none`: the event as written, no logsource (only rules without one can route to it).
import type { JsonObject, LogSource, MappedEvent } from "../../core/index.js";
import { parseTime } from "./time.js";

const EMPTY: LogSource = Object.freeze({ categories: Object.freeze([]) as readonly string[] });

/** Keys that hold an event's time in the formats seen most often, tried in this order. */
const TIME_KEYS = [
  "@timestamp",
  "timestamp",
  "time",
  "TimeCreated",
  "eventTime",
  "EventTime",
  "UtcTime",
  "createdDateTime",
  "CreationTime",
  "ts",
] as const;

export const identityMapping = (event: JsonObject): MappedEvent => {
  let time: number | undefined;
  for (const k of TIME_KEYS) {
    const v = event[k];
    if (v !== undefined) {
      time = parseTime(v);
      if (time !== undefined) break;
    }
  }
  return { fields: event, logsource: EMPTY, time };
};
