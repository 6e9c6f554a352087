// `corridor share export|import` as a user runs them: real processes on real files.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { loadSchemas } from "../share/stix/schemas.js";

const dir = mkdtempSync(join(tmpdir(), "corridor-cli-share-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const CORPUS = fileURLToPath(new URL("../../../../shared/corpus/stix/", import.meta.url));

const run = (args: string[], input = "", env: Record<string, string> = {}) => {
  const url = new URL("./share.js", import.meta.url).href;
  const r = spawnSync(
    process.execPath,
    [
      "--input-type=module",
      "-e", // As main.ts does: a usage error is exit code 2 with its message.
      `const m = await import(${JSON.stringify(url)});
       try { process.exitCode = await m.shareCommand(JSON.parse(process.argv[1])); }
       catch (e) { if (e.code !== "usage") throw e; console.error(e.message); process.exitCode = 2; }`,
      JSON.stringify(args),
    ],
    { input, encoding: "utf8", cwd: dir, env: { ...process.env, NO_COLOR: "1", ...env } },
  );
  return { code: r.status, out: r.stdout, err: r.stderr };
};

// The shape GET /api/v1/incidents/:id returns (ISO dates, NIS2 clocks that export ignores).
const incidentJson = {
  id: "7d0e2c1a-5b3f-4e8a-9c2d-1f0e3a4b5c6d",
  title: "VPN brute force",
  description: "Repeated failed VPN logins.",
  status: "contained",
  severity: "high",
  assignee: null,
  classification: { level: "unclassified", releasableTo: [] },
  tlp: "green",
  rsit: "intrusion-attempts",
  techniques: ["T1110"],
  affectedServices: ["vpn"],
  affectedCountries: ["FR"],
  observables: [
    { kind: "ipv4", value: "203.0.113.47" },
    { kind: "domain", value: "evil.example" },
  ],
  nis2: { significant: false, maliciousSuspected: true, crossBorderImpact: false },
  awareAt: "2026-03-02T08:00:00.000Z",
  reports: { earlyWarning: null, notification: null, finalReport: null },
  createdAt: "2026-03-02T08:05:00.000Z",
  updatedAt: "2026-03-02T09:00:00.000Z",
  version: 2,
  deadlines: { earlyWarning: { due: "2026-03-03T08:00:00.000Z", state: "not-applicable" } },
  overdue: false,
};
const incidentFile = join(dir, "incident.json");
writeFileSync(incidentFile, JSON.stringify(incidentJson));
writeFileSync(join(dir, "corridor.yaml"), "node: { id: fr, name: SOC FR, jurisdiction: FR }\n");

const SKIP = "code" in loadSchemas() ? "STIX schemas not found: set CORRIDOR_STIX_SCHEMAS" : false;

describe("corridor share", { timeout: 120_000, skip: SKIP }, () => {
  it("--help on each", () => {
    for (const args of [["--help"], ["export", "--help"], ["import", "--help"]]) {
      const r = run(args);
      assert.equal(r.code, 0);
      assert.match(r.out, /corridor share export/);
    }
    assert.equal(run([]).code, 2);
    assert.equal(run(["frobnicate"]).code, 2);
  });

  it("export writes a valid bundle; import reads it back and summarises it", () => {
    const out = join(dir, "bundle.json");
    const e = run(["export", "--incident", incidentFile, "--out", out]);
    assert.equal(e.code, 0, e.err);
    const b = JSON.parse(readFileSync(out, "utf8")) as {
      type: string;
      objects: { type: string; id: string }[];
    };
    assert.equal(b.type, "bundle");
    const types = b.objects.map((o) => o.type).sort();
    assert.deepEqual(types, [
      "extension-definition",
      "identity",
      "identity",
      "incident",
      "indicator",
      "indicator",
      "marking-definition",
      "relationship",
      "relationship",
    ]);
    assert.ok(b.objects.some((o) => o.id === "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"));

    const j = run(["import", out, "--format", "json"]);
    assert.equal(j.code, 0, j.err);
    const s = JSON.parse(j.out) as {
      ok: boolean;
      total: number;
      byType: Record<string, number>;
      byTlp: Record<string, number>;
    };
    assert.equal(s.ok, true);
    assert.equal(s.total, 9);
    assert.equal(s.byType.indicator, 2);
    assert.equal(s.byTlp.green, 5); // incident, 2 indicators, 2 relationships

    const t = run(["import", out, "--format", "table"]);
    assert.equal(t.code, 0);
    assert.match(t.out, /valid .*9 objects/);
    assert.match(t.out, /TLP:GREEN\s+5/);
  });

  it("export from stdin to stdout, node given by options; same ids as from the config", () => {
    const a = run(
      ["export", "--stdin", "--node-id", "fr", "--jurisdiction", "FR"],
      JSON.stringify(incidentJson),
    );
    assert.equal(a.code, 0, a.err);
    const b = run(["export", "--incident", incidentFile]);
    const ids = (text: string) =>
      (JSON.parse(text) as { objects: { id: string }[] }).objects.map((o) => o.id);
    assert.deepEqual(ids(a.out), ids(b.out));
  });

  it("export refuses a malformed incident with the field's path; usage errors exit 2", () => {
    writeFileSync(
      join(dir, "bad.json"),
      JSON.stringify({ ...incidentJson, tlp: "purple", awareAt: "yesterday" }),
    );
    const r = run(["export", "--incident", join(dir, "bad.json")]);
    assert.equal(r.code, 1);
    assert.match(r.err, /tlp/);
    assert.match(r.err, /awareAt/);
    assert.equal(run(["export"]).code, 2);
    assert.equal(run(["export", "--incident", incidentFile, "--stdin"]).code, 2);
    assert.equal(run(["export", "--incident", incidentFile, "--node-id", "x"]).code, 2);
  });

  it("import names the object and path of each problem", () => {
    const bundle = {
      type: "bundle",
      id: "bundle--0b4f1a1e-6a4e-4c39-9d4e-3f7f0c6b1e10",
      objects: [
        {
          type: "indicator",
          spec_version: "2.1",
          id: "indicator--0b4f1a1e-6a4e-4c39-9d4e-3f7f0c6b1e11",
          created: "2026-01-02T00:00:00.000Z",
          modified: "2026-01-01T00:00:00.000Z",
          pattern: "[ipv4-addr:value = '1.2.3.4']",
          pattern_type: "stix",
          valid_from: "2026-01-01T00:00:00Z",
        },
      ],
    };
    const f = join(dir, "broken.json");
    writeFileSync(f, JSON.stringify(bundle));
    const r = run(["import", f, "--format", "table"]);
    assert.equal(r.code, 1);
    assert.match(r.err, /modified-before-created objects\[0\]\.modified object 0 \(indicator--0b4f1a1e/);
    const j = JSON.parse(run(["import", f, "--format", "json"]).out) as {
      ok: boolean;
      problems: { path: string }[];
    };
    assert.equal(j.ok, false);
    assert.equal(j.problems[0]?.path, "objects[0].modified");
  });

  it("import of an OASIS example; without schemas a warning, or an error with --require-schemas", (t) => {
    const example = join(CORPUS, "cti-documentation/examples/example_json/sighting-of-an-indicator.json");
    if (!existsSync(example)) return t.skip(`corpus not found at ${CORPUS}`);
    assert.equal(run(["import", example, "--format", "json"]).code, 0);
    const none = { CORRIDOR_STIX_SCHEMAS: join(dir, "nowhere") };
    const w = run(["import", example, "--format", "json"], "", none);
    assert.equal(w.code, 0);
    assert.match(w.out, /stix-schemas-unavailable/);
    const strict = run(["import", example, "--format", "json", "--require-schemas"], "", none);
    assert.equal(strict.code, 1);
    assert.match(strict.out, /CORRIDOR_STIX_SCHEMAS/);
  });
});
