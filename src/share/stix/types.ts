// The shapes of the STIX 2.1 objects Corridor makes and reads. Imported objects are kept as plain
// JSON records (`StixObject`); the builders' outputs have precise types on top of that.

/** Any STIX object as JSON: a type, an id, and whatever else its type defines. */
export type StixObject = {
  readonly type: string;
  readonly id: string;
  readonly spec_version?: string;
  readonly [property: string]: unknown;
};

/** Properties every SDO/SRO Corridor makes carries. */
export type StixCommon = {
  readonly type: string;
  readonly spec_version: "2.1";
  readonly id: string;
  readonly created: string;
  readonly modified: string;
  readonly created_by_ref?: string;
  readonly object_marking_refs?: readonly string[];
  readonly labels?: readonly string[];
  readonly external_references?: readonly ExternalReference[];
  readonly extensions?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
};

export type ExternalReference = {
  readonly source_name: string;
  readonly external_id?: string;
  readonly url?: string;
  readonly description?: string;
};

export type KillChainPhase = {
  readonly kill_chain_name: string;
  readonly phase_name: string;
};

export type MarkingDefinition = {
  readonly type: "marking-definition";
  readonly spec_version: "2.1";
  readonly id: string;
  readonly created: string;
  readonly name: string;
  readonly created_by_ref?: string;
  readonly definition_type?: string;
  readonly definition?: Readonly<Record<string, unknown>>;
  readonly extensions?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
};

export type Identity = StixCommon & {
  readonly type: "identity";
  readonly name: string;
  readonly identity_class: "organization";
  readonly sectors?: readonly string[];
  readonly contact_information?: string;
  readonly description?: string;
};

export type Indicator = StixCommon & {
  readonly type: "indicator";
  readonly name: string;
  readonly description?: string;
  readonly indicator_types?: readonly string[];
  readonly pattern: string;
  readonly pattern_type: "stix";
  readonly pattern_version: "2.1";
  readonly valid_from: string;
  readonly valid_until?: string;
  readonly kill_chain_phases?: readonly KillChainPhase[];
};

export type Sighting = StixCommon & {
  readonly type: "sighting";
  readonly sighting_of_ref: string;
  readonly count?: number;
  readonly first_seen?: string;
  readonly last_seen?: string;
  readonly where_sighted_refs?: readonly string[];
  readonly observed_data_refs?: readonly string[];
};

export type ObservedData = StixCommon & {
  readonly type: "observed-data";
  readonly first_observed: string;
  readonly last_observed: string;
  readonly number_observed: number;
  readonly object_refs: readonly string[];
};

/** A cyber-observable object (SCO): no created/modified, a deterministic id. */
export type CyberObservable = {
  readonly type: "ipv4-addr" | "ipv6-addr" | "domain-name" | "url" | "file" | "email-addr" | "user-account";
  readonly spec_version: "2.1";
  readonly id: string;
  readonly value?: string;
  readonly hashes?: Readonly<Record<string, string>>;
  readonly user_id?: string;
  readonly account_login?: string;
  readonly name?: string;
  readonly object_marking_refs?: readonly string[];
};

export type StixIncident = StixCommon & {
  readonly type: "incident";
  readonly name: string;
  readonly description?: string;
  readonly kill_chain_phases?: readonly KillChainPhase[];
};

export type ExtensionDefinition = StixCommon & {
  readonly type: "extension-definition";
  readonly name: string;
  readonly description: string;
  readonly schema: string;
  readonly version: string;
  readonly extension_types: readonly ["property-extension"];
};

export type CourseOfAction = StixCommon & {
  readonly type: "course-of-action";
  readonly name: string;
  readonly description?: string;
};

export type Relationship = StixCommon & {
  readonly type: "relationship";
  readonly relationship_type: string;
  readonly source_ref: string;
  readonly target_ref: string;
  readonly description?: string;
};

export type Note = StixCommon & {
  readonly type: "note";
  readonly abstract?: string;
  readonly content: string;
  readonly authors?: readonly string[];
  readonly object_refs: readonly string[];
};

export type Grouping = StixCommon & {
  readonly type: "grouping";
  readonly name?: string;
  readonly description?: string;
  readonly context: "suspicious-activity" | "malware-analysis" | "unspecified";
  readonly object_refs: readonly string[];
};

export type Bundle = {
  readonly type: "bundle";
  readonly id: string;
  readonly objects: readonly StixObject[];
};
