// What an incident becomes for one partner: the policy's decision and, unless it refused, the
// STIX bundle built from what the policy let through (personal data removed or pseudonymised,
// free text scrubbed). Pure: the node audits the decision and sends the bundle.
import type { Incident, Jurisdiction } from "../../core/index.js";
import { decide, type PartnerPolicy, type PolicyDecision, type ShareCandidate } from "../policy/index.js";
import { type Bundle, incidentBundle, note, sightingOf, uuidv5 } from "../stix/index.js";

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
  const base = incidentBundle(shared, { node });
  const producerId = base.objects.find((o) => o.type === "identity" && o.name === node.name)?.id;
  // each indicator was sighted here, in this incident: the partner learns when and by whom
  const sightings = base.objects
    .filter((o) => o.type === "indicator")
    .map((ind) =>
      sightingOf(ind.id, {
        created: i.updatedAt,
        tlp: i.tlp,
        count: 1,
        firstSeen: i.awareAt,
        lastSeen: i.updatedAt,
        ...(producerId ? { createdBy: producerId, whereSighted: [producerId] } : {}),
      }),
    );
  const bundle = { ...base, objects: [...base.objects, ...sightings] };
  const pseudonyms = c.pseudonyms ?? [];
  if (pseudonyms.length === 0) return { decision, bundle };
  // the partner correlates repeats by these keyed hashes without ever learning the values
  const incident = bundle.objects.find((o) => o.type === "incident");
  if (!incident) return { decision, bundle };
  const content = [
    `Pseudonymised observables (HMAC-SHA256 with a key ${node.id} holds for this partner; the same value always gives the same pseudonym):`,
    ...pseudonyms.map((p) => `${p.kind}: ${p.value}`),
  ].join("\n");
  const n = note(content, [incident.id], {
    abstract: "Pseudonymised observables",
    created: i.updatedAt,
    tlp: i.tlp,
    ...(producerId ? { createdBy: producerId } : {}),
    id: `note--${uuidv5(incident.id.slice("incident--".length), "pseudonyms")}`,
  });
  return { decision, bundle: { ...bundle, objects: [...bundle.objects, n] } };
}
