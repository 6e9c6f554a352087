import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { defaultPlaybooksDir, loadPlaybooks } from "./playbook-loader.js";
import { parsePlaybook } from "./playbook-schema.js";

const root = mkdtempSync(join(tmpdir(), "corridor-playbooks-"));
after(() => rmSync(root, { recursive: true, force: true }));

const folder = (name: string, files: Record<string, string>): string => {
  const dir = join(root, name);
  mkdirSync(dir);
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  return dir;
};

const GOOD = `id: good
title: Good
when:
  on: alert
actions:
  - kind: webhook
    url: https://soar.example/hook
`;

const located = (r: ReturnType<typeof loadPlaybooks>) =>
  r.ok
    ? []
    : r.error.map(
        (p) =>
          `${p.path?.split("/").at(-1)}:${p.line ?? "-"} ${p.code} ${p.message.slice(p.message.indexOf(": ") + 2)}`,
      );

describe("loadPlaybooks", () => {
  it("loads the shipped playbooks", () => {
    const r = loadPlaybooks([defaultPlaybooksDir()]);
    assert.ok(r.ok, JSON.stringify(!r.ok && r.error, null, 1));
    assert.deepEqual(r.value.map((p) => p.id).sort(), [
      "block-bruteforce-source",
      "block-c2-address",
      "block-c2-range",
      "disable-account-credential-dumping",
      "isolate-ransomware-host",
      "ticket-on-critical",
    ]);
    // Each file's id is its name, so operators find a playbook from its id.
    for (const p of r.value) assert.ok(p.file.endsWith(`${p.id}.yaml`), p.file);
  });

  it("reports every problem of every bad file with its line and code (golden)", () => {
    const dir = folder("bad", {
      "a-good.yaml": GOOD,
      "b-syntax.yaml": "id: x\ntitle: [unclosed\n",
      "c-schema.yaml": `id: Bad_Id
title: Bad
colour: red
when:
  on: sometimes
  severity_at_least: severe
  techniques: [T1110, t1003]
  public_only: true
actions:
  - kind: block-ip
    target: "{{observable.ipv4}}"
    duration: 4 hours
  - kind: launch-missiles
    target: x
  - kind: isolate-host
    target: "{{observable.account}}"
  - kind: block-range
    target: "{{observable.ipv4 | netmask:24}}"
    duration: 1d
  - kind: webhook
    url: ftp://files.example/x
`,
      "d-duplicate.yml": GOOD,
      "e-keys.yaml": "id: dup\nid: dup\n",
      "f-public.yaml":
        "id: f\ntitle: F\nwhen:\n  on: alert\n  observable: account\n  public_only: true\nactions:\n  - { kind: isolate-host, target: h }\n",
      "g-empty.yaml": "",
      "h-two-docs.yaml": `${GOOD}---\n${GOOD}`,
      ".hidden.yaml": "not: loaded",
      "notes.txt": "ignored",
    });
    assert.deepEqual(located(loadPlaybooks([dir, join(root, "missing")])), [
      "b-syntax.yaml:3 playbook-yaml YAML: Flow sequence in block collection must be sufficiently indented and end with a ]",
      "c-schema.yaml:1 playbook-invalid id: lower-case letters, digits and hyphens, at most 64",
      "c-schema.yaml:3 playbook-invalid colour: unknown field",
      'c-schema.yaml:5 playbook-invalid when.on: expected "alert", "incident" or a list of them',
      'c-schema.yaml:6 playbook-invalid when.severity_at_least: Invalid option: expected one of "informational"|"low"|"medium"|"high"|"critical"',
      'c-schema.yaml:7 playbook-invalid when.techniques[1]: an ATT&CK technique id, e.g. "T1110"',
      'c-schema.yaml:12 playbook-duration actions[0].duration: "4 hours": expected a number and a unit s, m, h, d or w, e.g. "90s", "4h", "1h30m"',
      "c-schema.yaml:13 playbook-invalid actions[1].kind: Invalid discriminator value. Expected 'block-ip' | 'block-range' | 'disable-account' | 'isolate-host' | 'webhook'",
      "c-schema.yaml:16 playbook-template actions[2].target: the target of isolate-host cannot be built from account (use hostname)",
      'c-schema.yaml:18 playbook-template actions[3].target: unknown filter "netmask" (known: network)',
      "c-schema.yaml:21 playbook-invalid actions[4].url: an http or https URL",
      `d-duplicate.yml:- playbook-duplicate id "good" is already used by ${join(dir, "a-good.yaml")}`,
      "e-keys.yaml:2 playbook-yaml YAML: Map keys must be unique",
      "f-public.yaml:6 playbook-invalid when.public_only: needs `observable: ipv4`, `ipv6` or `cidr`",
      "g-empty.yaml:- playbook-empty the file holds no playbook",
      "h-two-docs.yaml:8 playbook-yaml one playbook per file (a second document starts here)",
      `missing:- playbook-dir cannot list: ENOENT: no such file or directory, scandir '${join(root, "missing")}'`,
    ]);
  });

  it("refuses ids reused across folders", () => {
    const a = folder("site-a", { "x.yaml": GOOD });
    const b = folder("site-b", { "y.yaml": GOOD });
    const r = loadPlaybooks([a, b]);
    assert.equal(!r.ok && r.error[0]?.code, "playbook-duplicate");
  });
});

describe("parsePlaybook", () => {
  it("compiles a playbook with defaults", () => {
    const r = parsePlaybook(
      "t.yaml",
      `id: t
title: T
when:
  on: [alert, incident]
  rule_tags: [attack.Credential_Access]
  observable: ipv4
  public_only: true
actions:
  - kind: block-range
    target: "{{observable.ipv4 | network:24}}"
    duration: 1h30m
`,
    );
    assert.ok(r.ok, JSON.stringify(r));
    const p = r.value;
    assert.deepEqual(p.when, {
      on: ["alert", "incident"],
      ruleIds: undefined,
      ruleTags: ["attack.credential-access"],
      techniques: undefined,
      severityAtLeast: undefined,
      observable: "ipv4",
      publicOnly: true,
    });
    assert.equal(p.enabled, true);
    const a = p.actions[0];
    assert.ok(a?.kind === "block-range");
    assert.equal(a.durationMs, 5_400_000);
    assert.equal(a.decision, "ban");
    assert.equal(a.allowInternal, false);
    assert.equal(a.allowBroad, false);
    assert.equal(a.target.observable, "ipv4");
  });
});
