// Reads JSON text holding objects back to back, pretty-printed or not, or an array of objects.
import { isJsonObject, problemAt, type ReadItem } from "./item.js";
import { JsonObjectScanner, type ScanPiece } from "./scanner.js";
import type { SourceProblem, TextChunk } from "./source.js";

export async function* readConcatenatedJson(
  file: string,
  chunks: AsyncIterable<TextChunk | SourceProblem>,
): AsyncGenerator<ReadItem> {
  const scanner = new JsonObjectScanner();
  const pieces: ScanPiece[] = [];
  let lastLine = 1;
  for await (const chunk of chunks) {
    if (chunk.kind === "problem") {
      yield* drain(file, pieces);
      yield problemAt(file, lastLine, chunk.code, chunk.message);
      return;
    }
    scanner.push(chunk.text, pieces);
    for (const p of pieces) lastLine = p.line;
    yield* drain(file, pieces);
  }
  scanner.end(pieces);
  yield* drain(file, pieces);
}

function* drain(file: string, pieces: ScanPiece[]): Generator<ReadItem> {
  for (const p of pieces) {
    if (p.kind === "junk") {
      yield problemAt(file, p.line, p.code, p.message);
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(p.text);
    } catch (e) {
      yield problemAt(file, p.line, "bad-json-object", `object is not valid JSON: ${(e as Error).message}`);
      continue;
    }
    if (isJsonObject(value)) yield { kind: "event", event: value, origin: { file, line: p.line } };
  }
  pieces.length = 0;
}
