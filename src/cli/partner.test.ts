// `corridor keys` and `corridor partner` as a user runs them: real processes on a real data folder.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const dir = mkdtempSync(join(tmpdir(), "corridor-cli-partner-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const configFor = (id: string, jurisdiction: string) => {
  const f = join(dir, `${id}.yaml`);
  writeFileSync(f, `node: { id: ${id}, jurisdiction: ${jurisdiction} }\ndataDir: ./${id}-data\n`);
  return f;
};
const fr = configFor("fr", "FR");
const de = configFor("de", "DE");

const run = (module: "keys" | "partner", args: string[], input?: string) => {
  const url = new URL(`./${module}.js`, import.meta.url).href;
  const fn = module === "keys" ? "keysCommand" : "partnerCommand";
  const r = spawnSync(
    process.execPath,
    [
      "--input-type=module",
      "-e", // As main.ts does: a usage error is exit code 2 with its message.
      `const m = await import(${JSON.stringify(url)});
       try { process.exitCode = await m.${fn}(JSON.parse(process.argv[1])); }
       catch (e) { if (e.code !== "usage") throw e; console.error(e.message); process.exitCode = 2; }`,
      JSON.stringify(args),
    ],
    {
      input: input ?? "",
      encoding: "utf8",
      cwd: dir,
      env: { ...process.env, DATABASE_URL: "", NO_COLOR: "1" },
    },
  );
  return { code: r.status, out: r.stdout, err: r.stderr };
};

describe("corridor keys / partner", { timeout: 120_000 }, () => {
  it("keys init creates the pair once, shows it, and replaces it only with --force", () => {
    const init = run("keys", ["init", "--config", fr, "--format", "json"]);
    assert.equal(init.code, 0, init.err);
    const made = JSON.parse(init.out) as {
      node: string;
      kid: string;
      fingerprint: string;
      publicKey: string;
    };
    assert.equal(made.node, "fr");
    assert.match(made.fingerprint, /^[0-9a-f]{64}$/);
    assert.equal(statSync(join(dir, "fr-data", "keys", "node.key")).mode & 0o777, 0o600);
    const again = run("keys", ["init", "--config", fr]);
    assert.equal(again.code, 1);
    assert.match(again.err, /--force/);
    const shown = JSON.parse(run("keys", ["show", "--config", fr, "--format", "json"]).out) as typeof made;
    assert.equal(shown.fingerprint, made.fingerprint);
    const forced = run("keys", ["init", "--config", fr, "--force", "--format", "json"]);
    assert.equal(forced.code, 0, forced.err);
    assert.notEqual((JSON.parse(forced.out) as typeof made).fingerprint, made.fingerprint);
    const text = run("keys", ["show", "--config", fr, "--format", "text"]);
    assert.match(text.out, /BEGIN PUBLIC KEY[\s\S]*fingerprint [0-9a-f]{4} [0-9a-f]{4}/);
  });

  it("partner add pins a key read from standard input and prints its fingerprint and a token", () => {
    const deKey = JSON.parse(run("keys", ["init", "--config", de, "--format", "json"]).out) as {
      fingerprint: string;
      publicKey: string;
    };
    const args = ["add", "--config", fr, "--id", "de", "--name", "CDC Deutschland", "--jurisdiction", "DE"];
    const add = run(
      "partner",
      [
        ...args,
        "--url",
        "http://127.0.0.1:8442",
        "--public-key",
        "-",
        "--max-tlp",
        "amber",
        "--max-classification",
        "VS-NfD",
        "--format",
        "json",
      ],
      deKey.publicKey,
    );
    assert.equal(add.code, 0, add.err);
    const added = JSON.parse(add.out) as {
      id: string;
      fingerprint: string;
      inboundToken: string;
      policy: boolean;
    };
    assert.equal(added.fingerprint, deKey.fingerprint);
    assert.match(added.inboundToken, /^crp_/);
    assert.equal(added.policy, true);

    const twice = run("partner", [
      ...args,
      "--url",
      "http://127.0.0.1:8442",
      "--public-key",
      join(dir, "de-data", "keys", "node.pub"),
    ]);
    assert.equal(twice.code, 1);
    assert.match(twice.err, /exists/);
    const bad = run(
      "partner",
      [
        ...args.slice(0, 4),
        "nl",
        "--name",
        "x",
        "--jurisdiction",
        "NL",
        "--url",
        "http://x",
        "--public-key",
        "-",
      ],
      "not a key",
    );
    assert.equal(bad.code, 2);
    assert.match(bad.err, /Ed25519/);
    const redTlp = run(
      "partner",
      [
        ...args.slice(0, 4),
        "nl",
        "--name",
        "x",
        "--jurisdiction",
        "DE",
        "--url",
        "http://x",
        "--public-key",
        "-",
        "--max-tlp",
        "red",
      ],
      deKey.publicKey,
    );
    assert.equal(redTlp.code, 2);
    assert.match(redTlp.err, /RED/);

    const list = JSON.parse(run("partner", ["list", "--config", fr, "--format", "json"]).out) as {
      id: string;
      fingerprint: string;
      policy: { maxTlp: string; maxClassification: string; personalData: string; pseudonymKey: string };
    }[];
    assert.deepEqual(
      list.map((p) => p.id),
      ["de"],
    );
    assert.deepEqual(
      { ...list[0]!.policy, allowedKinds: undefined },
      {
        ...list[0]!.policy,
        maxTlp: "amber",
        maxClassification: "VS-NfD",
        personalData: "remove",
        pseudonymKey: "(set)",
        allowedKinds: undefined,
      },
    );
    assert.equal(run("partner", ["remove", "de", "--config", fr]).code, 0);
    assert.equal(run("partner", ["remove", "de", "--config", fr]).code, 1);
  });

  it("--help explains each command", () => {
    for (const m of ["keys", "partner"] as const) {
      const h = run(m, ["--help"]);
      assert.equal(h.code, 0);
      assert.match(h.out, new RegExp(`corridor ${m}`));
    }
    assert.ok(readFileSync(fileURLToPath(new URL("./partner.js", import.meta.url)), "utf8").length > 0);
  });
});
