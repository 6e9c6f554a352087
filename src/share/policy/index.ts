// Public surface of the sharing policy: what may cross the border, to whom, and in what form.
export {
  CandidateClassification,
  Consent,
  NationalClassification,
  type ShareCandidate,
  ShareCandidateSchema,
} from "./candidate.js";
export {
  decide,
  decisionCodes,
  type OutgoingMarking,
  type PolicyContext,
  type PolicyDecision,
  REFUSAL_CODES,
  type Refusal,
  type RefusalCode,
} from "./decide.js";
export { equivalentLabel, parseNationalMarking } from "./national-marking.js";
export {
  BORDER_TLPS,
  decodeKey,
  type PartnerPolicy,
  type PartnerPolicyInput,
  PartnerPolicySchema,
  SHARE_KINDS,
  ShareKind,
} from "./partner-policy.js";
export {
  type PersonalDataChange,
  type PersonalDataMode,
  PSEUDONYM_PREFIX,
  pseudonym,
  pseudonymInput,
  TextScrubber,
} from "./personal-data.js";
export { TLP_MARKING_IDS, tlpOfMarkingRefs } from "./stix-tlp.js";
