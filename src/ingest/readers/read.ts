// Reads one event file of any supported format, chosen by name and confirmed by magic bytes.
import { readConcatenatedJson } from "./concatenated.js";
import { readEvtx } from "./evtx.js";
import { problemAt, type ReadItem } from "./item.js";
import { readJsonLines } from "./lines.js";
import { readTextChunks, sniffFile } from "./source.js";

const LINE_FORMATS = [".jsonl", ".ndjson"];

/** The name without a trailing ".gz", lower-cased, so "x.JSONL.gz" reads as JSON Lines. */
const innerName = (path: string): string => {
  const lower = path.toLowerCase();
  return lower.endsWith(".gz") ? lower.slice(0, -3) : lower;
};

export async function* readEventFile(path: string): AsyncGenerator<ReadItem> {
  let kind: Awaited<ReturnType<typeof sniffFile>>;
  try {
    kind = await sniffFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code === "ENOENT" ? "file-not-found" : "read-error";
    yield problemAt(path, 0, code, `cannot open: ${e instanceof Error ? e.message : String(e)}`);
    return;
  }
  if (kind === "evtx") {
    yield* readEvtx(path);
    return;
  }
  if (path.toLowerCase().endsWith(".evtx")) {
    yield problemAt(path, 0, "evtx-bad-magic", 'file is named .evtx but does not start with "ElfFile"');
    return;
  }
  const chunks = readTextChunks(path, kind === "gzip");
  const name = innerName(path);
  // JSON Lines gets a line reader so one bad line cannot swallow the next; everything else (.json,
  // unknown names) goes through the object scanner, which also reads JSON Lines correctly.
  if (LINE_FORMATS.some((ext) => name.endsWith(ext))) yield* readJsonLines(path, chunks);
  else yield* readConcatenatedJson(path, chunks);
}
