// Turns the raw request body into plain bytes and a framing: decodes Content-Encoding under a hard
// size cap and maps Content-Type to "array" (a JSON array), "lines" (NDJSON) or "sniff".
import { gunzipSync, inflateSync } from "node:zlib";
import { err, ok, type Problem, type Result } from "../../core/result.js";

export type Framing = "array" | "lines" | "sniff";

const LINE_TYPES = new Set([
  "application/x-ndjson",
  "application/ndjson",
  "application/jsonl",
  "application/x-jsonl",
  "application/jsonlines",
  "application/x-jsonlines",
  "application/json-lines",
]);

/** Maps a Content-Type header to a framing; parameters (charset) are ignored, the body must be UTF-8. */
export function framingOf(contentType: string | undefined): Result<Framing, Problem> {
  if (contentType === undefined || contentType.trim() === "") return ok("sniff");
  const media = (contentType.split(";")[0] ?? "").trim().toLowerCase();
  if (LINE_TYPES.has(media)) return ok("lines");
  if (media === "application/json" || (media.startsWith("application/") && media.endsWith("+json")))
    return ok("sniff");
  return err({
    code: "unsupported-media-type",
    message: `Content-Type ${media} is not accepted: send application/json (an array of objects) or application/x-ndjson`,
  });
}

/**
 * Decodes the body per Content-Encoding. zlib stops at `maxBytes` of output (maxOutputLength), so a
 * zip bomb costs at most that much memory before it is refused.
 */
export function decodeBody(
  body: Buffer,
  contentEncoding: string | undefined,
  maxBytes: number,
): Result<Buffer, Problem> {
  const codings = (contentEncoding ?? "")
    .split(",")
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== "" && c !== "identity");
  if (codings.length > 1)
    return err({
      code: "unsupported-encoding",
      message: `stacked Content-Encoding "${contentEncoding}" is not supported: use one of gzip, deflate`,
    });
  const coding = codings[0];
  if (coding === undefined) {
    if (body.length > maxBytes) return err(tooLarge(maxBytes));
    return ok(body);
  }
  if (coding !== "gzip" && coding !== "x-gzip" && coding !== "deflate")
    return err({
      code: "unsupported-encoding",
      message: `Content-Encoding ${coding} is not supported: use gzip, deflate or identity`,
    });
  try {
    const opts = { maxOutputLength: maxBytes };
    return ok(coding === "deflate" ? inflateSync(body, opts) : gunzipSync(body, opts));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") return err(tooLarge(maxBytes));
    return err({
      code: "invalid-encoding",
      message: `body is not valid ${coding} data: ${(e as Error).message}`,
    });
  }
}

const tooLarge = (maxBytes: number): Problem => ({
  code: "body-too-large",
  message: `decoded body exceeds the limit of ${maxBytes} bytes`,
});
