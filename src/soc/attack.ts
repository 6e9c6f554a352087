// MITRE ATT&CK identifiers read from Sigma tags: techniques ("attack.t1059.001" -> "T1059.001")
// and tactics ("attack.credential_access" or "attack.credential-access" -> "credential-access").

/** Enterprise tactics by their ATT&CK short names, plus v18's split of defense evasion. */
export const ATTACK_TACTICS = [
  "reconnaissance",
  "resource-development",
  "initial-access",
  "execution",
  "persistence",
  "privilege-escalation",
  "defense-evasion",
  "stealth",
  "defense-impairment",
  "credential-access",
  "discovery",
  "lateral-movement",
  "collection",
  "command-and-control",
  "exfiltration",
  "impact",
] as const;
export type AttackTactic = (typeof ATTACK_TACTICS)[number];

const TECHNIQUE_TAG = /^attack\.t(\d{4})(?:\.(\d{3}))?$/i;
export const TECHNIQUE_ID = /^T\d{4}(\.\d{3})?$/;

/** A tag in one spelling: lower case, underscores as hyphens (SigmaHQ moved from `_` to `-`). */
export function normaliseTag(tag: string): string {
  return tag.trim().toLowerCase().replaceAll("_", "-");
}

export function techniqueOfTag(tag: string): string | undefined {
  const m = TECHNIQUE_TAG.exec(tag.trim());
  if (!m) return undefined;
  return m[2] === undefined ? `T${m[1]}` : `T${m[1]}.${m[2]}`;
}

export function tacticOfTag(tag: string): AttackTactic | undefined {
  const t = normaliseTag(tag);
  if (!t.startsWith("attack.")) return undefined;
  const name = t.slice("attack.".length);
  return (ATTACK_TACTICS as readonly string[]).includes(name) ? (name as AttackTactic) : undefined;
}

/** Techniques and tactics named by the tags, each once, in tag order. Groups (g0001), software (s0001) are ignored. */
export function attackOfTags(tags: readonly string[]): { techniques: string[]; tactics: AttackTactic[] } {
  const techniques = new Set<string>();
  const tactics = new Set<AttackTactic>();
  for (const tag of tags) {
    const technique = techniqueOfTag(tag);
    if (technique) techniques.add(technique);
    const tactic = tacticOfTag(tag);
    if (tactic) tactics.add(tactic);
  }
  return { techniques: [...techniques], tactics: [...tactics] };
}

/** Whether `technique` is `wanted` or one of its sub-techniques (T1003 covers T1003.001). */
export function techniqueCovers(wanted: string, technique: string): boolean {
  return technique === wanted || technique.startsWith(`${wanted}.`);
}
