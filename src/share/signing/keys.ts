// A node's Ed25519 key pair: made once (`corridor keys init`), kept as PEM in <dataDir>/keys with
// the private key readable by its owner only, and named by the SHA-256 of the raw public key.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { err, ok, type Problem, type Result } from "../../core/index.js";

export interface NodeKeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

/** A public key as pinned and as shown: the key, its key id and its fingerprint. */
export interface PublicKeyInfo {
  readonly publicKey: KeyObject;
  /** PEM (SPKI) text. */
  readonly pem: string;
  /** The raw 32-byte key, base64url. */
  readonly raw: string;
  /** sha256 of the raw key, hex: compared out of band (read aloud, over the phone). */
  readonly fingerprint: string;
  /** The key id in JWS headers: the first 16 hex digits of the fingerprint. */
  readonly kid: string;
}

export function generateKeyPair(): NodeKeyPair {
  return generateKeyPairSync("ed25519");
}

/** The raw 32-byte Ed25519 public key. */
export function rawPublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: "jwk" });
  if (jwk.kty !== "OKP" || jwk.crv !== "Ed25519" || typeof jwk.x !== "string")
    throw new TypeError("not an Ed25519 key");
  return Buffer.from(jwk.x, "base64url");
}

export function publicKeyFingerprint(key: KeyObject): string {
  return createHash("sha256").update(rawPublicKey(key)).digest("hex");
}

/** "ab12 cd34 ..." : a fingerprint grouped for reading aloud. */
export function formatFingerprint(fingerprint: string): string {
  return fingerprint.match(/.{1,4}/g)?.join(" ") ?? fingerprint;
}

export function describePublicKey(key: KeyObject): PublicKeyInfo {
  const publicKey = key.type === "private" ? createPublicKey(key) : key;
  const fingerprint = publicKeyFingerprint(publicKey);
  return {
    publicKey,
    pem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    raw: rawPublicKey(publicKey).toString("base64url"),
    fingerprint,
    kid: fingerprint.slice(0, 16),
  };
}

/**
 * A partner's public key as they hand it over: PEM (SPKI), or the raw 32 bytes in base64 or
 * base64url. Anything but Ed25519 is refused.
 */
export function parsePublicKey(text: string): Result<KeyObject, Problem> {
  const t = text.trim();
  const bad = (message: string): Result<KeyObject, Problem> => err({ code: "key.invalid", message });
  if (t.startsWith("-----BEGIN")) {
    if (t.includes("PRIVATE KEY")) return bad("that is a private key: give the partner's public key");
    try {
      const key = createPublicKey(t);
      return key.asymmetricKeyType === "ed25519"
        ? ok(key)
        : bad(`a ${key.asymmetricKeyType ?? "unknown"} key: corridor keys are Ed25519`);
    } catch (e) {
      return bad(`unreadable PEM: ${(e as Error).message}`);
    }
  }
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(t)) {
    const x = Buffer.from(t.replace(/=$/, ""), "base64url");
    if (x.length === 32)
      return ok(
        createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: x.toString("base64url") }, format: "jwk" }),
      );
  }
  return bad("expected an Ed25519 public key as PEM or as 32 raw bytes in base64");
}

export const keysDir = (dataDir: string) => join(dataDir, "keys");
const PRIVATE_FILE = "node.key";
const PUBLIC_FILE = "node.pub";

/**
 * Writes the pair as PEM: node.key (mode 0600, PKCS#8) and node.pub (SPKI). An existing pair is
 * kept unless `force`: replacing it breaks every partner's pin, so it must be deliberate.
 */
export function saveKeyPair(
  dataDir: string,
  pair: NodeKeyPair,
  opts: { force?: boolean } = {},
): Result<PublicKeyInfo, Problem> {
  const dir = keysDir(dataDir);
  const priv = join(dir, PRIVATE_FILE);
  if (existsSync(priv) && opts.force !== true)
    return err({
      code: "key.exists",
      message: `${priv} exists; partners have pinned its public key. Use --force to replace it (then tell every partner)`,
    });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pem = pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  writeFileSync(priv, pem, { mode: 0o600 });
  // writeFile's mode applies only when it creates the file.
  chmodSync(priv, 0o600);
  const info = describePublicKey(pair.publicKey);
  writeFileSync(join(dir, PUBLIC_FILE), info.pem, { mode: 0o644 });
  return ok(info);
}

/** The node's key pair from <dataDir>/keys; a private key others can read is refused, as ssh does. */
export function loadKeyPair(dataDir: string): Result<NodeKeyPair & { info: PublicKeyInfo }, Problem> {
  const priv = join(keysDir(dataDir), PRIVATE_FILE);
  if (!existsSync(priv))
    return err({ code: "key.missing", message: `no node key at ${priv}: run 'corridor keys init'` });
  if (process.platform !== "win32" && (statSync(priv).mode & 0o077) !== 0)
    return err({
      code: "key.permissions",
      message: `${priv} is readable by others: chmod 600 it (and consider the key disclosed)`,
    });
  try {
    const privateKey = createPrivateKey(readFileSync(priv));
    if (privateKey.asymmetricKeyType !== "ed25519")
      return err({ code: "key.invalid", message: `${priv} is not an Ed25519 key` });
    const publicKey = createPublicKey(privateKey);
    return ok({ privateKey, publicKey, info: describePublicKey(publicKey) });
  } catch (e) {
    return err({ code: "key.invalid", message: `${priv}: ${(e as Error).message}` });
  }
}
