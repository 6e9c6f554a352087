// The detection worker thread: holds the rule set (engine, correlator) and runs batches posted by
// the node's main thread, answering matches as plain data. Messages carry a sequence number.
import { parentPort } from "node:worker_threads";
import type { CorrelatorSnapshot } from "../detect/sigma/correlation.js";
import { buildRuleSet, type RuleSet, type RuleSources } from "./rule-set.js";
import { rulesStatus } from "./services.js";
import { runBatch } from "./step.js";

export type WorkerRequest =
  | {
      readonly n: number;
      readonly kind: "load";
      readonly sources: RuleSources;
      readonly snapshot?: CorrelatorSnapshot;
    }
  | { readonly n: number; readonly kind: "detect"; readonly records: readonly string[] }
  | { readonly n: number; readonly kind: "restore"; readonly snapshot: CorrelatorSnapshot };

export type WorkerReply = { readonly n: number } & (
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: string }
);

let set: RuleSet | undefined;

function handle(m: WorkerRequest): unknown {
  switch (m.kind) {
    case "load": {
      const r = buildRuleSet(m.sources, new Date(), m.snapshot ?? set?.correlator.snapshot());
      if (!r.ok) throw new Error(`mappings failed to load: ${r.error.map((p) => p.message).join("; ")}`);
      set = r.value;
      return rulesStatus(set);
    }
    case "detect":
      if (!set) throw new Error("no rules loaded");
      return runBatch(set, m.records);
    case "restore":
      set?.correlator.restore(m.snapshot);
      return null;
  }
}

parentPort?.on("message", (m: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    reply = { n: m.n, ok: true, value: handle(m) };
  } catch (e) {
    reply = { n: m.n, ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  parentPort!.postMessage(reply);
});
