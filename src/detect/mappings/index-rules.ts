// Indexes mapping rules so an event is tested only against the rules that can apply to it: first by
// the `$service` they require, then by the field most of them test for equality (EventID, usually).
import type { FieldAliases, JsonObject } from "../../core/index.js";
import type { CompiledRule } from "./compile.js";
import { SERVICE_KEY } from "./conditions.js";
import { compilePath, type Getter, LooseTable } from "./values.js";

export interface RuleIndex {
  /** Appends the rules that hold for this event to `out`, in file order. */
  collect(fields: JsonObject, service: string | undefined, out: CompiledRule[]): void;
}

interface Bucket {
  readonly key: Getter | undefined;
  readonly table: LooseTable<CompiledRule[]>;
  readonly rest: readonly CompiledRule[];
}

const buildBucket = (rules: readonly CompiledRule[], aliases: FieldAliases | undefined): Bucket => {
  const counts = new Map<string, number>();
  for (const r of rules) {
    for (const field of r.condition.equalities.keys()) {
      if (field !== SERVICE_KEY) counts.set(field, (counts.get(field) ?? 0) + 1);
    }
  }
  let best: string | undefined;
  let bestCount = 1;
  for (const [field, n] of counts) {
    if (n > bestCount) {
      best = field;
      bestCount = n;
    }
  }
  const table = new LooseTable<CompiledRule[]>();
  const rest: CompiledRule[] = [];
  for (const r of rules) {
    const values = best === undefined ? undefined : r.condition.equalities.get(best);
    if (!values) {
      rest.push(r);
      continue;
    }
    for (const v of values) {
      const found = table.get(v);
      if (found) {
        if (!found.includes(r)) found.push(r);
      } else table.set(v, [r]);
    }
  }
  return { key: best === undefined ? undefined : compilePath(best, aliases), table, rest };
};

const collectFrom = (
  b: Bucket,
  fields: JsonObject,
  service: string | undefined,
  out: CompiledRule[],
): void => {
  if (b.key) {
    const value = b.key(fields);
    if (Array.isArray(value)) {
      // A multi-valued field (ECS event.category) may reach one rule through several values.
      for (const v of value) {
        const candidates = b.table.get(v);
        if (candidates) {
          for (const r of candidates) if (!out.includes(r) && r.condition.test(fields, service)) out.push(r);
        }
      }
    } else {
      const candidates = b.table.get(value);
      if (candidates) for (const r of candidates) if (r.condition.test(fields, service)) out.push(r);
    }
  }
  for (const r of b.rest) if (r.condition.test(fields, service)) out.push(r);
};

export const buildRuleIndex = (rules: readonly CompiledRule[], aliases?: FieldAliases): RuleIndex => {
  const byService = new Map<string, CompiledRule[]>();
  const anyService: CompiledRule[] = [];
  for (const r of rules) {
    const services = r.condition.equalities.get(SERVICE_KEY);
    if (!services) {
      anyService.push(r);
      continue;
    }
    for (const s of services) {
      const key = String(s);
      const group = byService.get(key);
      if (group) group.push(r);
      else byService.set(key, [r]);
    }
  }
  const serviceTable = new LooseTable<Bucket>();
  for (const [s, group] of byService) serviceTable.set(s, buildBucket(group, aliases));
  const general = anyService.length > 0 ? buildBucket(anyService, aliases) : undefined;
  return {
    collect(fields, service, out) {
      const bucket = service === undefined ? undefined : serviceTable.get(service);
      if (bucket) collectFrom(bucket, fields, service, out);
      if (general) collectFrom(general, fields, service, out);
      if (out.length > 1) out.sort((a, b) => a.order - b.order);
    },
  };
};
