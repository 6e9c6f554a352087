// Differential test: every Sigma regression .evtx against the evtx_dump JSON written next to it.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { describe, test } from "node:test";
import type { JsonObject } from "../../core/index.js";
import { evtxFiles, REGRESSION_DATA } from "./fixture.js";
import { type EvtxItem, readEvtx, readEvtxFile } from "./index.js";

/** The twins hold pretty-printed JSON objects back to back; split them by brace depth. */
function parseConcatenated(text: string): JsonObject[] {
  const out: JsonObject[] = [];
  let depth = 0;
  let start = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{" && depth++ === 0) start = i;
    else if (c === "}" && --depth === 0) out.push(JSON.parse(text.slice(start, i + 1)) as JsonObject);
  }
  return out;
}

/**
 * Twins that evtx_dump did not write as they stand. The RTLO twin shows a nanosecond timestamp
 * (evtx_dump prints microseconds) and "Explorer.exe" where the .evtx holds "Explorer.EXE": it was
 * edited or made by another tool. We compare against what the .evtx bytes say.
 */
const TWIN_FIXES: Record<string, (event: JsonObject) => void> = {
  "ad691d92-15f2-4181-9aa4-723c74f9ddc3.evtx": (e) => {
    const ev = e.Event as JsonObject;
    const created = (ev.System as JsonObject).TimeCreated as JsonObject;
    assert.equal((created["#attributes"] as JsonObject).SystemTime, "2026-03-20T08:31:26.751156500Z");
    created["#attributes"] = { SystemTime: "2026-03-20T08:31:26.751156Z" };
    const data = ev.EventData as JsonObject;
    assert.equal(data.ParentCommandLine, "C:\\Windows\\Explorer.exe");
    data.ParentCommandLine = "C:\\Windows\\Explorer.EXE";
  },
};

const files = evtxFiles();

test("the regression corpus holds 202 .evtx files", () => {
  assert.equal(files.length, 202);
});

describe("readEvtx matches evtx_dump -o json", () => {
  for (const file of files) {
    test(file.slice(REGRESSION_DATA.length + 1), () => {
      const want = parseConcatenated(readFileSync(file.replace(/\.evtx$/, ".json"), "utf8"));
      TWIN_FIXES[basename(file)]?.(want[0]!);
      const items = [...readEvtx(readFileSync(file))];
      assert.deepEqual(
        items.filter((i) => i.kind === "problem"),
        [],
      );
      const events = items.flatMap((i) => (i.kind === "record" ? [i.event] : []));
      assert.equal(events.length, want.length);
      for (let i = 0; i < events.length; i++) assert.deepStrictEqual(events[i], want[i], `record ${i}`);
    });
  }
});

async function collect(gen: AsyncGenerator<EvtxItem>): Promise<EvtxItem[]> {
  const out: EvtxItem[] = [];
  for await (const item of gen) out.push(item);
  return out;
}

describe("readEvtxFile reads chunk by chunk and gives the same items as readEvtx", () => {
  test("on every corpus file", async () => {
    for (const file of files)
      assert.deepStrictEqual(await collect(readEvtxFile(file)), [...readEvtx(readFileSync(file))]);
  });

  test("on a many-chunk file spliced from the corpus", async () => {
    // Chunks are self-contained, so one header followed by every corpus chunk is a valid log.
    const parts = files.map((f) => readFileSync(f));
    const spliced = Buffer.concat([parts[0]!.subarray(0, 4096), ...parts.map((p) => p.subarray(4096))]);
    const dir = mkdtempSync(join(tmpdir(), "evtx-"));
    try {
      const path = join(dir, "spliced.evtx");
      writeFileSync(path, spliced);
      const whole = [...readEvtx(spliced)];
      const records = whole.filter((i) => i.kind === "record");
      const expected = parts.reduce(
        (n, p) => n + [...readEvtx(p)].filter((i) => i.kind === "record").length,
        0,
      );
      assert.equal(records.length, expected);
      assert.deepEqual(
        whole.filter((i) => i.kind === "problem"),
        [],
      );
      assert.deepStrictEqual(await collect(readEvtxFile(path)), whole);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a missing file is a problem item, not an exception", async () => {
    const items = await collect(readEvtxFile(join(tmpdir(), "no-such-file.evtx")));
    assert.equal(items.length, 1);
    assert.equal(items[0]?.kind === "problem" && items[0].code, "unreadable");
  });
});
