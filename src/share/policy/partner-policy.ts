// What one partner may receive: the per-partner sharing policy, validated at the boundary
// (corridor.yaml, the partners table). Ceilings above what the border allows are refused here,
// so a config can only narrow the rules, never widen them.
import { z } from "zod";
import { Jurisdiction } from "../../core/index.js";
import { parseNationalMarking } from "./national-marking.js";

/** What the corridor exchanges. STIX object types, plus the corridor's own messages. */
export const SHARE_KINDS = [
  "indicator",
  "sighting",
  "incident",
  "observed-data",
  "course-of-action",
  "note",
  "report",
  "grouping",
  "relationship",
  "identity",
  "malware",
  "attack-pattern",
  "vulnerability",
  "assistance-request",
  "assistance-response",
  "decision",
] as const;
export const ShareKind = z.enum(SHARE_KINDS);
export type ShareKind = z.infer<typeof ShareKind>;

/** The highest TLP that may ever cross the border: RED and AMBER+STRICT never do. */
export const BORDER_TLPS = ["clear", "green", "amber"] as const;

export const PERSONAL_DATA_MODES = ["remove", "pseudonymise"] as const;

const MIN_KEY_BYTES = 32;

export const PartnerPolicySchema = z
  .object({
    partner: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, "a node id: lower-case letters, digits and dashes"),
    jurisdiction: Jurisdiction,
    allowedKinds: z.array(ShareKind).min(1),
    maxTlp: z.enum(BORDER_TLPS, {
      error: "maxTlp is clear, green or amber: RED and AMBER+STRICT never cross the border",
    }),
    /** In the partner's own words, e.g. "VS-NfD" for DE, "DR" for FR. */
    maxClassification: z.string().min(1),
    personalData: z.enum(PERSONAL_DATA_MODES),
    /** Per-partner HMAC key, base64, at least 32 bytes: pseudonyms differ from partner to partner. */
    pseudonymKey: z.string().refine((s) => decodeKey(s) !== undefined, {
      message: `pseudonymKey must be base64 of at least ${MIN_KEY_BYTES} random bytes`,
    }),
    onwardSharingRequiresConsent: z
      .literal(true, { error: "onward sharing without the originator's consent cannot be enabled" })
      .default(true),
  })
  .strict()
  .superRefine((p, ctx) => {
    const level = parseNationalMarking(p.jurisdiction, p.maxClassification);
    if (!level.ok) {
      ctx.addIssue({ code: "custom", path: ["maxClassification"], message: level.error.message });
    } else if (level.value !== "unclassified" && level.value !== "restricted") {
      ctx.addIssue({
        code: "custom",
        path: ["maxClassification"],
        message: `${p.maxClassification} is ${level.value}: nothing above restricted (DR / VS-NfD) crosses the border`,
      });
    }
  });
export type PartnerPolicy = z.infer<typeof PartnerPolicySchema>;
export type PartnerPolicyInput = z.input<typeof PartnerPolicySchema>;

/** The key bytes of a base64 (or base64url) pseudonym key, undefined when too short or not base64. */
export function decodeKey(text: string): Buffer | undefined {
  const t = text.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(t)) return undefined;
  const bytes = Buffer.from(t.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  return bytes.length >= MIN_KEY_BYTES ? bytes : undefined;
}
