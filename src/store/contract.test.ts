// Runs the store contract against embedded PGlite (in memory) and PostgreSQL.
import { describe } from "node:test";
import { storeCases } from "./store.cases.js";
import { backends } from "./testing/backends.js";

for (const backend of await backends()) {
  describe(`store contract: ${backend.kind}`, { skip: backend.skip ?? false }, () =>
    storeCases(backend.open),
  );
}
