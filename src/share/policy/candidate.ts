// The neutral shape the sharing policy judges: what an outgoing object is, how it is marked, who
// made it and what in it may name a person. STIX objects and corridor records are both mapped to it.
import { z } from "zod";
import type { JsonObject } from "../../core/index.js";
import { Classification, Jurisdiction, Observable } from "../../core/index.js";
import { ShareKind } from "./partner-policy.js";

/** A classification in a jurisdiction's own words (as received from a partner, or as sent). */
export const NationalClassification = z.object({
  jurisdiction: Jurisdiction,
  label: z.string().min(1).max(100),
  releasableTo: z.array(Jurisdiction).default([]),
});
export type NationalClassification = z.infer<typeof NationalClassification>;

/** Either the common level (local records) or a national label (objects from a partner). */
export const CandidateClassification = z.union([Classification.strict(), NationalClassification.strict()]);
export type CandidateClassification = z.infer<typeof CandidateClassification>;

export const Consent = z.object({
  /** Whether the originator lets recipients pass the object on. */
  onwardSharing: z.boolean(),
  /** When given, the only partners it may be passed on to. */
  partners: z.array(z.string()).optional(),
});
export type Consent = z.infer<typeof Consent>;

const JsonObjectSchema = z.record(z.string(), z.json()) as unknown as z.ZodType<JsonObject>;

export const ShareCandidateSchema = z.object({
  kind: ShareKind,
  /** The object's id (a STIX id, an incident id): named in audit records. */
  id: z.string().min(1).max(200),
  /** A TLP 2.0 label. Anything else (a marking this node does not know) is refused. */
  tlp: z.string(),
  classification: CandidateClassification,
  /** Node id of the node that made the object; another node's id means it was received. */
  originator: z.string().min(1),
  consent: Consent.optional(),
  observables: z.array(Observable),
  /** Values already replaced by pseudonyms (by this policy or by the originator). */
  pseudonyms: z.array(Observable).optional(),
  /** Free text that may name people: title, description, comments. */
  fields: z.record(z.string(), z.string()),
  /** Any other properties (a STIX pattern, extensions): every string in them is scrubbed like text. */
  attributes: JsonObjectSchema.optional(),
});
export type ShareCandidate = z.infer<typeof ShareCandidateSchema>;
