// What a node takes from a partner's indicators for its own perimeter: the addresses and ranges
// their patterns name (equality on ipv4-addr/ipv6-addr values, OR-ed). Anything fancier in a
// pattern (AND, FOLLOWEDBY, qualifiers, other operators) is not a block and is left out.
import { decisionTarget } from "../../perimeter/decisions.js";
import { isPrivateOrInternal } from "../../soc/ip.js";
import { parsePattern } from "../stix/index.js";
import type { ComparisonExpression, ObservationExpression } from "../stix/pattern-ast.js";

export interface BlockCandidate {
  /** Canonical address or CIDR range. */
  readonly target: string;
  readonly indicatorId: string;
  readonly name: string | undefined;
  readonly validUntil: string | undefined;
}

function addressesOf(c: ComparisonExpression): string[] | undefined {
  switch (c.kind) {
    case "or": {
      const l = addressesOf(c.left);
      const r = addressesOf(c.right);
      return l && r ? [...l, ...r] : undefined;
    }
    case "compare":
      if (c.negated || c.operator !== "=" || c.value.kind !== "string") return undefined;
      if (
        (c.path.objectType === "ipv4-addr" || c.path.objectType === "ipv6-addr") &&
        c.path.steps[0].name === "value"
      ) {
        return [c.value.value];
      }
      return undefined;
    default:
      return undefined;
  }
}

function observations(p: ObservationExpression): string[] | undefined {
  if (p.kind === "observation") return addressesOf(p.comparison);
  if (p.kind === "or") {
    const l = observations(p.left);
    const r = observations(p.right);
    // an OR of observations blocks what each side names; one side without addresses contributes none
    return [...(l ?? []), ...(r ?? [])];
  }
  return undefined;
}

/** Public addresses and ranges to block from the indicators among `objects`. */
export function blockCandidates(objects: readonly Record<string, unknown>[]): BlockCandidate[] {
  const out: BlockCandidate[] = [];
  const seen = new Set<string>();
  for (const o of objects) {
    if (o.type !== "indicator" || o.pattern_type !== "stix" || typeof o.pattern !== "string") continue;
    if (o.revoked === true) continue;
    const p = parsePattern(o.pattern);
    if (!p.ok) continue;
    for (const text of observations(p.value) ?? []) {
      const t = decisionTarget(text);
      if (!t.ok) continue;
      if (isPrivateOrInternal(t.value.value.split("/")[0]!)) continue;
      if (seen.has(t.value.value)) continue;
      seen.add(t.value.value);
      out.push({
        target: t.value.value,
        indicatorId: String(o.id),
        name: typeof o.name === "string" ? o.name : undefined,
        validUntil: typeof o.valid_until === "string" ? o.valid_until : undefined,
      });
    }
  }
  return out;
}
