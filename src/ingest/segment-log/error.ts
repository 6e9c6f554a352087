// The segment log's one error type: broken storage or misuse, never a normal outcome.
export type SegmentLogErrorCode =
  | "corrupt-segment"
  | "locked"
  | "offset-out-of-range"
  | "record-too-large"
  | "closed";

/** Broken storage or misuse; expected nowhere in normal operation, so thrown rather than returned. */
export class SegmentLogError extends Error {
  constructor(
    readonly code: SegmentLogErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "SegmentLogError";
  }
}
