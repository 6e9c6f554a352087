// Bridges the binary .evtx reader (src/ingest/evtx, loaded on first use) to ReadItem: the record
// number stands in for the line, so a problem or a match still points at a findable place.
import { isJsonObject, problemAt, type ReadItem } from "./item.js";

type EvtxReader = (path: string) => AsyncIterable<unknown>;

// A variable specifier keeps the type checker from requiring the module at build time: the evtx
// reader is a separate, optional part of the ingest folder.
const EVTX_MODULE = "../evtx/index.js";

let loaded: Promise<EvtxReader | string> | undefined;

const loadEvtxReader = (): Promise<EvtxReader | string> => {
  loaded ??= import(EVTX_MODULE).then(
    (m: { readEvtxFile?: unknown }) =>
      typeof m.readEvtxFile === "function" ? (m.readEvtxFile as EvtxReader) : "module has no readEvtxFile",
    (e: unknown) => (e instanceof Error ? e.message : String(e)),
  );
  return loaded;
};

export async function* readEvtx(file: string): AsyncGenerator<ReadItem> {
  const reader = await loadEvtxReader();
  if (typeof reader === "string") {
    yield problemAt(file, 0, "evtx-unavailable", `cannot read .evtx files: ${reader}`);
    return;
  }
  try {
    for await (const item of reader(file)) {
      if (!isJsonObject(item as never)) continue;
      const r = item as {
        kind?: unknown;
        recordId?: unknown;
        event?: unknown;
        code?: unknown;
        message?: unknown;
        offset?: unknown;
      };
      if (r.kind === "record" && isJsonObject(r.event)) {
        yield { kind: "event", event: r.event, origin: { file, line: Number(r.recordId) || 0 } };
      } else if (r.kind === "problem") {
        const where = r.offset === undefined ? "" : ` (at byte offset ${String(r.offset)})`;
        yield problemAt(file, 0, String(r.code ?? "evtx-problem"), `${String(r.message ?? "")}${where}`);
      }
    }
  } catch (e) {
    yield problemAt(
      file,
      0,
      "evtx-error",
      `evtx reader failed: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}
