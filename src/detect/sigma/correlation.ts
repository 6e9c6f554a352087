// Streaming correlation: per correlation rule and group, keeps the base matches inside a sliding
// window and fires when the condition holds. Pure: time comes from the events, state is plain data.
//
// Semantics (documented in the README): conditions that only grow (gt/gte) fire as soon as they hold
// in the sliding window, then the group starts afresh; conditions with an upper bound (lt/lte/eq/neq)
// and value_avg are judged when the group's window closes (a later match or `flush`/`advance`).

import type { JsonObject, JsonValue } from "../../core/index.js";
import type { CorrelationRule } from "./ast.js";
import { compareHolds, getField, scalarNumber, scalarText } from "./values.js";

/** A match of a base rule (or of a correlation, for chains) handed to the correlator. */
export interface BaseMatch {
  readonly ruleId: string;
  readonly time: number;
  readonly fields: JsonObject;
}

export interface CorrelationMatch {
  readonly rule: CorrelationRule;
  readonly group: Readonly<Record<string, JsonValue>>;
  /** The measured figure: events, distinct values, rules seen, sum, average or percentage. */
  readonly count: number;
  readonly first: number;
  readonly last: number;
}

interface Entry {
  readonly time: number;
  readonly ruleId: string;
  readonly value: JsonValue | undefined;
}

interface GroupState {
  readonly group: Record<string, JsonValue>;
  start: number;
  entries: Entry[];
  /** temporal_ordered: for each step, the latest chain start that reached it. */
  progress: (number | undefined)[];
}

/** The correlator's open windows as JSON (see `Correlator.snapshot`). */
export interface CorrelatorSnapshot {
  readonly version: 1;
  readonly rules: Record<
    string,
    {
      key: string;
      group: Record<string, JsonValue>;
      start: number;
      entries: { time: number; ruleId: string; value: JsonValue; has: boolean }[];
      progress: (number | null)[];
    }[]
  >;
}

export class Correlator {
  private readonly state = new Map<string, Map<string, GroupState>>();
  private readonly byRule = new Map<string, CorrelationRule[]>();
  private readonly names = new Map<string, string>();

  constructor(
    readonly rules: readonly CorrelationRule[],
    ruleNames: ReadonlyMap<string, string | undefined> = new Map(),
  ) {
    for (const c of rules) {
      for (const id of new Set(c.ruleIds)) {
        const list = this.byRule.get(id) ?? [];
        list.push(c);
        this.byRule.set(id, list);
      }
      this.state.set(c.id, new Map());
    }
    for (const [id, name] of ruleNames) if (name) this.names.set(id, name);
    for (const c of rules) if (c.name) this.names.set(c.id, c.name);
  }

  /** The rule ids that feed some correlation. */
  get inputs(): ReadonlySet<string> {
    return new Set(this.byRule.keys());
  }

  private fieldFor(c: CorrelationRule, groupField: string, ruleId: string): string {
    const alias = c.aliases.get(groupField);
    if (!alias) return groupField;
    return alias.get(ruleId) ?? alias.get(this.names.get(ruleId) ?? "") ?? groupField;
  }

  private static eager(c: CorrelationRule): boolean {
    if (c.type === "value_avg") return false;
    return (c.condition?.bounds ?? []).every((b) => b.op === "gt" || b.op === "gte");
  }

  /** Feeds one match; returns the correlations that fired, including chained ones. */
  push(m: BaseMatch): CorrelationMatch[] {
    const out: CorrelationMatch[] = [];
    const queue: BaseMatch[] = [m];
    while (queue.length > 0) {
      const cur = queue.shift()!;
      for (const c of this.byRule.get(cur.ruleId) ?? []) {
        for (const hit of this.feed(c, cur)) {
          out.push(hit);
          queue.push({ ruleId: c.id, time: hit.last, fields: hit.group as JsonObject });
        }
      }
    }
    return out;
  }

  /** Moves time forward: closes windows that ended before `now` and returns what they fire. */
  advance(now: number): CorrelationMatch[] {
    const out: CorrelationMatch[] = [];
    for (const c of this.rules) {
      const groups = this.state.get(c.id)!;
      for (const [key, g] of groups) {
        if (now - g.start <= c.timespanMs) continue;
        groups.delete(key);
        if (!Correlator.eager(c)) {
          const hit = this.judge(c, g);
          if (hit) out.push(hit);
        }
      }
    }
    return out;
  }

  /**
   * The open windows as plain JSON, so a node can commit them with its detection cursor and resume
   * after a restart. Windows of correlation rules that no longer exist are dropped on restore.
   */
  snapshot(): CorrelatorSnapshot {
    const rules: CorrelatorSnapshot["rules"] = {};
    for (const [id, groups] of this.state) {
      if (groups.size === 0) continue;
      rules[id] = [...groups].map(([key, g]) => ({
        key,
        group: g.group,
        start: g.start,
        entries: g.entries.map((e) => ({
          time: e.time,
          ruleId: e.ruleId,
          value: e.value ?? null,
          has: e.value !== undefined,
        })),
        progress: g.progress.map((p) => p ?? null),
      }));
    }
    return { version: 1, rules };
  }

  /** Replaces every open window with those saved by `snapshot` (of rules that still exist). */
  restore(snapshot: CorrelatorSnapshot): void {
    for (const groups of this.state.values()) groups.clear();
    for (const [id, groups] of Object.entries(snapshot.rules)) {
      const target = this.state.get(id);
      if (!target) continue;
      for (const g of groups) {
        target.set(g.key, {
          group: g.group,
          start: g.start,
          entries: g.entries.map((e) => ({
            time: e.time,
            ruleId: e.ruleId,
            value: e.has ? e.value : undefined,
          })),
          progress: g.progress.map((p) => p ?? undefined),
        });
      }
    }
  }

  /** End of input: judges every open window. */
  flush(): CorrelationMatch[] {
    return this.advance(Number.POSITIVE_INFINITY);
  }

  private feed(c: CorrelationRule, m: BaseMatch): CorrelationMatch[] {
    const group: Record<string, JsonValue> = {};
    for (const f of c.groupBy) group[f] = getField(m.fields, this.fieldFor(c, f, m.ruleId)) ?? null;
    const key = JSON.stringify(c.groupBy.map((f) => group[f]));
    const groups = this.state.get(c.id)!;
    const fired: CorrelationMatch[] = [];
    let g = groups.get(key);
    if (g && !Correlator.eager(c) && m.time - g.start > c.timespanMs) {
      // the window closed: judge it, then start a new one with this match
      const hit = this.judge(c, g);
      if (hit) fired.push(hit);
      g = undefined;
    }
    if (!g) {
      g = { group, start: m.time, entries: [], progress: c.ruleIds.map(() => undefined) };
      groups.set(key, g);
    }
    const field = c.condition?.field;
    const value = field === undefined ? undefined : getField(m.fields, this.fieldFor(c, field, m.ruleId));
    g.entries.push({ time: m.time, ruleId: m.ruleId, value });
    if (Correlator.eager(c)) {
      // sliding window: drop what fell out of the timespan
      const from = m.time - c.timespanMs;
      while (g.entries.length > 0 && g.entries[0]!.time < from) g.entries.shift();
      g.start = g.entries[0]?.time ?? m.time;
      if (c.type === "temporal_ordered") this.order(c, g, m);
      const hit = this.judge(c, g);
      if (hit) {
        fired.push(hit);
        groups.delete(key);
      }
    }
    return fired;
  }

  private order(c: CorrelationRule, g: GroupState, m: BaseMatch): void {
    // progress[i] = start time of the latest chain that has reached step i
    for (let i = c.ruleIds.length - 1; i >= 0; i--) {
      if (c.ruleIds[i] !== m.ruleId) continue;
      if (i === 0) g.progress[0] = m.time;
      else {
        const start = g.progress[i - 1];
        if (start !== undefined && m.time - start <= c.timespanMs) g.progress[i] = start;
      }
    }
  }

  private measure(c: CorrelationRule, g: GroupState): number {
    const values = g.entries.map((e) => e.value);
    switch (c.type) {
      case "event_count":
        return g.entries.length;
      case "value_count":
        return new Set(values.map(scalarText).filter((v) => v !== undefined)).size;
      case "temporal":
        return new Set(g.entries.map((e) => e.ruleId)).size;
      case "temporal_ordered":
        return g.progress.filter((p) => p !== undefined).length === c.ruleIds.length ? c.ruleIds.length : 0;
      case "value_sum":
        return values.reduce<number>((s, v) => s + (scalarNumber(v) ?? 0), 0);
      case "value_avg": {
        const nums = values.map(scalarNumber).filter((n): n is number => n !== undefined);
        return nums.length === 0 ? 0 : nums.reduce((s, n) => s + n, 0) / nums.length;
      }
      case "value_percentile": {
        // the share (in %) of the window's events that carry the newest event's value: rarity
        const last = scalarText(values.at(-1));
        const same = values.filter((v) => scalarText(v) === last).length;
        return (100 * same) / values.length;
      }
    }
  }

  private judge(c: CorrelationRule, g: GroupState): CorrelationMatch | undefined {
    if (g.entries.length === 0) return undefined;
    const n = this.measure(c, g);
    const bounds = c.condition?.bounds ?? [];
    // temporal types without a condition need every referenced rule; the others always have one
    const temporal = c.type === "temporal" || c.type === "temporal_ordered";
    const ok =
      temporal && bounds.length === 0
        ? n === c.ruleIds.length && n > 0
        : bounds.every((b) => compareHolds(b.op, n, b.value));
    if (!ok) return undefined;
    return { rule: c, group: g.group, count: n, first: g.entries[0]!.time, last: g.entries.at(-1)!.time };
  }
}
