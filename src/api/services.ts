// What the API needs from the node it serves. The node (src/node) builds this from its parts; the
// API only composes HTTP around it. Repositories are called on `db` directly.
import type { AssistanceEvent } from "../assist/request.js";
import type { Incident, Principal, RemediationAction } from "../core/index.js";
import type { LoadReport } from "../detect/sigma/loader.js";
import type { Ingestor } from "../ingest/accept.js";
import type { Database } from "../store/database.js";
import type { MetricsRegistry } from "./metrics.js";

export interface AuditEntryInput {
  readonly actor: string;
  readonly action: string;
  readonly target?: string | undefined;
  readonly outcome: "success" | "failure" | "denied";
  readonly details?: Readonly<Record<string, unknown>> | undefined;
}

export interface AuditPort {
  append(entry: AuditEntryInput): Promise<void>;
  verify(): Promise<unknown>;
  list(q: {
    since?: Date | undefined;
    actor?: string | undefined;
    action?: string | undefined;
    limit?: number | undefined;
    cursor?: string | undefined;
  }): Promise<unknown>;
}

export interface RulesStatus {
  readonly loadedAt: Date;
  readonly report: LoadReport;
  readonly detections: number;
  readonly correlations: number;
  readonly filters: number;
}

export interface NodeServices {
  readonly node: {
    readonly id: string;
    readonly jurisdiction: string;
    readonly name: string | undefined;
    readonly role: string;
    readonly version: string;
    readonly startedAt: Date;
  };
  readonly db: Database;
  /** Present on roles that accept events. */
  readonly ingest: Ingestor | undefined;
  readonly audit: AuditPort;
  readonly metrics: MetricsRegistry;
  readonly now: () => Date;
  /** Present on roles that detect: the loaded rule set. */
  rules(): RulesStatus | undefined;
  /** Reloads rules from their folders; the new set replaces the old only if it loaded. */
  reloadRules(by: Principal): Promise<RulesStatus>;
  /** Readiness: every dependency this role needs answers. */
  ready(): Promise<{ readonly ok: boolean; readonly checks: Readonly<Record<string, string>> }>;
  /** Carries out an approved action (perimeter decision, webhook, connector). */
  executeAction(action: RemediationAction, actor: string): Promise<RemediationAction>;
  /** Shares an incident with the partners whose policy lets it through; per-partner outcomes. */
  shareIncident(incident: Incident, actor: string): Promise<readonly unknown[]>;
  /** This node's id in the corridor, and delivery of assistance events to the other party. */
  sendAssistance(partner: string, requestId: string, event: AssistanceEvent): Promise<boolean>;
  /** Events accepted but not yet detected. */
  lag(): Promise<number>;
}
