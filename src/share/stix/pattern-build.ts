// STIX patterns from Corridor observables. Choice: one observation expression per SCO type, the
// values of that type OR-ed inside it, the observation expressions OR-ed together, all sorted, so
// the same set of observables always gives the same text (and so the same indicator id).
import type { Observable } from "../../core/soc.js";
import { formatCidr, formatIp, parseCidr, parseIp } from "../../soc/ip.js";
import type { ComparisonExpression, ObjectPath, ObservationExpression, Pattern } from "./pattern-ast.js";
import { printPattern } from "./pattern-ast.js";

/** STIX hash algorithm names (hash-algorithm-ov) for Corridor's hash kinds. */
export const HASH_NAMES = { md5: "MD5", sha1: "SHA-1", sha256: "SHA-256" } as const;

const path = (objectType: string, ...keys: [string, ...string[]]): ObjectPath => ({
  objectType,
  steps: [{ kind: "key", name: keys[0] }, ...keys.slice(1).map((name) => ({ kind: "key" as const, name }))],
});

/**
 * The object path an observable is compared on. Hostnames become `domain-name:value` (STIX has no
 * hostname object); a process (an image path) becomes `file:name` with the file's base name, since
 * STIX 2.1 processes have no name of their own. CIDR ranges stay on the address objects, whose
 * `value` may be a range.
 */
export function observablePath(o: Observable): ObjectPath {
  switch (o.kind) {
    case "ipv4":
      return path("ipv4-addr", "value");
    case "ipv6":
      return path("ipv6-addr", "value");
    case "cidr":
      return path(o.value.includes(":") ? "ipv6-addr" : "ipv4-addr", "value");
    case "domain":
    case "hostname":
      return path("domain-name", "value");
    case "url":
      return path("url", "value");
    case "email":
      return path("email-addr", "value");
    case "md5":
    case "sha1":
    case "sha256":
      return path("file", "hashes", HASH_NAMES[o.kind]);
    case "account":
      return path("user-account", "account_login");
    case "process":
      return path("file", "name");
  }
}

/**
 * The value as STIX carries it: IPv6 addresses and ranges in RFC 5952 hex form (one spelling per
 * address, so one SCO id; the official schema's IPv6 pattern also rejects dotted-quad tails), a
 * process as its image's base name, anything else as given.
 */
export function stixValue(o: Observable): string {
  if (o.kind === "ipv6") {
    const ip = parseIp(o.value);
    return ip?.version === 6 ? formatIp(ip) : o.value;
  }
  if (o.kind === "cidr" && o.value.includes(":")) {
    const c = parseCidr(o.value);
    return c ? formatCidr(c) : o.value;
  }
  return o.kind === "process" ? baseName(o.value) : o.value;
}

/** `[ipv4-addr:value = '203.0.113.47']` as a comparison expression. */
export function observableComparison(o: Observable): ComparisonExpression {
  return {
    kind: "compare",
    path: observablePath(o),
    negated: false,
    operator: "=",
    value: { kind: "string", value: stixValue(o) },
  };
}

/** The last component of a Windows or POSIX path. */
export function baseName(p: string): string {
  return p.split(/[\\/]/).filter(Boolean).at(-1) ?? p;
}

const orAll = <T>(items: readonly T[], join: (l: T, r: T) => T): T =>
  items.slice(1).reduce((acc, x) => join(acc, x), items[0]!);

/** The pattern for a set of observables, or undefined when the set is empty. */
export function patternAstOf(observables: readonly Observable[]): Pattern | undefined {
  const byType = new Map<string, Map<string, ComparisonExpression>>();
  for (const o of observables) {
    const c = observableComparison(o);
    if (c.kind !== "compare") continue;
    const key = `${c.path.objectType}`;
    const text = `${c.path.steps.map((s) => (s.kind === "key" ? s.name : s.index)).join(".")}\u0000${c.value.kind === "string" ? c.value.value : ""}`;
    const m = byType.get(key) ?? new Map<string, ComparisonExpression>();
    byType.set(key, m);
    m.set(text, c);
  }
  if (byType.size === 0) return undefined;
  const observations: ObservationExpression[] = [...byType.keys()].sort().map((type) => {
    const m = byType.get(type)!;
    const comparisons = [...m.keys()].sort().map((k) => m.get(k)!);
    return {
      kind: "observation",
      comparison: orAll(comparisons, (left, right) => ({ kind: "or", left, right })),
    };
  });
  return orAll(observations, (left, right) => ({ kind: "or", left, right }));
}

/** The STIX pattern text for a set of observables, or undefined when the set is empty. */
export function patternOf(observables: readonly Observable[]): string | undefined {
  const ast = patternAstOf(observables);
  return ast === undefined ? undefined : printPattern(ast);
}
