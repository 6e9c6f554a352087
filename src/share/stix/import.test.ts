import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { incidentBundle } from "./export.js";
import { importBundle, summariseObjects } from "./import.js";
import { tlpMarkingId } from "./markings.js";
import { loadSchemas } from "./schemas.js";
import { INCIDENT, NODE } from "./test-fixtures.js";
import { validateStix } from "./validate.js";

const CORPUS = fileURLToPath(new URL("../../../../../shared/corpus/stix/", import.meta.url));
const schemasAvailable = !("code" in loadSchemas());
const SKIP = !existsSync(CORPUS)
  ? `STIX corpus not found at ${CORPUS}`
  : schemasAvailable
    ? false
    : "STIX schemas not found: set CORRIDOR_STIX_SCHEMAS";

/** Corpus JSON files that are not STIX documents, and why. */
const NOT_STIX: Readonly<Record<string, string>> = {
  "medallion-testdata/sample-config-with-memory-backend.json": "a medallion (TAXII server) configuration",
  "medallion-testdata/medallion/test/data/config.json": "a medallion (TAXII server) configuration",
  "medallion-testdata/medallion/test/data/default_data.json":
    "a TAXII server state, not a bundle: its collections' objects are imported below instead",
};

function corpusFiles(): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) {
        // schemas/ and interop/ hold JSON schemas, not STIX content; pattern_grammar has none.
        if (n !== "schemas" && n !== "interop") walk(p);
      } else if (n.endsWith(".json")) out.push(relative(CORPUS, p));
    }
  };
  walk(CORPUS);
  return out;
}

describe("importBundle on the OASIS corpus", { skip: SKIP }, () => {
  it("imports every example bundle and object without error", () => {
    const files = corpusFiles();
    assert.ok(files.length >= 20, `only ${files.length} corpus files`);
    let imported = 0;
    for (const f of files) {
      if (NOT_STIX[f]) continue;
      const r = importBundle(readFileSync(join(CORPUS, f), "utf8"));
      assert.ok(r.ok, `${f}:\n${r.ok ? "" : r.error.map((p) => `${p.path ?? ""} ${p.message}`).join("\n")}`);
      assert.ok(r.value.objects.length > 0, f);
      imported++;
    }
    assert.equal(imported, files.length - Object.keys(NOT_STIX).length);
    assert.ok(imported >= 19);
  });

  it("imports medallion's collection objects; its one STIX 2.0-style object is refused as such", () => {
    const data = JSON.parse(
      readFileSync(join(CORPUS, "medallion-testdata/medallion/test/data/default_data.json"), "utf8"),
    ) as Record<string, { collections?: { objects?: Record<string, unknown>[] }[] }>;
    const objects = Object.values(data).flatMap((root) =>
      (root.collections ?? []).flatMap((c) => c.objects ?? []),
    );
    assert.equal(objects.length, 8);
    // malware--c0931cc6 at version 2018-02-23 has no spec_version: STIX 2.0 style, skipped with this reason.
    const v20 = objects.filter((o) => o.spec_version === undefined);
    assert.equal(v20.length, 1);
    const refused = importBundle({
      type: "bundle",
      id: "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d",
      objects: v20,
    });
    assert.ok(!refused.ok && refused.error[0]?.code === "not-stix-2.1");
    const r = importBundle({
      type: "bundle",
      id: "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d",
      objects: objects.filter((o) => o.spec_version === "2.1"),
    });
    assert.ok(r.ok, JSON.stringify(!r.ok && r.error));
    assert.equal(r.value.objects.length, 7);
  });

  it("summarises: counts by type and TLP", () => {
    const r = importBundle(
      readFileSync(
        join(CORPUS, "cti-documentation/examples/example_json/using-marking-definitions.json"),
        "utf8",
      ),
    );
    assert.ok(r.ok);
    const s = summariseObjects(r.value.objects);
    assert.equal(s.total, r.value.objects.length);
    assert.ok((s.byType["marking-definition"] ?? 0) >= 1);
  });
});

describe("importBundle: precise problems", {
  skip: schemasAvailable ? false : "STIX schemas not found",
}, () => {
  const good = incidentBundle(INCIDENT, {
    node: NODE,
    bundleId: "bundle--0b4f1a1e-6a4e-4c39-9d4e-3f7f0c6b1e10",
  });
  const withObject = (i: number, change: (o: Record<string, unknown>) => Record<string, unknown>) => ({
    ...good,
    objects: good.objects.map((o, j) => (j === i ? change({ ...o }) : o)),
  });
  const indicatorAt = good.objects.findIndex((o) => o.type === "indicator");
  const incidentAt = good.objects.findIndex((o) => o.type === "incident");

  it("names the object index, id and property path", () => {
    const r = importBundle(
      withObject(indicatorAt, (o) => ({ ...o, pattern: "[ipv4-addr:value = '1.2.3.4'" })),
    );
    assert.ok(!r.ok);
    assert.equal(r.error[0]?.code, "pattern-syntax");
    assert.equal(r.error[0]?.path, `objects[${indicatorAt}].pattern`);
    assert.match(r.error[0]?.message ?? "", new RegExp(`object ${indicatorAt} \\(indicator--`));

    const s = importBundle(
      withObject(indicatorAt, (o) => ({ ...o, pattern_type: "nonsense", indicator_types: [] })),
    );
    assert.ok(!s.ok);
    assert.ok(s.error.every((p) => p.code === "stix-schema"));
    assert.ok(
      s.error.some((p) => p.path === `objects[${indicatorAt}].indicator_types`),
      JSON.stringify(s.error),
    );
  });

  it("checks what the schemas cannot: id prefix, modified >= created, marking refs", () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ id: "malware--0b4f1a1e-6a4e-4c39-9d4e-3f7f0c6b1e10" }, "id-type-mismatch", "id"],
      [{ modified: "2000-01-01T00:00:00.000Z" }, "modified-before-created", "modified"],
      [
        { object_marking_refs: ["identity--0b4f1a1e-6a4e-4c39-9d4e-3f7f0c6b1e10"] },
        "invalid-marking-ref",
        "object_marking_refs[0]",
      ],
      [{ created_by_ref: "x" }, "invalid-ref", "created_by_ref"],
      [{ spec_version: "2.0" }, "not-stix-2.1", "spec_version"],
      [{ created: "yesterday" }, "invalid-timestamp", "created"],
      [
        { granular_markings: [{ marking_ref: tlpMarkingId("red"), selectors: [] }] },
        "invalid-granular-marking",
        "granular_markings[0].selectors",
      ],
    ];
    for (const [change, code, prop] of cases) {
      const r = importBundle(withObject(incidentAt, (o) => ({ ...o, ...change })));
      assert.ok(!r.ok, code);
      assert.equal(r.error[0]?.code, code, JSON.stringify(r.error));
      assert.equal(r.error[0]?.path, `objects[${incidentAt}].${prop}`);
    }
  });

  it("refuses what is not a 2.1 bundle; reads a lone object with a warning", () => {
    assert.equal((importBundle("{oops") as { error: { code: string }[] }).error[0]?.code, "invalid-json");
    assert.equal((importBundle("[]") as { error: { code: string }[] }).error[0]?.code, "not-a-bundle");
    const v20 = importBundle({ type: "bundle", id: good.id, spec_version: "2.0", objects: [] });
    assert.ok(!v20.ok && v20.error[0]?.code === "not-stix-2.1");
    const badId = importBundle({ ...good, id: "bundle--nope" });
    assert.ok(!badId.ok && badId.error[0]?.path === "id");
    const lone = importBundle(good.objects[incidentAt]);
    assert.ok(lone.ok && lone.value.warnings[0]?.code === "not-a-bundle");
  });

  it("warns about duplicates and markings it does not know", () => {
    const unknown = "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ec";
    const r = importBundle({
      ...good,
      objects: [...good.objects, good.objects[incidentAt]!].map((o, i) =>
        i === incidentAt ? { ...o, object_marking_refs: [unknown] } : o,
      ),
    });
    assert.ok(r.ok);
    assert.deepEqual(r.value.warnings.map((w) => w.code).sort(), ["duplicate-object", "unknown-marking"]);
  });

  it("without schemas: a clear problem from validateStix, structural checks and a warning on import", () => {
    const dir = mkdtempSync(join(tmpdir(), "no-stix-schemas-"));
    const v = validateStix(good.objects[incidentAt], { schemasDir: dir });
    assert.ok(!v.ok && v.error[0]?.code === "stix-schemas-unavailable");
    assert.match(v.error[0]?.message ?? "", /CORRIDOR_STIX_SCHEMAS/);
    const r = importBundle(good, { schemasDir: dir });
    assert.ok(r.ok && r.value.warnings.some((w) => w.code === "stix-schemas-unavailable"));
    const strict = importBundle(good, { schemasDir: dir, schemas: "required" });
    assert.ok(!strict.ok && strict.error[0]?.code === "stix-schemas-unavailable");
    const bad = importBundle(
      withObject(incidentAt, (o) => ({ ...o, id: "x" })),
      { schemasDir: dir },
    );
    assert.ok(!bad.ok && bad.error[0]?.code === "invalid-id");
  });

  it("property: any JSON gives a result, never an exception", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.json(),
          fc.jsonValue().map((objects) => JSON.stringify({ type: "bundle", id: good.id, objects })),
        ),
        (text) => {
          const r = importBundle(text);
          assert.equal(typeof r.ok, "boolean");
        },
      ),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.dictionary(
            fc.constantFrom(
              "type",
              "id",
              "created",
              "modified",
              "spec_version",
              "pattern",
              "x_ref",
              "object_marking_refs",
            ),
            fc.jsonValue(),
          ),
        ),
        (objects) => {
          assert.equal(typeof importBundle({ type: "bundle", id: good.id, objects }).ok, "boolean");
        },
      ),
      { numRuns: 300 },
    );
  });
});
