// STIX 2.1 for Corridor: ids and TLP 2.0 markings, objects built from incidents and observables,
// STIX patterns (build, parse, validate), validation against the official schemas, import, export.

export {
  bundle,
  courseOfActionFrom,
  grouping,
  IDENTITY_EPOCH,
  type IndicatorOptions,
  identityFor,
  indicatorFromObservables,
  note,
  type ObservedDataOptions,
  observedDataFrom,
  relationship,
  type SightingOptions,
  sightingOf,
} from "./builders.js";
export {
  attackPhases,
  attackReferences,
  type ObjectOptions,
} from "./common.js";
export { type BundleTransform, type ExportOptions, exportIncident, incidentBundle } from "./export.js";
export {
  CORRIDOR_NAMESPACE,
  derivedId,
  parseStixId,
  randomId,
  STIX_SCO_NAMESPACE,
  STIX_TIMESTAMP,
  type StixId,
  scoId,
  stixTime,
  uuidv5,
} from "./ids.js";
export {
  type BundleSummary,
  type Imported,
  type ImportOptions,
  importBundle,
  summariseObjects,
} from "./import.js";
export {
  CORRIDOR_PROJECT_IDENTITY,
  INCIDENT_EXTENSION,
  INCIDENT_EXTENSION_ID,
  INCIDENT_EXTENSION_SCHEMA_URL,
  type IncidentExtension,
  incidentExtension,
  incidentFrom,
} from "./incident.js";
export { IncidentJsonSchema, parseIncidentJson } from "./incident-json.js";
export { TLP2_EXTENSION_ID, tlpMarking, tlpMarkingId, tlpOfMarkingId, tlpOfMarkings } from "./markings.js";
export {
  COMPARISON_OPERATORS,
  type ComparisonExpression,
  type ComparisonOperator,
  type Literal,
  type ObjectPath,
  type ObservationExpression,
  type PathStep,
  type Pattern,
  printPattern,
  type Qualifier,
  quote as quotePatternString,
} from "./pattern-ast.js";
export {
  HASH_NAMES,
  observableComparison,
  observablePath,
  patternAstOf,
  patternOf,
} from "./pattern-build.js";
export { parsePattern } from "./pattern-parse.js";
export { defaultSchemasDir, loadSchemas, type SchemaSet } from "./schemas.js";
export { scoOf, scosOf } from "./sco.js";
export { structuralProblems } from "./structural.js";
export type {
  Bundle,
  CourseOfAction,
  CyberObservable,
  ExtensionDefinition,
  ExternalReference,
  Grouping,
  Identity,
  Indicator,
  KillChainPhase,
  MarkingDefinition,
  Note,
  ObservedData,
  Relationship,
  Sighting,
  StixCommon,
  StixIncident,
  StixObject,
} from "./types.js";
export { type ValidateOptions, validateStix } from "./validate.js";
