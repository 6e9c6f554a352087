// Public surface of the audit log.
export {
  AUDIT_OUTCOMES,
  type AuditEntry,
  type AuditOutcome,
  type AuditQuery,
  type AuditRecord,
  appendAudit,
  auditHash,
  GENESIS_HASH,
  listAudit,
} from "./audit-log.js";
export { canonicalJson, NotJsonError } from "./canonical-json.js";
export { type AuditBreak, type AuditVerification, verifyAudit } from "./verify.js";
