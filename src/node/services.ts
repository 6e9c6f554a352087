// Builds the NodeServices the API serves from the node's parts: audit on the database, the rule
// set holder with reload, readiness checks.
import type { AuditEntryInput, AuditPort, NodeServices, RulesStatus } from "../api/services.js";
import { appendAudit, listAudit, verifyAudit } from "../audit/index.js";
import type { Principal } from "../core/index.js";
import type { Database } from "../store/database.js";
import type { RuleSet } from "./rule-set.js";

export function auditPort(db: Database, now: () => Date): AuditPort {
  return {
    append: async (e: AuditEntryInput) => {
      await appendAudit(
        db,
        {
          actor: e.actor,
          action: e.action,
          outcome: e.outcome,
          ...(e.target !== undefined ? { target: e.target } : {}),
          ...(e.details !== undefined ? { details: { ...e.details } } : {}),
        },
        now(),
      );
    },
    verify: () => verifyAudit(db),
    list: async (q) => {
      const r = await listAudit(db, q);
      if (!r.ok) return { items: [], nextCursor: null, problem: r.error };
      return {
        items: r.value.items.map((e) => ({ ...e, at: e.at.toISOString() })),
        nextCursor: r.value.nextCursor,
      };
    },
  };
}

export const rulesStatus = (set: RuleSet): RulesStatus => ({
  loadedAt: set.loadedAt,
  report: set.report,
  detections: set.rules.detections.length,
  correlations: set.rules.correlations.length,
  filters: set.rules.filters.length,
});

export type { NodeServices, Principal };
