// Public surface of the segment log: the embedded node's durable, append-only event log.
export { SegmentLogError, type SegmentLogErrorCode } from "./error.js";
export { type LogRecord, type Recovery, SegmentLog, type SegmentLogOptions } from "./log.js";
