// The SOC's domain logic, pure: incident lifecycle, NIS2 clocks, alerts from matches, observables,
// RSIT suggestion, incident input schemas, and remediation playbooks. Only the loader reads files.
export {
  type AlertInput,
  alertFromMatch,
  DEFAULT_DEDUP_WINDOW_MS,
  type DedupOptions,
  dedupKey,
  entityOf,
  foldAlert,
  foldsInto,
  type RuleMatch,
  severityOfLevel,
} from "./alerts.js";
export {
  ATTACK_TACTICS,
  type AttackTactic,
  attackOfTags,
  normaliseTag,
  TECHNIQUE_ID,
  tacticOfTag,
  techniqueCovers,
  techniqueOfTag,
} from "./attack.js";
export { formatDuration, MAX_DURATION_MS, parseDuration } from "./duration.js";
export { type AlertSummary, incidentFromAlert, incidentFromAlerts } from "./incident-from-alerts.js";
export {
  type IncidentInput,
  IncidentInputSchema,
  type IncidentPatch,
  IncidentPatchSchema,
  ObservableInputSchema,
  parseIncidentInput,
  parseIncidentPatch,
} from "./incident-input.js";
export {
  type Cidr,
  cidrContains,
  cidrOverlaps,
  cidrTouchesInternal,
  formatCidr,
  formatIp,
  INTERNAL_RANGES,
  type IpAddress,
  type IpVersion,
  isInternalAddress,
  isPrivateOrInternal,
  parseCidr,
  parseIp,
  unmapIp,
} from "./ip.js";
export {
  nextStatuses,
  RESOLUTIONS,
  type Resolution,
  type Transition,
  type TransitionOptions,
  transition,
} from "./lifecycle.js";
export {
  addCalendarMonth,
  DEFAULT_DUE_SOON_MS,
  type Deadline,
  type DeadlineState,
  type DueSoonMs,
  NIS2_REPORTS,
  type Nis2Deadlines,
  type Nis2Report,
  type Nis2Subject,
  nextNis2Deadline,
  nis2Deadlines,
  nis2DueDates,
  overdue,
} from "./nis2.js";
export {
  type ExtractedObservable,
  extractAll,
  extractObservables,
  isPersonal,
  normaliseObservable,
  type ObservableKind,
} from "./observables.js";
export {
  type ActionParams,
  BROADEST_PREFIX,
  evaluatePlaybooks,
  explainPlaybooks,
  type PlaybookEvaluation,
  type PlaybookSubject,
  type ProposedAction,
  playbookMatches,
  type SkipCode,
  type SkippedAction,
} from "./playbook.js";
export { defaultPlaybooksDir, loadPlaybooks } from "./playbook-loader.js";
export { type Playbook, type PlaybookAction, PlaybookSpec, parsePlaybook } from "./playbook-schema.js";
export { zodProblems } from "./problems.js";
export {
  type AttackSignals,
  RSIT_TABLE,
  type RsitSuggestion,
  suggestRsit,
  suggestRsitForAll,
} from "./rsit.js";
export {
  parseTemplate,
  renderTemplate,
  TEMPLATE_VARIABLES,
  type Template,
  type TemplateVariable,
} from "./template.js";
