import assert from "node:assert/strict";
import { createPrivateKey } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import fc from "fast-check";
import { generateKeyPair, saveKeyPair } from "./keys.js";
import { isSealed, readSecret, SecretBox, secretContext } from "./secret-box.js";

const nodeKey = generateKeyPair().privateKey;
const box = SecretBox.fromNodeKey(nodeKey);
const ctx = secretContext("de", "outbound_token");

describe("SecretBox", () => {
  test("opens what it sealed, for the same context, with any box of the same node key (property)", () => {
    // the same key read back from its PEM (a node restart) derives the same box
    const again = SecretBox.fromNodeKey(
      createPrivateKey(nodeKey.export({ type: "pkcs8", format: "pem" }).toString()),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.string({ maxLength: 40 }), (text, context) => {
        const sealed = box.seal(text, context);
        assert.ok(isSealed(sealed));
        const opened = again.open(sealed, context);
        assert.ok(opened.ok);
        assert.equal(opened.value, text);
      }),
      { numRuns: 300 },
    );
  });

  test("seals the same text differently each time, without the text in it", () => {
    const a = box.seal("crp_secret-token", ctx);
    const b = box.seal("crp_secret-token", ctx);
    assert.notEqual(a, b);
    assert.ok(!a.includes("crp_secret") && !Buffer.from(a.slice(7), "base64url").includes("crp_secret"));
  });

  test("refuses another context, another node key, a changed byte and what is not sealed", () => {
    const sealed = box.seal("crp_secret-token", ctx);
    const code = (r: ReturnType<SecretBox["open"]>) => (r.ok ? "ok" : r.error.code);
    assert.equal(code(box.open(sealed, secretContext("it", "outbound_token"))), "secret.unreadable");
    assert.equal(code(box.open(sealed, secretContext("de", "pseudonym_key"))), "secret.unreadable");
    assert.equal(
      code(SecretBox.fromNodeKey(generateKeyPair().privateKey).open(sealed, ctx)),
      "secret.unreadable",
    );
    const raw = Buffer.from(sealed.slice("enc:v1:".length), "base64url");
    for (const at of [0, 12, raw.length - 1]) {
      const changed = Buffer.from(raw);
      changed[at]! ^= 1;
      assert.equal(
        code(box.open(`enc:v1:${changed.toString("base64url")}`, ctx)),
        "secret.unreadable",
        `${at}`,
      );
    }
    assert.equal(code(box.open("enc:v1:AAAA", ctx)), "secret.unreadable");
    assert.equal(code(box.open("crp_plain", ctx)), "secret.unreadable");
  });

  test("readSecret: clear text from before sealing as it is; sealed without a box, unreadable", () => {
    assert.deepEqual(readSecret(undefined, "crp_legacy", ctx), { text: "crp_legacy", problem: null });
    assert.deepEqual(readSecret(box, box.seal("x", ctx), ctx), { text: "x", problem: null });
    assert.match(readSecret(undefined, box.seal("x", ctx), ctx).problem ?? "", /not loaded/);
    assert.equal(readSecret(box, box.seal("x", ctx), secretContext("it", "outbound_token")).text, null);
  });

  test("load: the box of a node's data directory, or why there is none", () => {
    const dir = mkdtempSync(join(tmpdir(), "corridor-box-"));
    const missing = SecretBox.load(dir);
    assert.equal(missing.ok ? "ok" : missing.error.code, "key.missing");
    const pair = generateKeyPair();
    assert.ok(saveKeyPair(dir, pair).ok);
    const loaded = SecretBox.load(dir);
    assert.ok(loaded.ok);
    const opened = loaded.value.open(SecretBox.fromNodeKey(pair.privateKey).seal("crp_x", ctx), ctx);
    assert.equal(opened.ok ? opened.value : opened.error.code, "crp_x");
  });
  test("needs an Ed25519 private key", () => {
    assert.throws(() => SecretBox.fromNodeKey(generateKeyPair().publicKey), /Ed25519 private key/);
  });
});
