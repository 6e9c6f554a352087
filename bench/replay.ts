// The two loops the detection benchmarks time, over lines of a replay (the corpus repeated): a bare
// JSON.parse pass, and detection as a node does it (parse, map in place, route, match). bench/detect
// times them here; bench/compare runs them on another build's engine, loaded into its own process.

import type { JsonObject } from "../src/core/index.js";
import type { BorrowedEvent } from "../src/detect/mappings/index.js";

/** What detection needs from a build: its engine, and its in-place mapping over its pipelines. */
export interface Detector {
  readonly engine: { match(event: BorrowedEvent): readonly unknown[] };
  /** The build's `borrowEvent` with auto mapping over its pipelines (see hunt.ts). */
  readonly borrow: (event: JsonObject) => BorrowedEvent | undefined;
}

/** Bare JSON.parse over lines from..from+n of the replay; returns the events with an EventID. */
export function parseLines(corpus: readonly string[], from: number, n: number): number {
  let found = 0;
  for (let i = from; i < from + n; i++) {
    const e = JSON.parse(corpus[i % corpus.length]!) as JsonObject;
    if (e.EventID !== undefined) found++;
  }
  return found;
}

/** Detection over lines from..from+n of the replay; returns the rule hits. */
export function detectLines(corpus: readonly string[], from: number, n: number, d: Detector): number {
  const { engine, borrow } = d;
  let hits = 0;
  for (let i = from; i < from + n; i++) {
    const mapped = borrow(JSON.parse(corpus[i % corpus.length]!) as JsonObject);
    if (mapped) {
      hits += engine.match(mapped).length;
      mapped.release();
    }
  }
  return hits;
}
