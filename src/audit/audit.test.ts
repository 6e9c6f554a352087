// Runs the audit log's contract against embedded PGlite (in memory) and PostgreSQL.
import { describe } from "node:test";
import { backends } from "../store/testing/backends.js";
import { auditCases } from "./audit.cases.js";

for (const backend of await backends()) {
  describe(`audit log: ${backend.kind}`, { skip: backend.skip ?? false }, () => auditCases(backend.open));
}
