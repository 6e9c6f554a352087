// Runs the partners contract against embedded PGlite (in memory) and PostgreSQL.
import { describe } from "node:test";
import { backends } from "../../store/testing/backends.js";
import { partnersCases } from "./partners.cases.js";

for (const backend of await backends()) {
  describe(`partners: ${backend.kind}`, { skip: backend.skip ?? false }, () => partnersCases(backend.open));
}
