// What every SDO/SRO Corridor makes shares: creator, markings, timestamps, ATT&CK references.
import type { Tlp } from "../../core/marking.js";
import { stixTime } from "./ids.js";
import { tlpMarkingId } from "./markings.js";
import type { ExternalReference, KillChainPhase } from "./types.js";

/** Options common to the builders. Times are passed in: builders never read the clock. */
export interface ObjectOptions {
  /** The identity that made the object (`created_by_ref`). */
  readonly createdBy?: string | undefined;
  /** The TLP marking to apply (its official TLP 2.0 marking-definition id). */
  readonly tlp?: Tlp | undefined;
  /** Further marking-definition ids (statements, classification markings). */
  readonly markings?: readonly string[] | undefined;
  readonly created: Date;
  /** Defaults to `created`. */
  readonly modified?: Date | undefined;
  readonly labels?: readonly string[] | undefined;
}

/** Drops undefined values and empty arrays (the schemas reject empty lists). */
export function compact<R = Record<string, unknown>>(o: Record<string, unknown>): R {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = v;
  }
  return out as R;
}

/** The common properties for an object of `type` with `id`. */
export function commonProps(type: string, id: string, o: ObjectOptions) {
  const marks = [...(o.tlp ? [tlpMarkingId(o.tlp)] : []), ...(o.markings ?? [])];
  const created = stixTime(o.created);
  let modified = stixTime(o.modified ?? o.created);
  // modified before created is invalid STIX; a caller's skewed clock must not produce it.
  if (modified < created) modified = created;
  return compact<{
    type: string;
    spec_version: "2.1";
    id: string;
    created: string;
    modified: string;
    created_by_ref?: string;
    object_marking_refs?: string[];
    labels?: string[];
  }>({
    type,
    spec_version: "2.1",
    id,
    created_by_ref: o.createdBy,
    created,
    modified,
    object_marking_refs: [...new Set(marks)],
    labels: o.labels && o.labels.length > 0 ? [...new Set(o.labels)] : undefined,
  });
}

const TECHNIQUE = /^T(\d{4})(?:\.(\d{3}))?$/;

/** ATT&CK technique ids as external references, the way MITRE's own STIX data cites them. */
export function attackReferences(techniques: readonly string[]): ExternalReference[] {
  const out: ExternalReference[] = [];
  for (const t of [...new Set(techniques)].sort()) {
    const m = TECHNIQUE.exec(t);
    if (!m) continue;
    out.push({
      source_name: "mitre-attack",
      external_id: t,
      url: `https://attack.mitre.org/techniques/T${m[1]}/${m[2] ? `${m[2]}/` : ""}`,
    });
  }
  return out;
}

/** ATT&CK tactics as kill-chain phases (kill chain "mitre-attack", phase = tactic short name). */
export function attackPhases(tactics: readonly string[]): KillChainPhase[] {
  return [...new Set(tactics)].sort().map((phase_name) => ({ kill_chain_name: "mitre-attack", phase_name }));
}
