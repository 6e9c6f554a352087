import assert from "node:assert/strict";
import { createHash, generateKeyPairSync } from "node:crypto";
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import {
  describePublicKey,
  formatFingerprint,
  generateKeyPair,
  loadKeyPair,
  parsePublicKey,
  publicKeyFingerprint,
  rawPublicKey,
  saveKeyPair,
} from "./keys.js";

const dir = mkdtempSync(join(tmpdir(), "corridor-keys-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("node keys", () => {
  it("saves the pair as PEM, the private key 0600, and loads it back", () => {
    const pair = generateKeyPair();
    const saved = saveKeyPair(dir, pair);
    assert.ok(saved.ok);
    const priv = join(dir, "keys", "node.key");
    assert.equal(statSync(priv).mode & 0o777, 0o600);
    assert.match(readFileSync(priv, "utf8"), /^-----BEGIN PRIVATE KEY-----/);
    assert.match(readFileSync(join(dir, "keys", "node.pub"), "utf8"), /^-----BEGIN PUBLIC KEY-----/);
    const loaded = loadKeyPair(dir);
    assert.ok(loaded.ok);
    assert.equal(loaded.value.info.fingerprint, saved.value.fingerprint);
    assert.deepEqual(rawPublicKey(loaded.value.publicKey), rawPublicKey(pair.publicKey));
  });

  it("keeps an existing pair unless forced, and refuses a private key others can read", () => {
    const again = saveKeyPair(dir, generateKeyPair());
    assert.equal(again.ok ? "saved" : again.error.code, "key.exists");
    const forced = saveKeyPair(dir, generateKeyPair(), { force: true });
    assert.ok(forced.ok);
    chmodSync(join(dir, "keys", "node.key"), 0o644);
    const loaded = loadKeyPair(dir);
    assert.equal(loaded.ok ? "loaded" : loaded.error.code, "key.permissions");
    const none = loadKeyPair(join(dir, "nowhere"));
    assert.equal(none.ok ? "loaded" : none.error.code, "key.missing");
  });

  it("fingerprints the raw 32-byte key; kid is its first 16 hex digits", () => {
    const { publicKey } = generateKeyPair();
    const raw = rawPublicKey(publicKey);
    assert.equal(raw.length, 32);
    const fp = publicKeyFingerprint(publicKey);
    assert.equal(fp, createHash("sha256").update(raw).digest("hex"));
    const info = describePublicKey(publicKey);
    assert.equal(info.kid, fp.slice(0, 16));
    assert.equal(formatFingerprint("abcd1234ef"), "abcd 1234 ef");
  });

  it("reads a partner's key as PEM or raw base64, and nothing else", () => {
    const { publicKey, privateKey } = generateKeyPair();
    const info = describePublicKey(publicKey);
    for (const text of [info.pem, info.raw, rawPublicKey(publicKey).toString("base64"), `\n${info.pem}\n`]) {
      const r = parsePublicKey(text);
      assert.ok(r.ok, text);
      assert.equal(publicKeyFingerprint(r.value), info.fingerprint);
    }
    const code = (t: string) => {
      const r = parsePublicKey(t);
      return r.ok ? "ok" : r.error.code;
    };
    assert.equal(code(privateKey.export({ type: "pkcs8", format: "pem" }).toString()), "key.invalid");
    assert.equal(code("hello"), "key.invalid");
    assert.equal(code(Buffer.alloc(31).toString("base64")), "key.invalid");
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({
      type: "spki",
      format: "pem",
    });
    assert.equal(code(ec.toString()), "key.invalid");
  });
});
