// Detection in a worker thread, for the single-process node: the main thread keeps serving
// ingest and the API while a batch is matched on the other core.
import { Worker } from "node:worker_threads";
import type { RulesStatus } from "../api/services.js";
import type { CorrelatorSnapshot } from "../detect/sigma/correlation.js";
import type { WorkerReply, WorkerRequest } from "./detect-worker.js";
import type { RuleSources } from "./rule-set.js";
import type { DetectionStep, StepResult } from "./step.js";

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

export class WorkerStep implements DetectionStep {
  private worker: Worker;
  private sources: RuleSources | undefined;
  /** While a replacement worker loads the rules, calls wait for it. */
  private ready: Promise<void> = Promise.resolve();
  private closing = false;
  /** How many times the worker died and was replaced (metrics, tests). */
  restarts = 0;
  private readonly pending = new Map<number, Pending>();
  private n = 0;
  private before: CorrelatorSnapshot | undefined;
  private last: CorrelatorSnapshot = { version: 1, rules: {} };

  constructor() {
    this.worker = this.spawn();
  }

  private spawn(): Worker {
    const w = new Worker(new URL("./detect-worker.js", import.meta.url));
    w.on("message", (r: WorkerReply) => {
      const p = this.pending.get(r.n);
      if (!p) return;
      this.pending.delete(r.n);
      if (r.ok) p.resolve(r.value);
      else p.reject(new Error(`detection worker: ${r.error}`));
    });
    const died = (why: Error) => {
      if (w !== this.worker) return;
      for (const p of this.pending.values()) p.reject(why);
      this.pending.clear();
      if (this.closing) return;
      // a new worker with the same rules and the windows of the last batch it answered; the
      // batch in flight is retried by the queue, so nothing is lost
      this.restarts++;
      this.worker = this.spawn();
      const sources = this.sources;
      this.ready = sources
        ? this.send<RulesStatus>({ kind: "load", sources, snapshot: this.last }).then(() => undefined)
        : Promise.resolve();
    };
    w.on("error", (e) => died(e));
    w.on("exit", (code) => died(new Error(`detection worker exited (code ${code})`)));
    return w;
  }

  private send<T>(m: { kind: WorkerRequest["kind"] } & Record<string, unknown>): Promise<T> {
    const n = ++this.n;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(n, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...m, n });
    });
  }

  private async call<T>(m: { kind: WorkerRequest["kind"] } & Record<string, unknown>): Promise<T> {
    await this.ready;
    return this.send<T>(m);
  }

  /** Loads (or reloads) the rules in the worker; correlation windows carry over. */
  load(sources: RuleSources, snapshot?: CorrelatorSnapshot): Promise<RulesStatus> {
    this.sources = sources;
    return this.call<RulesStatus>({ kind: "load", sources, ...(snapshot ? { snapshot } : {}) });
  }

  async detect(records: readonly string[]): Promise<StepResult> {
    this.before = this.last;
    const r = await this.call<StepResult>({ kind: "detect", records });
    this.last = r.snapshot;
    return r;
  }

  async rollback(): Promise<void> {
    if (!this.before) return;
    this.last = this.before;
    await this.call({ kind: "restore", snapshot: this.before });
  }

  /** Seeds the rollback point with the windows the worker was loaded with. */
  seed(snapshot: CorrelatorSnapshot | undefined): void {
    if (snapshot) this.last = snapshot;
  }

  /** Ends the worker thread as a crash would (tests of the restart). */
  async crashForTest(): Promise<void> {
    await this.worker.terminate();
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.worker.terminate();
  }
}
