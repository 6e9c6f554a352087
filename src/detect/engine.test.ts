// The rule set at work: meta filters (by rule id, by name, `any`), logsource routing, and both
// evaluators agreeing through the engine.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { JsonObject, LogSource } from "../core/index.js";
import { DetectionEngine, routes } from "./engine.js";
import { loadYaml, matchIds } from "./sigma/test-support.js";

const RULES = `title: whoami
id: r-whoami
name: whoami_exec
logsource:
  product: windows
  category: process_creation
detection:
  sel:
    Image|endswith: '\\whoami.exe'
  condition: sel
---
title: net user
id: r-net
logsource:
  product: windows
  category: process_creation
detection:
  sel:
    CommandLine|contains: 'net user'
  condition: sel
---
title: logon
id: r-logon
logsource:
  product: windows
  service: security
detection:
  sel:
    EventID: 4624
  condition: sel
`;

// A filter's condition is AND-ed to the rule's condition (pySigma), so `not sel` excludes what sel matches.
const filter = (
  id: string,
  rules: string,
  selection: string,
  logsource = "  product: windows\n",
  condition = "not sel",
) =>
  `title: filter ${id}\nid: ${id}\nlogsource:\n${logsource}filter:\n  rules: ${rules}\n  sel:\n${selection
    .split("\n")
    .map((l) => `    ${l}`)
    .join("\n")}\n  condition: ${condition}\n`;

const ADMIN = { Image: "C:\\Windows\\System32\\whoami.exe", CommandLine: "net user", User: "admin" };
const BOB = { ...ADMIN, User: "bob" };

describe("filters", () => {
  test("rules: [id] excludes that rule's matches when the filter holds", () => {
    const r = loadYaml({ "rules.yml": `${RULES}---\n${filter("f1", "[r-whoami]", "User: admin")}` });
    assert.deepEqual(r.report.errors, []);
    assert.equal(r.filters.length, 1);
    assert.deepEqual(matchIds(r, ADMIN), ["r-net"]);
    assert.deepEqual(matchIds(r, BOB), ["r-whoami", "r-net"]);
  });
  test("a rule may be named by its name", () => {
    const r = loadYaml({ "rules.yml": `${RULES}---\n${filter("f1", "whoami_exec", "User: admin")}` });
    assert.deepEqual(matchIds(r, ADMIN), ["r-net"]);
  });
  test("rules: any excludes every rule's matches", () => {
    const r = loadYaml({ "rules.yml": `${RULES}---\n${filter("f-any", "any", "User|startswith: adm")}` });
    assert.deepEqual(matchIds(r, ADMIN), []);
    assert.deepEqual(matchIds(r, BOB), ["r-whoami", "r-net"]);
    assert.deepEqual(matchIds(r, { EventID: 4624, User: "administrator" }), []);
    assert.deepEqual(matchIds(r, { EventID: 4624, User: "bob" }), ["r-logon"]);
  });
  test("a filter applies only to rules of a compatible logsource", () => {
    const r = loadYaml({
      "rules.yml": `${RULES}---\n${filter("f-sec", "any", "User: admin", "  product: windows\n  service: security\n")}`,
    });
    assert.deepEqual(matchIds(r, ADMIN), ["r-whoami", "r-net"]);
    assert.deepEqual(matchIds(r, { EventID: 4624, User: "admin" }), []);
  });
  test("several filters on one rule: any of them excludes", () => {
    const r = loadYaml({
      "rules.yml": `${RULES}---\n${filter("f1", "[r-net]", "User: admin")}---\n${filter("f2", "[r-net]", "User: bob")}`,
    });
    assert.deepEqual(matchIds(r, ADMIN), ["r-whoami"]);
    assert.deepEqual(matchIds(r, BOB), ["r-whoami"]);
    assert.deepEqual(matchIds(r, { ...ADMIN, User: "carol" }), ["r-whoami", "r-net"]);
  });
  test("the filter condition is AND-ed: without `not` it keeps only what it matches", () => {
    const r = loadYaml({
      "rules.yml": `${RULES}---\n${filter("f1", "[r-whoami]", "User: admin", "  product: windows\n", "sel")}`,
    });
    assert.deepEqual(matchIds(r, ADMIN), ["r-whoami", "r-net"]);
    assert.deepEqual(matchIds(r, BOB), ["r-net"]);
  });
  test("a filter for another rule id leaves the rule alone", () => {
    const r = loadYaml({ "rules.yml": `${RULES}---\n${filter("f1", "[some-other-rule]", "User: admin")}` });
    assert.deepEqual(matchIds(r, ADMIN), ["r-whoami", "r-net"]);
  });
  test("a broken filter is a load error", () => {
    const r = loadYaml({ "rules.yml": `${RULES}---\n${filter("f1", "42", "User: admin")}` });
    assert.deepEqual(
      r.report.errors.map((e) => e.code),
      ["invalid-field"],
    );
    assert.equal(r.report.failed, 1);
    assert.equal(r.report.loaded, 3);
  });
});

describe("routing", () => {
  const src = (
    product: string | undefined,
    service: string | undefined,
    ...categories: string[]
  ): LogSource => ({
    ...(product === undefined ? {} : { product }),
    ...(service === undefined ? {} : { service }),
    categories,
  });
  test("routes() by product, service and category", () => {
    assert.equal(
      routes(
        { product: "windows", category: "process_creation" },
        src("windows", "sysmon", "process_creation"),
      ),
      true,
    );
    assert.equal(
      routes(
        { product: "windows", category: "process_creation" },
        src("windows", "sysmon", "network_connection"),
      ),
      false,
    );
    assert.equal(routes({ product: "windows", service: "security" }, src("windows", "sysmon")), false);
    assert.equal(routes({ product: "linux" }, src("windows", "security")), false);
    assert.equal(routes({}, src(undefined, undefined)), true);
  });
  test("the engine sends an event only to the rules of its logsource; both evaluators agree", () => {
    const r = loadYaml({ "rules.yml": RULES });
    const event = (fields: JsonObject, logsource: LogSource) => ({ fields, logsource, time: undefined });
    for (const evaluator of ["compiled", "interpreted"] as const) {
      const e = new DetectionEngine(r, { evaluator });
      const both = { ...BOB, EventID: 4624 };
      assert.deepEqual(
        e.match(event(both, src("windows", "sysmon", "process_creation"))).map((x) => x.id),
        ["r-whoami", "r-net"],
      );
      assert.deepEqual(
        e.match(event(both, src("windows", "security"))).map((x) => x.id),
        ["r-logon"],
      );
      assert.deepEqual(e.match(event(both, src("linux", undefined, "process_creation"))), []);
      const off = new DetectionEngine(r, { evaluator, routing: false });
      assert.deepEqual(
        off.match(event(both, src(undefined, undefined))).map((x) => x.id),
        ["r-whoami", "r-net", "r-logon"],
      );
    }
  });
});
