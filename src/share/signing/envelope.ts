// The envelope every message between nodes travels in: who sends it to whom, with which key,
// when, and a nonce so it is accepted once. Signed as canonical JSON (see jws.ts).
import { randomBytes } from "node:crypto";
import { z } from "zod";

const NodeId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/);

export const EnvelopeSchema = z
  .object({
    v: z.literal(1),
    from: NodeId,
    to: NodeId,
    kid: z.string().regex(/^[0-9a-f]{16}$/),
    issuedAt: z.iso.datetime({ offset: true }),
    /** 128 random bits, base64url. */
    nonce: z.string().regex(/^[A-Za-z0-9_-]{22}$/),
    payload: z.json(),
  })
  .strict();
export type Envelope = z.infer<typeof EnvelopeSchema>;

/** An envelope and its detached JWS (`header..signature`): what goes on the wire, as JSON. */
export const SignedEnvelopeSchema = z.object({
  envelope: z.unknown(),
  signature: z.string().optional(),
});
export interface SignedEnvelope {
  readonly envelope: Envelope;
  readonly signature: string;
}

export function newNonce(): string {
  return randomBytes(16).toString("base64url");
}

/** A fresh envelope; `now` is passed in so callers (and tests) own the clock. */
export function newEnvelope(
  e: { from: string; to: string; kid: string; payload: Envelope["payload"] },
  now: Date,
): Envelope {
  return {
    v: 1,
    from: e.from,
    to: e.to,
    kid: e.kid,
    issuedAt: now.toISOString(),
    nonce: newNonce(),
    payload: e.payload,
  };
}
