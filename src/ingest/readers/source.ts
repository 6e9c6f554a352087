// Opens a log file as a stream of UTF-8 text chunks: sniffs gzip and evtx by their magic bytes,
// decompresses on the fly, and turns undecodable or binary input into a problem instead of a crash.
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";

export type FileKind = "gzip" | "evtx" | "text";

export type TextChunk = { readonly kind: "text"; readonly text: string };
export type SourceProblem = { readonly kind: "problem"; readonly code: string; readonly message: string };

const EVTX_MAGIC = "ElfFile\0";

/** Reads the first bytes to tell gzip and evtx apart from plain text, whatever the file is named. */
export async function sniffFile(path: string): Promise<FileKind> {
  const handle = await open(path, "r");
  try {
    const head = Buffer.alloc(8);
    const { bytesRead } = await handle.read(head, 0, 8, 0);
    if (bytesRead >= 2 && head[0] === 0x1f && head[1] === 0x8b) return "gzip";
    if (bytesRead === 8 && head.toString("latin1") === EVTX_MAGIC) return "evtx";
    return "text";
  } finally {
    await handle.close();
  }
}

const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Yields the file's text in chunks. Stops with one problem on a read error, a gzip error,
 * invalid UTF-8, or a NUL character (never valid in JSON text: a binary file).
 */
export async function* readTextChunks(
  path: string,
  gzip: boolean,
): AsyncGenerator<TextChunk | SourceProblem> {
  const file = createReadStream(path, { highWaterMark: 1 << 20 });
  let stream: Readable = file;
  if (gzip) {
    const gunzip = createGunzip();
    file.on("error", (e) => gunzip.destroy(e));
    stream = file.pipe(gunzip);
  }
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
  let phase = "reading";
  try {
    for await (const bytes of stream as AsyncIterable<Buffer>) {
      phase = "decoding";
      const text = decoder.decode(bytes, { stream: true });
      phase = "reading";
      if (text.indexOf("\u0000") !== -1) {
        yield {
          kind: "problem",
          code: "binary-content",
          message: "file holds binary data (NUL bytes), not JSON text",
        };
        return;
      }
      if (text.length > 0) yield { kind: "text", text };
    }
    phase = "decoding";
    const tail = decoder.decode();
    if (tail.length > 0) yield { kind: "text", text: tail };
  } catch (e) {
    if (phase === "decoding") {
      yield { kind: "problem", code: "invalid-utf8", message: "file is not valid UTF-8 text" };
    } else if (gzip) {
      yield { kind: "problem", code: "gzip-error", message: `cannot decompress: ${errorMessage(e)}` };
    } else {
      yield { kind: "problem", code: "read-error", message: `cannot read: ${errorMessage(e)}` };
    }
  } finally {
    stream.destroy();
    file.destroy();
  }
}
