// National classification labels across the border: a label read in one jurisdiction's words,
// the common level it stands for, and the label the partner's jurisdiction uses for that level.
import {
  type ClassificationLevel,
  err,
  type Jurisdiction,
  NATIONAL_LABELS,
  ok,
  type Problem,
  type Result,
} from "../../core/index.js";

/**
 * The label each jurisdiction writes on its documents, per level. France has no "confidential"
 * level since the 2021 reform (IGI 1300), so nothing maps there: such a level cannot be written
 * in French and never crosses to FR.
 */
const OFFICIAL_LABELS: Readonly<Record<string, Partial<Record<ClassificationLevel, string>>>> = {
  FR: { unclassified: "NP", restricted: "DR", secret: "SECRET", "top-secret": "TRÈS SECRET" },
  DE: {
    unclassified: "offen",
    restricted: "VS-NfD",
    confidential: "VS-Vertraulich",
    secret: "GEHEIM",
    "top-secret": "STRENG GEHEIM",
  },
};

/** Case, accents, spacing and the "VS - NfD" / "VS-NfD" difference do not change a label. */
function fold(label: string): string {
  return label
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/\s*-\s*/g, "-")
    .replace(/\s+/g, " ")
    .trim();
}

const FOLDED: ReadonlyMap<string, ReadonlyMap<string, ClassificationLevel>> = new Map(
  Object.entries(NATIONAL_LABELS).map(([j, labels]) => {
    const m = new Map<string, ClassificationLevel>();
    for (const [label, level] of Object.entries(labels)) m.set(fold(label), level);
    for (const [level, label] of Object.entries(OFFICIAL_LABELS[j] ?? {}))
      m.set(fold(label), level as ClassificationLevel);
    return [j, m];
  }),
);

/** The common level a national label stands for; unknown jurisdictions and labels are refused. */
export function parseNationalMarking(
  jurisdiction: Jurisdiction,
  label: string,
): Result<ClassificationLevel, Problem> {
  const labels = FOLDED.get(jurisdiction);
  if (labels === undefined) {
    return err({
      code: "marking.unknown-jurisdiction",
      message: `no classification labels are known for jurisdiction ${jurisdiction}`,
    });
  }
  const level = labels.get(fold(label));
  return level === undefined
    ? err({
        code: "marking.unknown-label",
        message: `"${label}" is not a classification label of ${jurisdiction}`,
      })
    : ok(level);
}

/** The label `jurisdiction` writes for `level` (FR restricted -> "DR", DE restricted -> "VS-NfD"). */
export function equivalentLabel(
  level: ClassificationLevel,
  jurisdiction: Jurisdiction,
): Result<string, Problem> {
  const labels = OFFICIAL_LABELS[jurisdiction];
  if (labels === undefined) {
    return err({
      code: "marking.unknown-jurisdiction",
      message: `no classification labels are known for jurisdiction ${jurisdiction}`,
    });
  }
  const label = labels[level];
  return label === undefined
    ? err({ code: "marking.no-equivalent", message: `${jurisdiction} has no label for the level ${level}` })
    : ok(label);
}
