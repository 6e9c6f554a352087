// Signing and checking envelopes: a detached JWS (RFC 7515 compact serialisation, appendix F) with
// alg EdDSA over the envelope's canonical JSON. The payload is base64url-encoded in the signing
// input as RFC 7515 says (no RFC 7797 b64:false), so any JOSE library can check it given the
// envelope; the wire carries `header..signature` next to the envelope itself.
import { type KeyObject, sign, verify } from "node:crypto";
import { z } from "zod";
import { canonicalJson } from "../../audit/canonical-json.js";
import { err, ok, type Result } from "../../core/index.js";
import { type Envelope, EnvelopeSchema, type SignedEnvelope, SignedEnvelopeSchema } from "./envelope.js";
import { describePublicKey } from "./keys.js";
import type { NonceStore } from "./nonce-store.js";

export const JWS_TYPE = "corridor-envelope+jws";
export const DEFAULT_MAX_SKEW_MS = 5 * 60_000;

export const VERIFY_ERROR_CODES = [
  "unsigned",
  "unknown-partner",
  "wrong-key",
  "bad-signature",
  "tampered",
  "replayed",
  "stale",
  "not-for-us",
  "malformed",
] as const;
export type VerifyErrorCode = (typeof VERIFY_ERROR_CODES)[number];

export interface VerifyError {
  readonly code: VerifyErrorCode;
  readonly message: string;
  /** The claimed sender, when the envelope could be read that far (for the audit record). */
  readonly partner?: string;
}

export interface PinnedKey {
  readonly kid: string;
  readonly publicKey: KeyObject;
}

export interface VerifyOptions {
  /** Partner id -> the key pinned for it (partners-repo pinnedKeys()). */
  readonly pinnedKeys: ReadonlyMap<string, PinnedKey>;
  /** This node's id: envelopes addressed to anyone else are refused. */
  readonly expectedTo: string;
  readonly now: Date;
  readonly maxSkewMs?: number;
  readonly seenNonces: NonceStore;
}

const Header = z
  .object({ alg: z.string(), kid: z.string(), typ: z.string(), crit: z.array(z.string()).optional() })
  .passthrough();

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64url");

function signingInput(encodedHeader: string, envelope: unknown): Buffer {
  return Buffer.from(`${encodedHeader}.${b64(canonicalJson(envelope))}`, "ascii");
}

/** Signs an envelope with the node's private key; the envelope's kid must name that key. */
export function signEnvelope(envelope: Envelope, privateKey: KeyObject): SignedEnvelope {
  const kid = describePublicKey(privateKey).kid;
  if (kid !== envelope.kid)
    throw new TypeError(`envelope kid ${envelope.kid} is not the signing key's (${kid})`);
  const header = b64(JSON.stringify({ alg: "EdDSA", kid, typ: JWS_TYPE }));
  const signature = sign(null, signingInput(header, envelope), privateKey).toString("base64url");
  return { envelope, signature: `${header}..${signature}` };
}

/**
 * Checks a received signed envelope: well formed, from a pinned partner, signed by its pinned key,
 * for us, fresh, and never seen before. The nonce is recorded only once all else holds, so a forged
 * envelope cannot burn a real one's nonce.
 */
export async function verifyEnvelope(
  signed: unknown,
  opts: VerifyOptions,
): Promise<Result<Envelope, VerifyError>> {
  const fail = (code: VerifyErrorCode, message: string, partner?: string) =>
    err<VerifyError>(partner === undefined ? { code, message } : { code, message, partner });

  const outer = SignedEnvelopeSchema.safeParse(signed);
  if (!outer.success || outer.data.envelope === undefined)
    return fail("malformed", "expected {envelope, signature}");
  const raw = outer.data.envelope;
  const parsed = EnvelopeSchema.safeParse(raw);
  const claimed =
    typeof raw === "object" && raw !== null && typeof (raw as { from?: unknown }).from === "string"
      ? ((raw as { from: string }).from as string)
      : undefined;
  if (outer.data.signature === undefined || outer.data.signature === "")
    return fail("unsigned", "the envelope carries no signature", claimed);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return fail(
      "malformed",
      `envelope: ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`,
      claimed,
    );
  }
  const envelope = parsed.data;
  const from = envelope.from;

  const parts = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]*)\.([A-Za-z0-9_-]*)$/.exec(outer.data.signature);
  if (parts === null) return fail("malformed", "the signature is not a compact JWS", from);
  const [, encodedHeader = "", attached = "", encodedSig = ""] = parts;
  if (attached !== "") return fail("malformed", "the JWS carries its payload: expected a detached one", from);
  let header: z.infer<typeof Header>;
  try {
    header = Header.parse(JSON.parse(Buffer.from(encodedHeader, "base64url").toString("utf8")));
  } catch {
    return fail("malformed", "unreadable JWS protected header", from);
  }
  if (header.alg !== "EdDSA")
    return fail("malformed", `JWS alg ${header.alg} is not accepted (EdDSA only)`, from);
  if (header.typ !== JWS_TYPE) return fail("malformed", `JWS typ ${header.typ} is not ${JWS_TYPE}`, from);
  if (header.crit !== undefined)
    return fail("malformed", `JWS crit ${header.crit.join(", ")}: no extension is understood`, from);

  const pinned = opts.pinnedKeys.get(from);
  if (pinned === undefined) return fail("unknown-partner", `no key is pinned for ${from}`, from);
  if (header.kid !== envelope.kid)
    return fail("tampered", `the JWS header names key ${header.kid}, the envelope ${envelope.kid}`, from);
  if (envelope.kid !== pinned.kid)
    return fail(
      "wrong-key",
      `signed with key ${envelope.kid}; the key pinned for ${from} is ${pinned.kid}`,
      from,
    );
  const sig = Buffer.from(encodedSig, "base64url");
  if (sig.length !== 64) return fail("bad-signature", "an Ed25519 signature is 64 bytes", from);
  let good: boolean;
  try {
    good = verify(null, signingInput(encodedHeader, raw), pinned.publicKey, sig);
  } catch {
    good = false;
  }
  if (!good)
    return fail(
      "bad-signature",
      `the signature does not verify with ${from}'s pinned key: the envelope was changed after signing, or another key signed it`,
      from,
    );

  if (envelope.to !== opts.expectedTo)
    return fail("not-for-us", `addressed to ${envelope.to}, this node is ${opts.expectedTo}`, from);
  const skew = opts.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
  const issued = Date.parse(envelope.issuedAt);
  const age = opts.now.getTime() - issued;
  if (Math.abs(age) > skew)
    return fail(
      "stale",
      age > 0
        ? `issued ${Math.round(age / 1000)} s ago, more than the ${skew / 1000} s allowed`
        : `issued ${Math.round(-age / 1000)} s in the future (clock skew above ${skew / 1000} s)`,
      from,
    );
  // Past issuedAt + skew the envelope is stale anyway: the nonce need not be kept longer.
  const fresh = await opts.seenNonces.remember(from, envelope.nonce, new Date(issued + skew));
  if (!fresh) return fail("replayed", `nonce ${envelope.nonce} from ${from} was already accepted`, from);
  return ok(envelope);
}
