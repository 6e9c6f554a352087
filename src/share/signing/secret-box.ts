// Partner secrets at rest. The token this node presents to a partner and the partner's pseudonym
// key must be readable by this node (unlike a partner's inbound token, which is kept as a hash), so
// they are sealed: AES-256-GCM under a key derived (HKDF-SHA256) from the node's Ed25519 private
// key, which stays in <dataDir>/keys (mode 0600), with the partner and the column as associated
// data, so a sealed value copied to another row or column does not open. A dump of the database,
// or a PostgreSQL server shared with others, then holds no usable partner secret.
import { createCipheriv, createDecipheriv, hkdfSync, type KeyObject, randomBytes } from "node:crypto";
import { err, ok, type Problem, type Result } from "../../core/index.js";
import { loadKeyPair } from "./keys.js";

const PREFIX = "enc:v1:";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Is this stored text a sealed value (rather than one written before sealing existed)? */
export const isSealed = (stored: string): boolean => stored.startsWith(PREFIX);

/** Where a partner secret lives: the associated data of its seal. */
export const secretContext = (partner: string, column: "outbound_token" | "pseudonym_key"): string =>
  `partner:${partner}:${column}`;

export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  /** The box of a node: its key derived from the node's Ed25519 private key. */
  static fromNodeKey(privateKey: KeyObject): SecretBox {
    const d = privateKey.export({ format: "jwk" }).d;
    if (privateKey.asymmetricKeyType !== "ed25519" || d === undefined)
      throw new Error("bug: a secret box needs the node's Ed25519 private key");
    const ikm = Buffer.from(d, "base64url");
    return new SecretBox(Buffer.from(hkdfSync("sha256", ikm, "corridor", "partner secrets v1", 32)));
  }

  /** The box of the node whose data directory this is (its key from <dataDir>/keys). */
  static load(dataDir: string): Result<SecretBox, Problem> {
    const pair = loadKeyPair(dataDir);
    return pair.ok ? ok(SecretBox.fromNodeKey(pair.value.privateKey)) : pair;
  }

  /** `text` sealed for `context`: "enc:v1:" then base64url of IV, ciphertext and tag. */
  seal(text: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    cipher.setAAD(Buffer.from(context, "utf8"));
    const body = Buffer.concat([cipher.update(text, "utf8"), cipher.final()]);
    return PREFIX + Buffer.concat([iv, body, cipher.getAuthTag()]).toString("base64url");
  }

  /** The text of a sealed value, if it was sealed by this box for this context. */
  open(stored: string, context: string): Result<string, Problem> {
    const failed = err({
      code: "secret.unreadable",
      message:
        "it was not sealed with this node's key for this partner (was the node key replaced?): set it again",
    });
    if (!isSealed(stored)) return failed;
    const raw = Buffer.from(stored.slice(PREFIX.length), "base64url");
    if (raw.length < IV_BYTES + TAG_BYTES) return failed;
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.key, raw.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(context, "utf8"));
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      const text = Buffer.concat([
        decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)),
        decipher.final(),
      ]);
      return ok(text.toString("utf8"));
    } catch {
      return failed;
    }
  }
}

/**
 * A stored partner secret as text: a sealed one opened with `box`, one written before sealing as
 * it is. Null with the reason when it cannot be read (no node key loaded, another node key).
 */
export function readSecret(
  box: SecretBox | undefined,
  stored: string,
  context: string,
): { readonly text: string; readonly problem: null } | { readonly text: null; readonly problem: string } {
  if (!isSealed(stored)) return { text: stored, problem: null };
  if (box === undefined)
    return {
      text: null,
      problem: "it is sealed with the node key, which is not loaded (corridor keys init)",
    };
  const opened = box.open(stored, context);
  return opened.ok ? { text: opened.value, problem: null } : { text: null, problem: opened.error.message };
}
