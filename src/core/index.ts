// Domain types shared by every capability.
export type { EventOrigin, FieldAliases, JsonObject, JsonValue, LogSource, MappedEvent } from "./event.js";
export { internName } from "./event.js";
export {
  CLASSIFICATION_LEVELS,
  Classification,
  ClassificationLevel,
  classificationRank,
  Jurisdiction,
  mayAccess,
  NATIONAL_LABELS,
  TLP_LABELS,
  Tlp,
  tlpRank,
} from "./marking.js";
export type { Err, Ok, Problem, Result } from "./result.js";
export { err, ok } from "./result.js";
export type {
  ActionId,
  ActionState,
  Alert,
  AlertId,
  Incident,
  IncidentId,
  Nis2Flags,
  Principal,
  RemediationAction,
  TimelineEntry,
} from "./soc.js";
export {
  ACTION_KINDS,
  ACTION_STATES,
  ActionKind,
  INCIDENT_STATUSES,
  IncidentStatus,
  OBSERVABLE_KINDS,
  Observable,
  ROLES,
  Role,
  RSIT_CATEGORIES,
  RsitCategory,
  SEVERITIES,
  Severity,
} from "./soc.js";
