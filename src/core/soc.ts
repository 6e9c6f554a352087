// The SOC's records as every capability sees them: alerts, incidents, their timeline, actions.
// Schemas here are the boundary validators (API, store rows); the types are derived from them.
import { z } from "zod";
import type { Classification, ClassificationLevel, Jurisdiction, Tlp } from "./marking.js";

export const ROLES = [
  "admin",
  "analyst",
  "responder",
  "crisis-officer",
  "auditor",
  "partner",
  "read-only",
] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export const SEVERITIES = ["informational", "low", "medium", "high", "critical"] as const;
export const Severity = z.enum(SEVERITIES);
export type Severity = z.infer<typeof Severity>;

/** Incident lifecycle, in order. Transitions are decided by soc/lifecycle. */
export const INCIDENT_STATUSES = ["new", "triage", "contained", "eradicated", "recovered", "closed"] as const;
export const IncidentStatus = z.enum(INCIDENT_STATUSES);
export type IncidentStatus = z.infer<typeof IncidentStatus>;

/** Ids are UUIDs; brands keep an alert id from being passed where an incident id is expected. */
export type AlertId = string & { readonly __brand: "AlertId" };
export type IncidentId = string & { readonly __brand: "IncidentId" };
export type ActionId = string & { readonly __brand: "ActionId" };

/** Observables are what an incident is about and what may be shared: typed values. */
export const OBSERVABLE_KINDS = [
  "ipv4",
  "ipv6",
  "cidr",
  "domain",
  "url",
  "email",
  "md5",
  "sha1",
  "sha256",
  "account",
  "hostname",
  "process",
] as const;
export const Observable = z.object({
  kind: z.enum(OBSERVABLE_KINDS),
  value: z.string().min(1).max(2048),
});
export type Observable = z.infer<typeof Observable>;

/** ENISA Reference Security Incident Taxonomy (RSIT) top-level classes. */
export const RSIT_CATEGORIES = [
  "abusive-content",
  "malicious-code",
  "information-gathering",
  "intrusion-attempts",
  "intrusions",
  "availability",
  "information-content-security",
  "fraud",
  "vulnerable",
  "other",
  "test",
] as const;
export const RsitCategory = z.enum(RSIT_CATEGORIES);
export type RsitCategory = z.infer<typeof RsitCategory>;

/** One alert: one rule match (or a correlation), deduplicated by rule + key entity in a window. */
export interface Alert {
  readonly id: AlertId;
  readonly ruleId: string;
  readonly ruleTitle: string;
  readonly severity: Severity;
  readonly tags: readonly string[];
  /** ATT&CK technique ids from the rule's tags, e.g. "T1059.001". */
  readonly techniques: readonly string[];
  /** What the alert is deduplicated on (host, user, source IP...), "" when the rule names none. */
  readonly entity: string;
  readonly firstSeen: Date;
  readonly lastSeen: Date;
  /** Matches folded into this alert by deduplication (1 for a fresh alert). */
  readonly count: number;
  /** Ids of the stored events that matched (the first ones; bounded). */
  readonly eventIds: readonly string[];
  readonly correlation?: { readonly type: string; readonly group: string } | undefined;
  readonly incidentId: IncidentId | null;
  readonly createdAt: Date;
}

export interface Nis2Flags {
  readonly significant: boolean;
  readonly maliciousSuspected: boolean;
  readonly crossBorderImpact: boolean;
}

export interface Incident {
  readonly id: IncidentId;
  readonly title: string;
  readonly description: string;
  readonly status: IncidentStatus;
  readonly severity: Severity;
  readonly assignee: string | null;
  readonly classification: Classification;
  readonly tlp: Tlp;
  readonly rsit: RsitCategory;
  readonly techniques: readonly string[];
  readonly affectedServices: readonly string[];
  readonly affectedCountries: readonly Jurisdiction[];
  readonly observables: readonly Observable[];
  readonly nis2: Nis2Flags;
  /** Time of awareness: NIS2 clocks run from here. */
  readonly awareAt: Date;
  /** When each NIS2 report was submitted, if it was. */
  readonly reports: {
    readonly earlyWarning: Date | null;
    readonly notification: Date | null;
    readonly finalReport: Date | null;
  };
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** Optimistic concurrency: bumped on every change. */
  readonly version: number;
}

/** Every change to an incident lands on its timeline with who and when. */
export interface TimelineEntry {
  readonly seq: number;
  readonly incidentId: IncidentId;
  readonly at: Date;
  readonly actor: string;
  /** What happened: "created", "status", "assigned", "comment", "alert-linked", "action-proposed"... */
  readonly kind: string;
  readonly details: Readonly<Record<string, unknown>>;
}

export const ACTION_KINDS = [
  "block-ip",
  "block-range",
  "disable-account",
  "isolate-host",
  "webhook",
] as const;
export const ActionKind = z.enum(ACTION_KINDS);
export type ActionKind = z.infer<typeof ActionKind>;

export const ACTION_STATES = ["proposed", "approved", "rejected", "executed", "failed"] as const;
export type ActionState = (typeof ACTION_STATES)[number];

/** A remediation action proposed by a playbook (or by hand), approved or rejected by a responder. */
export interface RemediationAction {
  readonly id: ActionId;
  readonly incidentId: IncidentId | null;
  readonly alertId: AlertId | null;
  readonly playbook: string | null;
  readonly kind: ActionKind;
  /** The action's target: an IP, a CIDR range, an account, a host, or a webhook URL. */
  readonly target: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly state: ActionState;
  readonly decidedBy: string | null;
  readonly reason: string | null;
  readonly result: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** The authenticated caller of an API route. */
export interface Principal {
  readonly tokenId: string;
  readonly name: string;
  readonly role: Role;
  readonly clearance: ClassificationLevel;
  readonly nationality: Jurisdiction;
}
