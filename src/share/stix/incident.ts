// A Corridor incident as a STIX 2.1 `incident` SDO. STIX's incident is a stub (name, description),
// so Corridor's fields (NIS2, RSIT, severity, status, ATT&CK, scope) travel in a property extension
// defined once by the extension-definition below, the same object on every node.
import type { Incident } from "../../core/soc.js";
import { nis2DueDates } from "../../soc/nis2.js";
import { attackReferences, commonProps, compact } from "./common.js";
import { CORRIDOR_NAMESPACE, derivedId, stixTime, uuidv5 } from "./ids.js";
import type { ExtensionDefinition, Identity, StixIncident } from "./types.js";

/**
 * Where the extension's JSON schema is published. The schema itself ships beside this file
 * (incident-extension.schema.json); `.invalid` marks this as a placeholder until it has a home.
 */
export const INCIDENT_EXTENSION_SCHEMA_URL =
  "https://corridor.invalid/schemas/stix/incident-extension-v1.json";

/** The identity that defines Corridor's extension: the project, not a node. */
export const CORRIDOR_PROJECT_IDENTITY: Identity = {
  type: "identity",
  spec_version: "2.1",
  id: derivedId("identity", { project: "corridor" }),
  created: "2025-01-01T00:00:00.000Z",
  modified: "2025-01-01T00:00:00.000Z",
  name: "Corridor",
  description: "The Corridor project: a joint Cyber Defense Centre for sovereign SOC nodes",
  identity_class: "organization",
};

export const INCIDENT_EXTENSION_ID = `extension-definition--${uuidv5(CORRIDOR_NAMESPACE, "corridor/incident-extension/v1")}`;

export const INCIDENT_EXTENSION: ExtensionDefinition = {
  type: "extension-definition",
  spec_version: "2.1",
  id: INCIDENT_EXTENSION_ID,
  created_by_ref: CORRIDOR_PROJECT_IDENTITY.id,
  created: "2025-01-01T00:00:00.000Z",
  modified: "2025-01-01T00:00:00.000Z",
  name: "Corridor incident",
  description:
    "Corridor's incident fields on the STIX incident SDO: severity, status, ENISA RSIT category, " +
    "ATT&CK techniques, affected countries and services, classification, and NIS2 Art. 23 flags, " +
    "reporting deadlines and submissions.",
  schema: INCIDENT_EXTENSION_SCHEMA_URL,
  version: "1.0.0",
  extension_types: ["property-extension"],
};

/** The extension's payload as carried on the incident (property names per the JSON schema). */
export interface IncidentExtension {
  readonly extension_type: "property-extension";
  readonly corridor_incident_id: string;
  readonly severity: string;
  readonly status: string;
  readonly rsit_category: string;
  readonly attack_techniques?: readonly string[];
  readonly affected_countries?: readonly string[];
  readonly affected_services?: readonly string[];
  readonly classification: { readonly level: string; readonly releasable_to?: readonly string[] };
  readonly nis2: Readonly<Record<string, string | boolean>>;
}

type IncidentInputForStix = Pick<
  Incident,
  | "id"
  | "title"
  | "description"
  | "status"
  | "severity"
  | "classification"
  | "tlp"
  | "rsit"
  | "techniques"
  | "affectedServices"
  | "affectedCountries"
  | "nis2"
  | "awareAt"
  | "reports"
  | "createdAt"
  | "updatedAt"
>;

/** The extension payload for an incident; NIS2 deadlines are computed from awareness (pure). */
export function incidentExtension(i: IncidentInputForStix): IncidentExtension {
  const due = nis2DueDates(i);
  const submitted = (d: Date | null) => (d === null ? undefined : stixTime(d));
  return compact<IncidentExtension>({
    extension_type: "property-extension" as const,
    corridor_incident_id: i.id,
    severity: i.severity,
    status: i.status,
    rsit_category: i.rsit,
    attack_techniques: [...new Set(i.techniques)].sort(),
    affected_countries: [...new Set(i.affectedCountries)].sort(),
    affected_services: [...new Set(i.affectedServices)].sort(),
    classification: compact<IncidentExtension["classification"]>({
      level: i.classification.level,
      releasable_to: [...new Set(i.classification.releasableTo)].sort(),
    }),
    nis2: compact<IncidentExtension["nis2"]>({
      significant: i.nis2.significant,
      malicious_suspected: i.nis2.maliciousSuspected,
      cross_border_impact: i.nis2.crossBorderImpact,
      aware_at: stixTime(i.awareAt),
      early_warning_due: stixTime(due.earlyWarning),
      notification_due: stixTime(due.notification),
      final_report_due: stixTime(due.finalReport),
      early_warning_submitted: submitted(i.reports.earlyWarning),
      notification_submitted: submitted(i.reports.notification),
      final_report_submitted: submitted(i.reports.finalReport),
    }),
  });
}

/**
 * The STIX incident for a Corridor incident, made by `producer`. Its id depends on the producer
 * and the incident id only, so each change is a new version of the same STIX object.
 */
export function incidentFrom(
  i: IncidentInputForStix,
  producer: { readonly id: string },
  options: { readonly markings?: readonly string[] } = {},
): StixIncident {
  const id = derivedId("incident", { producer: producer.id, incident: i.id });
  return compact<StixIncident>({
    ...commonProps("incident", id, {
      createdBy: producer.id,
      tlp: i.tlp,
      markings: options.markings,
      created: i.createdAt,
      modified: i.updatedAt,
    }),
    name: i.title,
    description: i.description === "" ? undefined : i.description,
    external_references: attackReferences(i.techniques),
    extensions: { [INCIDENT_EXTENSION_ID]: incidentExtension(i) },
  });
}
