// The sovereignty guard: decides, for one partner and one outgoing object, whether it may cross the
// border as is, only once personal data is taken out, or not at all. Pure: data in, decision out.

import type { JsonObject } from "../../core/index.js";
import {
  type ClassificationLevel,
  classificationRank,
  type Jurisdiction,
  type Observable,
  Tlp,
  tlpRank,
} from "../../core/index.js";
import { isPersonal } from "../../soc/observables.js";
import type { ShareCandidate } from "./candidate.js";
import { equivalentLabel, parseNationalMarking } from "./national-marking.js";
import { decodeKey, type PartnerPolicy } from "./partner-policy.js";
import { type PersonalDataChange, pseudonym, TextScrubber, whyPersonal } from "./personal-data.js";

/** Stable codes of refusals, written to the audit log. */
export const REFUSAL_CODES = [
  "kind-not-allowed",
  "tlp-unknown",
  "tlp-red",
  "tlp-amber-strict",
  "tlp-above-partner-max",
  "classification-unknown",
  "classification-too-high",
  "classification-above-partner-max",
  "classification-no-equivalent",
  "caveat-excludes-partner",
  "consent-missing",
  "consent-excludes-partner",
  "policy-invalid",
] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

export interface Refusal {
  readonly code: RefusalCode;
  readonly message: string;
}

/** How the object is marked on the way out, in the partner's words. */
export interface OutgoingMarking {
  readonly tlp: Tlp;
  readonly level: ClassificationLevel;
  /** The partner's national label for the level, e.g. "VS-NfD". */
  readonly label: string;
  readonly jurisdiction: Jurisdiction;
  readonly releasableTo: readonly Jurisdiction[];
}

export type PolicyDecision =
  | {
      readonly outcome: "allow";
      readonly partner: string;
      readonly candidate: ShareCandidate;
      readonly marking: OutgoingMarking;
    }
  | {
      readonly outcome: "transform";
      readonly partner: string;
      readonly candidate: ShareCandidate;
      readonly marking: OutgoingMarking;
      readonly changes: readonly PersonalDataChange[];
    }
  | { readonly outcome: "refuse"; readonly partner: string; readonly reasons: readonly Refusal[] };

export interface PolicyContext {
  /** This node's id: a candidate from any other originator was received and is shared onward. */
  readonly self: string;
}

/** The highest level that ever crosses the border (DR / VS-NfD). */
const BORDER_MAX: ClassificationLevel = "restricted";

/**
 * Judges one candidate for one partner. Every rule is checked and every refusal reported, so the
 * audit record says all that was wrong, not only the first thing.
 */
export function decide(candidate: ShareCandidate, policy: PartnerPolicy, ctx: PolicyContext): PolicyDecision {
  const reasons: Refusal[] = [];
  const refuse = (code: RefusalCode, message: string) => reasons.push({ code, message });

  if (!policy.allowedKinds.includes(candidate.kind))
    refuse("kind-not-allowed", `${candidate.kind} objects are not shared with ${policy.partner}`);

  const tlp = Tlp.safeParse(candidate.tlp);
  if (!tlp.success) refuse("tlp-unknown", `unknown TLP marking "${candidate.tlp}"`);
  else if (tlp.data === "red") refuse("tlp-red", "TLP:RED never leaves its recipients");
  else if (tlp.data === "amber+strict")
    refuse("tlp-amber-strict", "TLP:AMBER+STRICT never leaves the organisation");
  else if (tlpRank(tlp.data) > tlpRank(policy.maxTlp))
    refuse(
      "tlp-above-partner-max",
      `TLP:${tlp.data.toUpperCase()} is above TLP:${policy.maxTlp.toUpperCase()}, the most ${policy.partner} may receive`,
    );

  const level = levelOf(candidate);
  const partnerMax = parseNationalMarking(policy.jurisdiction, policy.maxClassification);
  let label: string | undefined;
  if (!level.ok) refuse("classification-unknown", level.message);
  else if (classificationRank(level.level) > classificationRank(BORDER_MAX))
    refuse("classification-too-high", `${level.level} information never crosses the border`);
  else if (!partnerMax.ok) refuse("policy-invalid", partnerMax.error.message);
  else if (classificationRank(level.level) > classificationRank(partnerMax.value))
    refuse(
      "classification-above-partner-max",
      `${level.level} is above ${policy.maxClassification}, the most ${policy.partner} may receive`,
    );
  else {
    const l = equivalentLabel(level.level, policy.jurisdiction);
    if (l.ok) label = l.value;
    else refuse("classification-no-equivalent", l.error.message);
  }

  const releasableTo = candidate.classification.releasableTo;
  if (releasableTo.length > 0 && !releasableTo.includes(policy.jurisdiction))
    refuse(
      "caveat-excludes-partner",
      `releasable to ${releasableTo.join(", ")} only; ${policy.partner} is ${policy.jurisdiction}`,
    );

  // Returning an object to the node that made it is not onward sharing.
  if (candidate.originator !== ctx.self && candidate.originator !== policy.partner) {
    if (candidate.consent?.onwardSharing !== true)
      refuse(
        "consent-missing",
        `${candidate.originator} made this object and has not consented to onward sharing`,
      );
    else if (candidate.consent.partners !== undefined && !candidate.consent.partners.includes(policy.partner))
      refuse(
        "consent-excludes-partner",
        `${candidate.originator} consented to sharing with ${candidate.consent.partners.join(", ") || "no one"} only`,
      );
  }

  const key = decodeKey(policy.pseudonymKey);
  if (key === undefined) refuse("policy-invalid", "the partner's pseudonym key is missing or too short");

  if (reasons.length > 0 || !tlp.success || !level.ok || label === undefined || key === undefined)
    return { outcome: "refuse", partner: policy.partner, reasons };

  const marking: OutgoingMarking = {
    tlp: tlp.data,
    level: level.level,
    label,
    jurisdiction: policy.jurisdiction,
    releasableTo,
  };
  const { candidate: filtered, changes } = withoutPersonalData(candidate, policy, key);
  const out: ShareCandidate = {
    ...filtered,
    classification: { jurisdiction: policy.jurisdiction, label, releasableTo: [...releasableTo] },
  };
  return changes.length === 0
    ? { outcome: "allow", partner: policy.partner, candidate: out, marking }
    : { outcome: "transform", partner: policy.partner, candidate: out, marking, changes };
}

function levelOf(
  c: ShareCandidate,
): { ok: true; level: ClassificationLevel } | { ok: false; message: string } {
  const cl = c.classification;
  if ("level" in cl) return { ok: true, level: cl.level };
  const r = parseNationalMarking(cl.jurisdiction, cl.label);
  return r.ok ? { ok: true, level: r.value } : { ok: false, message: r.error.message };
}

function withoutPersonalData(
  c: ShareCandidate,
  policy: PartnerPolicy,
  key: Buffer,
): { candidate: ShareCandidate; changes: PersonalDataChange[] } {
  const changes: PersonalDataChange[] = [];
  const personal = c.observables.filter(isPersonal);
  const remove = policy.personalData === "remove";
  const replace = (o: Observable) => (remove ? `[redacted ${o.kind}]` : pseudonym(key, o));
  const scrubber = new TextScrubber(personal, replace);

  const observables: Observable[] = [];
  const pseudonyms: Observable[] = [...(c.pseudonyms ?? [])];
  c.observables.forEach((o, i) => {
    if (!isPersonal(o)) {
      observables.push(o);
      return;
    }
    const what = `observables[${i}] (${o.kind})`;
    if (remove) changes.push({ code: "personal-data.removed", what, why: whyPersonal(o.kind) });
    else {
      pseudonyms.push({ kind: o.kind, value: pseudonym(key, o) });
      changes.push({ code: "personal-data.pseudonymised", what, why: whyPersonal(o.kind) });
    }
  });

  const fields: Record<string, string> = {};
  for (const [name, text] of Object.entries(c.fields)) {
    const s = scrubber.scrub(text);
    fields[name] = s.value;
    if (s.changed)
      changes.push({
        code: "personal-data.scrubbed-text",
        what: `fields.${name}`,
        why: "the text named personal data",
      });
  }
  let attributes: JsonObject | undefined;
  if (c.attributes !== undefined) {
    const s = scrubber.scrubJson(c.attributes);
    attributes = s.value as JsonObject;
    if (s.changed)
      changes.push({
        code: "personal-data.scrubbed-text",
        what: "attributes",
        why: "a property named personal data",
      });
  }
  const { attributes: _dropped, pseudonyms: _old, ...rest } = c;
  return {
    candidate: {
      ...rest,
      observables,
      ...(pseudonyms.length > 0 ? { pseudonyms } : {}),
      fields,
      ...(attributes !== undefined ? { attributes } : {}),
    },
    changes,
  };
}

/** The machine codes of a decision, for the audit record's details. */
export function decisionCodes(d: PolicyDecision): string[] {
  switch (d.outcome) {
    case "allow":
      return ["allow"];
    case "transform":
      return [...new Set(d.changes.map((c) => c.code))];
    case "refuse":
      return d.reasons.map((r) => r.code);
  }
}
