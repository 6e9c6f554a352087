// What an incident becomes for one partner: the policy's decision and, unless it refused, the
// STIX bundle built from what the policy let through (personal data removed or pseudonymised,
// free text scrubbed). Pure: the node audits the decision and sends the bundle.
import type { Incident, Jurisdiction } from "../../core/index.js";
import { decide, type PartnerPolicy, type PolicyDecision, type ShareCandidate } from "../policy/index.js";
import { type Bundle, incidentBundle } from "../stix/index.js";

export interface OutgoingIncident {
  readonly decision: PolicyDecision;
  readonly bundle: Bundle | undefined;
}

export function incidentCandidate(i: Incident, self: string): ShareCandidate {
  return {
    kind: "incident",
    id: i.id,
    tlp: i.tlp,
    classification: i.classification,
    originator: self,
    observables: [...i.observables],
    fields: { title: i.title, description: i.description },
  };
}

export function outgoingIncident(
  i: Incident,
  policy: PartnerPolicy,
  node: { readonly id: string; readonly name: string; readonly jurisdiction: Jurisdiction },
): OutgoingIncident {
  const decision = decide(incidentCandidate(i, node.id), policy, { self: node.id });
  if (decision.outcome === "refuse") return { decision, bundle: undefined };
  const c = decision.candidate;
  // observables left are the shareable ones; pseudonyms are for correlation, not for indicators
  const shared: Incident = {
    ...i,
    title: c.fields.title ?? i.title,
    description: c.fields.description ?? "",
    observables: c.observables,
  };
  return { decision, bundle: incidentBundle(shared, { node }) };
}
