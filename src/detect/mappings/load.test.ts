import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import type { Problem } from "../../core/index.js";
import {
  applyPipeline,
  defaultMappingsDir,
  loadPipelines,
  parseMappingFile,
  pipelineByName,
} from "./index.js";

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Writes the files into a fresh folder and loads it alone. */
const loadOnly = (files: Record<string, string>) => {
  const dir = mkdtempSync(join(tmpdir(), "corridor-mappings-"));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return { dir, result: loadPipelines([dir], { builtin: false }) };
};

const problemsOf = (files: Record<string, string>): Problem[] => {
  const { result } = loadOnly(files);
  assert.equal(result.ok, false);
  return result.ok ? [] : result.error;
};

test("every shipped mapping file validates and compiles", () => {
  const dir = defaultMappingsDir();
  const names = readdirSync(dir).filter((n) => n.endsWith(".yml"));
  assert.deepEqual(names.sort(), [
    "auditd.yml",
    "azure-activity.yml",
    "cloudtrail.yml",
    "entra-signin.yml",
    "evtx.yml",
    "m365-audit.yml",
    "syslog.yml",
    "windows.yml",
    "winlogbeat.yml",
  ]);
  for (const n of names) {
    const r = parseMappingFile(join(dir, n), readFileSync(join(dir, n), "utf8"));
    assert.ok(r.ok, JSON.stringify(r));
  }
  const all = loadPipelines();
  assert.ok(all.ok, JSON.stringify(all));
  assert.equal(all.value.length, names.length);
  assert.ok(pipelineByName(all.value, "evtx"));
  assert.equal(pipelineByName(all.value, "nope"), undefined);
});

test("an unknown key is reported with file, key path and line", () => {
  const [p, ...rest] = problemsOf({
    "x.yml": "name: x\nlogsource:\n  product: windows\n  sevice: security\n",
  });
  assert.deepEqual(rest, []);
  assert.equal(p?.code, "mapping-invalid");
  assert.match(p?.message ?? "", /x\.yml: logsource\.sevice: unknown key "sevice"/);
  assert.equal(p?.line, 4);
  assert.match(p?.path ?? "", /x\.yml$/);
});

test("wrong types and bad condition modifiers name the exact key", () => {
  const problems = problemsOf({
    "y.yml": [
      "name: y",
      "priority: high",
      "rules:",
      "  - match: { EventID|regex: '1' }",
      "    categories: process_creation",
      "  - match: { Image|exists: yes-please }",
      "    fields: { Image: 42 }",
    ].join("\n"),
  });
  const byWhere = new Map(problems.map((p) => [p.message.split(": ")[1], p]));
  assert.equal(byWhere.get("priority")?.line, 2);
  assert.equal(byWhere.get("rules[0].match.EventID|regex")?.line, 4);
  assert.match(
    byWhere.get("rules[0].match.EventID|regex")?.message ?? "",
    /not a field with an optional modifier/,
  );
  assert.match(byWhere.get("rules[1].match.Image|exists")?.message ?? "", /exists takes true or false/);
  assert.ok(byWhere.has("rules[1].fields.Image"), [...byWhere.keys()].join(" / "));
  assert.equal(byWhere.get("rules[1].fields.Image")?.line, 7);
  assert.match(
    byWhere.get("rules[1].fields.Image")?.message ?? "",
    /expected a string or a list or an object, received number/,
  );
});

test("YAML syntax errors, name/file mismatch, duplicate keys", () => {
  const [syntax] = problemsOf({ "a.yml": "name: a\nfields: [unclosed\n" });
  assert.equal(syntax?.code, "mapping-yaml");
  assert.ok(syntax?.line !== undefined);
  const [mismatch] = problemsOf({ "b.yml": "name: c\n" });
  assert.equal(mismatch?.code, "mapping-name");
  assert.equal(mismatch?.line, 1);
  const [dup] = problemsOf({ "d.yml": "name: d\nname: d\n" });
  assert.equal(dup?.code, "mapping-yaml");
  assert.equal(dup?.line, 2);
});

test("extends: unknown parent and cycles are problems; all files' problems are collected", () => {
  const problems = problemsOf({
    "p.yml": "name: p\nextends: q\n",
    "q.yml": "name: q\nextends: p\n",
    "r.yml": "name: r\nextends: nowhere\n",
    "s.yml": "name: s\nbogus: 1\n",
  });
  const codes = problems.map((p) => p.code).sort();
  assert.deepEqual(codes, ["mapping-extends", "mapping-extends", "mapping-extends", "mapping-invalid"]);
  assert.ok(problems.some((p) => /no mapping named "nowhere"/.test(p.message)));
  assert.ok(problems.some((p) => /cycle/.test(p.message)));
});

test("a user folder can add a pipeline that extends a shipped one, or replace one by name", () => {
  const dir = mkdtempSync(join(tmpdir(), "corridor-mappings-"));
  dirs.push(dir);
  writeFileSync(
    join(dir, "mysysmon.yml"),
    [
      "name: mysysmon",
      "description: Sysmon events as our collector writes them",
      "extends: windows",
      "priority: 200",
      "recognise: { host|exists: true, sysmon_id|exists: true }",
      "fields:",
      "  EventID: sysmon_id",
      "  Computer: host",
      "logsource:",
      "  service: sysmon",
    ].join("\n"),
  );
  writeFileSync(join(dir, "cloudtrail.yml"), "name: cloudtrail\nlogsource: { product: aws, service: ct2 }\n");
  const r = loadPipelines([dir]);
  assert.ok(r.ok, JSON.stringify(r));
  const mine = pipelineByName(r.value, "mysysmon");
  assert.ok(mine);
  assert.equal(r.value[0]?.name, "mysysmon", "highest priority first");
  const m = applyPipeline(mine, { host: "h1", sysmon_id: 3, Image: "x" });
  assert.deepEqual(m.logsource, {
    product: "windows",
    service: "sysmon",
    categories: ["network_connection"],
  });
  assert.equal(m.fields.Computer, "h1");
  assert.equal(pipelineByName(r.value, "cloudtrail")?.apply({}).logsource.service, "ct2");
});

test("a missing folder is a problem", () => {
  const r = loadPipelines([join(tmpdir(), "corridor-no-such-dir-xyz")]);
  assert.equal(r.ok, false);
  if (!r.ok) assert.equal(r.error[0]?.code, "mapping-dir");
});
