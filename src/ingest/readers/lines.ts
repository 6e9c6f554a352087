// Reads JSON Lines text: one object a line, blank lines skipped, a bad line reported and passed over.
import { isJsonObject, problemAt, type ReadItem } from "./item.js";
import type { SourceProblem, TextChunk } from "./source.js";

/** Beyond this a "line" is binary garbage or a file without newlines; it is skipped, not buffered. */
const MAX_LINE_CHARS = 64 * 1024 * 1024;

const isBlank = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 0xfeff) return false;
  }
  return true;
};

export async function* readJsonLines(
  file: string,
  chunks: AsyncIterable<TextChunk | SourceProblem>,
): AsyncGenerator<ReadItem> {
  let carry = "";
  let skipping = false;
  let line = 0;
  const parseLine = (text: string): ReadItem | undefined => {
    if (isBlank(text)) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      return problemAt(file, line, "bad-json-line", `line is not valid JSON: ${(e as Error).message}`);
    }
    if (!isJsonObject(value))
      return problemAt(file, line, "json-not-object", "line is JSON but not an object");
    return { kind: "event", event: value, origin: { file, line } };
  };
  for await (const chunk of chunks) {
    if (chunk.kind === "problem") {
      yield problemAt(file, line + 1, chunk.code, chunk.message);
      return;
    }
    const text = chunk.text;
    let from = 0;
    for (let nl = text.indexOf("\n"); nl !== -1; nl = text.indexOf("\n", from)) {
      line++;
      const piece = carry.length > 0 ? carry + text.slice(from, nl) : text.slice(from, nl);
      carry = "";
      from = nl + 1;
      if (skipping) {
        skipping = false;
        continue;
      }
      const item = parseLine(piece);
      if (item) yield item;
    }
    if (!skipping) {
      carry += text.slice(from);
      if (carry.length > MAX_LINE_CHARS) {
        yield problemAt(
          file,
          line + 1,
          "line-too-long",
          `line is longer than ${MAX_LINE_CHARS} characters; skipped`,
        );
        carry = "";
        skipping = true;
      }
    }
  }
  if (carry.length > 0 && !skipping) {
    line++;
    const item = parseLine(carry);
    if (item) yield item;
  }
}
