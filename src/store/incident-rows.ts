// How an Incident is laid out in the incidents table, both ways.
import type { Classification, ClassificationLevel, Jurisdiction, Tlp } from "../core/marking.js";
import type {
  Incident,
  IncidentId,
  IncidentStatus,
  Observable,
  RsitCategory,
  Severity,
} from "../core/soc.js";
import { jsonParam, textParam } from "./values.js";

export type IncidentRow = {
  id: string;
  title: string;
  description: string;
  status: IncidentStatus;
  severity: Severity;
  assignee: string | null;
  classification_level: ClassificationLevel;
  releasable_to: string[];
  tlp: Tlp;
  rsit: RsitCategory;
  techniques: string[];
  affected_services: string[];
  affected_countries: string[];
  observables: Observable[];
  nis2_significant: boolean;
  nis2_malicious_suspected: boolean;
  nis2_cross_border_impact: boolean;
  aware_at: Date;
  early_warning_at: Date | null;
  notification_at: Date | null;
  final_report_at: Date | null;
  created_at: Date;
  updated_at: Date;
  version: number;
};

/** Every column but the bookkeeping ones, in the order `incidentParams` returns values. */
export const WRITABLE = [
  "title",
  "description",
  "status",
  "severity",
  "assignee",
  "classification_level",
  "releasable_to",
  "tlp",
  "rsit",
  "techniques",
  "affected_services",
  "affected_countries",
  "observables",
  "nis2_significant",
  "nis2_malicious_suspected",
  "nis2_cross_border_impact",
  "aware_at",
  "early_warning_at",
  "notification_at",
  "final_report_at",
] as const;

export const COLUMNS = `id, ${WRITABLE.join(", ")}, created_at, updated_at, version`;

/** Casts for the writable columns' parameters, so PGlite and pg type them alike. */
export const WRITABLE_CASTS: Readonly<Record<(typeof WRITABLE)[number], string>> = {
  title: "text",
  description: "text",
  status: "text",
  severity: "text",
  assignee: "text",
  classification_level: "text",
  releasable_to: "text[]",
  tlp: "text",
  rsit: "text",
  techniques: "text[]",
  affected_services: "text[]",
  affected_countries: "text[]",
  observables: "jsonb",
  nis2_significant: "boolean",
  nis2_malicious_suspected: "boolean",
  nis2_cross_border_impact: "boolean",
  aware_at: "timestamptz",
  early_warning_at: "timestamptz",
  notification_at: "timestamptz",
  final_report_at: "timestamptz",
};

export function toIncident(r: IncidentRow): Incident {
  return {
    id: r.id as IncidentId,
    title: r.title,
    description: r.description,
    status: r.status,
    severity: r.severity,
    assignee: r.assignee,
    classification: { level: r.classification_level, releasableTo: r.releasable_to },
    tlp: r.tlp,
    rsit: r.rsit,
    techniques: r.techniques,
    affectedServices: r.affected_services,
    affectedCountries: r.affected_countries as Jurisdiction[],
    observables: r.observables,
    nis2: {
      significant: r.nis2_significant,
      maliciousSuspected: r.nis2_malicious_suspected,
      crossBorderImpact: r.nis2_cross_border_impact,
    },
    awareAt: r.aware_at,
    reports: {
      earlyWarning: r.early_warning_at,
      notification: r.notification_at,
      finalReport: r.final_report_at,
    },
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    version: r.version,
  };
}

const iso = (d: Date | null) => (d === null ? null : d.toISOString());
const texts = (xs: readonly string[]) => xs.map(textParam);

/** The writable columns' values of an incident, in WRITABLE order. */
export function incidentParams(i: Omit<Incident, "id" | "createdAt" | "updatedAt" | "version">): unknown[] {
  const c: Classification = i.classification;
  return [
    textParam(i.title),
    textParam(i.description),
    i.status,
    i.severity,
    i.assignee === null ? null : textParam(i.assignee),
    c.level,
    [...c.releasableTo],
    i.tlp,
    i.rsit,
    texts(i.techniques),
    texts(i.affectedServices),
    [...i.affectedCountries],
    jsonParam(i.observables),
    i.nis2.significant,
    i.nis2.maliciousSuspected,
    i.nis2.crossBorderImpact,
    i.awareAt.toISOString(),
    iso(i.reports.earlyWarning),
    iso(i.reports.notification),
    iso(i.reports.finalReport),
  ];
}
