// Markings every capability reads: jurisdiction, classification (with national labels), TLP 2.0.
import { z } from "zod";

/** ISO 3166-1 alpha-2 code of the state whose law governs a node or a user ("FR", "DE"). */
export const Jurisdiction = z
  .string()
  .regex(/^[A-Z]{2}$/, "a jurisdiction is an ISO 3166-1 alpha-2 code in capitals, e.g. FR or DE");
export type Jurisdiction = z.infer<typeof Jurisdiction>;

/**
 * Classification levels, ordered. National labels map onto them (see NATIONAL_LABELS); the
 * corridor's equivalence table (FR NP = DE offen, FR DR = DE VS-NfD) is this mapping.
 */
export const CLASSIFICATION_LEVELS = [
  "unclassified",
  "restricted",
  "confidential",
  "secret",
  "top-secret",
] as const;
export const ClassificationLevel = z.enum(CLASSIFICATION_LEVELS);
export type ClassificationLevel = z.infer<typeof ClassificationLevel>;

export function classificationRank(level: ClassificationLevel): number {
  return CLASSIFICATION_LEVELS.indexOf(level);
}

/** National labels per jurisdiction, lower-cased, to the common level. */
export const NATIONAL_LABELS: Readonly<Record<string, Readonly<Record<string, ClassificationLevel>>>> = {
  FR: {
    np: "unclassified",
    "non protégé": "unclassified",
    dr: "restricted",
    "diffusion restreinte": "restricted",
    secret: "secret",
    "très secret": "top-secret",
  },
  DE: {
    offen: "unclassified",
    "vs-nfd": "restricted",
    "vs-nur für den dienstgebrauch": "restricted",
    "vs-vertraulich": "confidential",
    geheim: "secret",
    "streng geheim": "top-secret",
  },
};

/**
 * A classification marking: the level plus nationality caveats. `releasableTo` empty means no
 * caveat; ["FR"] is "SPÉCIAL FRANCE": only FR nationals may see it.
 */
export const Classification = z.object({
  level: ClassificationLevel,
  releasableTo: z.array(Jurisdiction).default([]),
});
export type Classification = z.infer<typeof Classification>;

/** TLP 2.0 labels (FIRST). */
export const TLP_LABELS = ["clear", "green", "amber", "amber+strict", "red"] as const;
export const Tlp = z.enum(TLP_LABELS);
export type Tlp = z.infer<typeof Tlp>;

export function tlpRank(tlp: Tlp): number {
  return TLP_LABELS.indexOf(tlp);
}

/** Whether a person with this clearance and nationality may see something so marked. */
export function mayAccess(
  person: { readonly clearance: ClassificationLevel; readonly nationality: Jurisdiction },
  marking: Classification,
): boolean {
  if (classificationRank(marking.level) > classificationRank(person.clearance)) return false;
  return marking.releasableTo.length === 0 || marking.releasableTo.includes(person.nationality);
}
