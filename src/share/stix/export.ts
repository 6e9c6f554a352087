// One incident as a bundle for partners: the producer's identity, the incident with Corridor's
// extension (and its definition), one indicator per shareable observable, their relationships to
// the incident, and the TLP marking definitions used. Policy filtering is not done here: callers
// pass it as `transform`, applied to the finished bundle before anyone writes or sends it.

import { err, ok, type Problem, type Result } from "../../core/result.js";
import type { Incident } from "../../core/soc.js";
import { bundle, identityFor, indicatorFromObservables, relationship } from "./builders.js";
import { CORRIDOR_PROJECT_IDENTITY, INCIDENT_EXTENSION, incidentFrom } from "./incident.js";
import { tlpMarking, tlpOfMarkingId } from "./markings.js";
import type { Bundle, StixObject } from "./types.js";

/** Applied to the bundle before it leaves: the sharing policy's hook (filter, pseudonymise, refuse). */
export type BundleTransform = (b: Bundle) => Result<Bundle, Problem[]> | Promise<Result<Bundle, Problem[]>>;

export interface ExportOptions {
  readonly node: { readonly id: string; readonly name: string; readonly jurisdiction: string };
  /** Bundle id; random when not given. */
  readonly bundleId?: string;
  readonly tactics?: readonly string[];
  readonly transform?: BundleTransform;
}

/** The bundle for an incident before any policy (pure). */
export function incidentBundle(i: Incident, o: Omit<ExportOptions, "transform">): Bundle {
  const producer = identityFor(o.node);
  const incident = incidentFrom(i, producer);
  const objects: StixObject[] = [CORRIDOR_PROJECT_IDENTITY, producer, INCIDENT_EXTENSION, incident];
  const common = { createdBy: producer.id, tlp: i.tlp, created: i.createdAt, modified: i.updatedAt };
  for (const observable of i.observables) {
    const r = indicatorFromObservables([observable], {
      ...common,
      validFrom: i.awareAt,
      techniques: i.techniques,
      tactics: o.tactics,
      description: `Observed in Corridor incident "${i.title}"`,
    });
    if (!r.ok) continue;
    objects.push(r.value, relationship(r.value.id, "related-to", incident.id, common));
  }
  const marks = new Set<string>();
  for (const obj of objects)
    for (const m of (obj.object_marking_refs as string[] | undefined) ?? [])
      if (tlpOfMarkingId(m)) marks.add(m);
  for (const m of marks) {
    const tlp = tlpOfMarkingId(m);
    if (tlp) objects.push(tlpMarking(tlp));
  }
  return bundle(objects, o.bundleId);
}

/** The bundle for an incident, after the caller's transform (the policy) when there is one. */
export async function exportIncident(i: Incident, o: ExportOptions): Promise<Result<Bundle, Problem[]>> {
  const b = incidentBundle(i, o);
  if (!o.transform) return ok(b);
  const r = await o.transform(b);
  if (!r.ok) return r;
  if (r.value.type !== "bundle")
    return err([{ code: "transform-broke-bundle", message: "the transform did not return a bundle" }]);
  return r;
}
