// The OTRF Windows corpus through --mapping auto: every event is recognised as `windows`, and the
// channels the corpus holds all get a service (Sysmon events a category too).
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { listEventFiles, readEventFile } from "../../ingest/readers/index.js";
import { applyPipeline, detectPipeline, loadPipelines } from "./index.js";

const OTRF = new URL("../../../../../shared/corpus/events/otrf-security-datasets/windows", import.meta.url)
  .pathname;

test("OTRF corpus: all 28,866 events map through the windows pipeline", async () => {
  const loaded = loadPipelines();
  assert.ok(loaded.ok);
  const services = new Map<string, number>();
  let events = 0;
  let sysmonWithoutCategory = 0;
  for await (const file of listEventFiles([join(OTRF)])) {
    assert.equal(typeof file, "string");
    for await (const item of readEventFile(file as string)) {
      if (item.kind !== "event") continue;
      const p = detectPipeline(loaded.value, item.event);
      assert.equal(p?.name, "windows");
      if (!p) continue;
      const m = applyPipeline(p, item.event);
      const s = m.logsource.service ?? "(none)";
      services.set(s, (services.get(s) ?? 0) + 1);
      if (s === "sysmon" && m.logsource.categories.length === 0) sysmonWithoutCategory++;
      assert.ok(m.time !== undefined);
      events++;
    }
  }
  assert.equal(events, 28_866);
  assert.equal(services.get("sysmon"), 21_275);
  assert.equal(services.get("security"), 6_294 + 788);
  assert.equal(services.get("(none)") ?? 0, 0, JSON.stringify([...services]));
  assert.equal(sysmonWithoutCategory, 0);
});
