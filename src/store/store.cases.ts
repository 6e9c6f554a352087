// The store's contract: every case, run against whatever backend the factory opens.
import { after, before, describe } from "node:test";
import { actionCases } from "./cases/actions.cases.js";
import { alertCases } from "./cases/alerts.cases.js";
import type { CaseContext } from "./cases/context.js";
import { eventCases } from "./cases/events.cases.js";
import { incidentCases } from "./cases/incidents.cases.js";
import { migrateCases } from "./cases/migrate.cases.js";
import { tokenStateCases } from "./cases/tokens-state.cases.js";
import { valueCases } from "./cases/values.cases.js";
import type { Database } from "./database.js";

/** Registers the contract suite. `open` must return a fresh, migrated, isolated database. */
export function storeCases(open: () => Promise<Database>): void {
  let shared: Database | undefined;
  before(async () => {
    shared = await open();
  });
  after(async () => {
    await shared?.close();
  });
  const ctx: CaseContext = {
    db: () => {
      if (shared === undefined) throw new Error("the suite's database is not open");
      return shared;
    },
    open,
  };
  describe("values and transactions", () => valueCases(ctx));
  describe("migrations", () => migrateCases(ctx));
  describe("events", () => eventCases(ctx));
  describe("alerts", () => alertCases(ctx));
  describe("incidents", () => incidentCases(ctx));
  describe("actions", () => actionCases(ctx));
  describe("tokens and state", () => tokenStateCases(ctx));
}
