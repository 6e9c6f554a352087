// STIX 2.1 objects from Corridor records: identity, indicator, sighting, observed-data,
// course-of-action, relationship, note, grouping, bundle. Pure: ids and times come from inputs.

import { err, ok, type Problem, type Result } from "../../core/result.js";
import type { Observable, RemediationAction } from "../../core/soc.js";
import { attackPhases, attackReferences, commonProps, compact, type ObjectOptions } from "./common.js";
import { derivedId, randomId, stixTime } from "./ids.js";
import { patternOf } from "./pattern-build.js";
import { scosOf } from "./sco.js";
import type {
  Bundle,
  CourseOfAction,
  CyberObservable,
  Grouping,
  Identity,
  Indicator,
  Note,
  ObservedData,
  Relationship,
  Sighting,
  StixObject,
} from "./types.js";

/** A fixed creation time for node identities, so a node's identity object never changes by itself. */
export const IDENTITY_EPOCH = new Date("2025-01-01T00:00:00.000Z");

/** The identity of a Corridor node (an organisation); its id depends on the node id only. */
export function identityFor(
  node: { readonly id: string; readonly name: string; readonly jurisdiction: string },
  options: {
    readonly sectors?: readonly string[];
    readonly contactInformation?: string;
    readonly created?: Date;
    readonly modified?: Date;
  } = {},
): Identity {
  return compact<Identity>({
    ...commonProps("identity", derivedId("identity", { node: node.id }), {
      created: options.created ?? IDENTITY_EPOCH,
      modified: options.modified,
    }),
    name: node.name,
    description: `Corridor node ${node.id} (jurisdiction ${node.jurisdiction})`,
    identity_class: "organization" as const,
    sectors: options.sectors ?? [],
    contact_information: options.contactInformation,
  });
}

export interface IndicatorOptions extends ObjectOptions {
  /** The producer's identity id: with the pattern, it fixes the indicator's id. */
  readonly createdBy: string;
  readonly validFrom: Date;
  readonly validUntil?: Date | undefined;
  readonly name?: string | undefined;
  readonly description?: string | undefined;
  /** indicator-type-ov values; "malicious-activity" when not given. */
  readonly indicatorTypes?: readonly string[] | undefined;
  /** ATT&CK technique ids, cited as external references. */
  readonly techniques?: readonly string[] | undefined;
  /** ATT&CK tactics, as kill-chain phases. */
  readonly tactics?: readonly string[] | undefined;
}

/**
 * An indicator whose STIX pattern matches any of the observables. The same pattern from the same
 * producer always has the same id, so sending it again updates rather than duplicates.
 */
export function indicatorFromObservables(
  observables: readonly Observable[],
  o: IndicatorOptions,
): Result<Indicator, Problem> {
  const pattern = patternOf(observables);
  if (pattern === undefined)
    return err({ code: "no-observables", message: "an indicator needs at least one observable" });
  if (o.validUntil && o.validUntil.getTime() <= o.validFrom.getTime())
    return err({ code: "invalid-validity", message: "valid_until must be later than valid_from" });
  const first = observables[0]!;
  return ok(
    compact<Indicator>({
      ...commonProps("indicator", derivedId("indicator", { producer: o.createdBy, pattern }), o),
      name:
        o.name ??
        (observables.length === 1 ? `${first.kind} ${first.value}` : `${observables.length} observables`),
      description: o.description,
      indicator_types: o.indicatorTypes ?? ["malicious-activity"],
      pattern,
      pattern_type: "stix" as const,
      pattern_version: "2.1" as const,
      valid_from: stixTime(o.validFrom),
      valid_until: o.validUntil ? stixTime(o.validUntil) : undefined,
      kill_chain_phases: attackPhases(o.tactics ?? []),
      external_references: attackReferences(o.techniques ?? []),
    }),
  );
}

export interface SightingOptions extends ObjectOptions {
  readonly count?: number | undefined;
  readonly firstSeen?: Date | undefined;
  readonly lastSeen?: Date | undefined;
  /** Identity (or location) ids of where it was seen. */
  readonly whereSighted?: readonly string[] | undefined;
  readonly observedDataRefs?: readonly string[] | undefined;
}

/** A sighting of an indicator (or any SDO). Stable id per (what, where, first seen, by whom). */
export function sightingOf(sightingOfRef: string, o: SightingOptions): Sighting {
  const firstSeen = o.firstSeen ? stixTime(o.firstSeen) : undefined;
  let lastSeen = o.lastSeen ? stixTime(o.lastSeen) : undefined;
  if (firstSeen && lastSeen && lastSeen < firstSeen) lastSeen = firstSeen;
  const where = [...new Set(o.whereSighted ?? [])].sort();
  const id = derivedId("sighting", { of: sightingOfRef, where, firstSeen, by: o.createdBy });
  return compact<Sighting>({
    ...commonProps("sighting", id, o),
    sighting_of_ref: sightingOfRef,
    count: o.count === undefined ? undefined : Math.max(0, Math.min(999_999_999, Math.trunc(o.count))),
    first_seen: firstSeen,
    last_seen: lastSeen,
    where_sighted_refs: where,
    observed_data_refs: [...new Set(o.observedDataRefs ?? [])],
  });
}

export interface ObservedDataOptions extends ObjectOptions {
  readonly firstObserved: Date;
  readonly lastObserved: Date;
  readonly numberObserved?: number | undefined;
}

/**
 * Observed data for observables: the observed-data object (referring to the SCOs by id, as STIX
 * 2.1 prefers over embedding) and the SCOs themselves, to be put in the same bundle.
 */
export function observedDataFrom(
  observables: readonly Observable[],
  o: ObservedDataOptions,
): Result<{ observedData: ObservedData; observables: CyberObservable[] }, Problem> {
  const scos = scosOf(observables);
  if (scos.length === 0)
    return err({ code: "no-observables", message: "observed data needs at least one observable" });
  const first = stixTime(o.firstObserved);
  let last = stixTime(o.lastObserved);
  if (last < first) last = first;
  const refs = scos.map((s) => s.id);
  const id = derivedId("observed-data", { by: o.createdBy, refs: [...refs].sort(), first });
  const observedData = compact<ObservedData>({
    ...commonProps("observed-data", id, o),
    first_observed: first,
    last_observed: last,
    number_observed: Math.max(1, Math.min(999_999_999, Math.trunc(o.numberObserved ?? 1))),
    object_refs: refs,
  });
  const marked = scos.map((s) =>
    observedData.object_marking_refs ? { ...s, object_marking_refs: observedData.object_marking_refs } : s,
  );
  return ok({ observedData, observables: marked });
}

const ACTION_TEXT: Readonly<Record<RemediationAction["kind"], string>> = {
  "block-ip": "Block the IP address",
  "block-range": "Block the address range",
  "disable-account": "Disable the account",
  "isolate-host": "Isolate the host",
  webhook: "Notify an external system",
};

/** A course of action from a remediation action; the target is only named for addresses and ranges. */
export function courseOfActionFrom(
  action: Pick<
    RemediationAction,
    "id" | "kind" | "target" | "playbook" | "reason" | "createdAt" | "updatedAt"
  >,
  o: Omit<ObjectOptions, "created"> & { readonly created?: Date },
): CourseOfAction {
  const networkTarget = action.kind === "block-ip" || action.kind === "block-range";
  return compact<CourseOfAction>({
    ...commonProps(
      "course-of-action",
      derivedId("course-of-action", { by: o.createdBy, action: action.id }),
      {
        ...o,
        created: o.created ?? action.createdAt,
        modified: o.modified ?? action.updatedAt,
      },
    ),
    name: networkTarget ? `${ACTION_TEXT[action.kind]} ${action.target}` : ACTION_TEXT[action.kind],
    description:
      [action.playbook ? `Proposed by playbook ${action.playbook}.` : undefined, action.reason ?? undefined]
        .filter(Boolean)
        .join(" ") || undefined,
    labels: [`corridor-action:${action.kind}`, ...(o.labels ?? [])],
  });
}

/** A relationship SRO; the same (source, type, target) always has the same id. */
export function relationship(
  sourceRef: string,
  relationshipType: string,
  targetRef: string,
  o: ObjectOptions & { readonly description?: string },
): Relationship {
  const id = derivedId("relationship", { source: sourceRef, type: relationshipType, target: targetRef });
  return compact<Relationship>({
    ...commonProps("relationship", id, o),
    relationship_type: relationshipType,
    source_ref: sourceRef,
    target_ref: targetRef,
    description: o.description,
  });
}

/** A note on objects: free text, so a fresh id unless the caller fixes one. */
export function note(
  content: string,
  objectRefs: readonly string[],
  o: ObjectOptions & {
    readonly abstract?: string;
    readonly authors?: readonly string[];
    readonly id?: string;
  },
): Note {
  return compact<Note>({
    ...commonProps("note", o.id ?? randomId("note"), o),
    abstract: o.abstract,
    content,
    authors: o.authors ?? [],
    object_refs: [...new Set(objectRefs)],
  });
}

/** A grouping of related objects (a shared context that is not a finished report). */
export function grouping(
  objectRefs: readonly string[],
  o: ObjectOptions & {
    readonly context?: Grouping["context"];
    readonly name?: string;
    readonly description?: string;
    readonly id?: string;
  },
): Grouping {
  return compact<Grouping>({
    ...commonProps("grouping", o.id ?? randomId("grouping"), o),
    name: o.name,
    description: o.description,
    context: o.context ?? "suspicious-activity",
    object_refs: [...new Set(objectRefs)],
  });
}

/** A bundle: objects deduplicated by (id, modified), in first-seen order. Bundle ids are random. */
export function bundle(objects: readonly StixObject[], id: string = randomId("bundle")): Bundle {
  const seen = new Set<string>();
  const out: StixObject[] = [];
  for (const obj of objects) {
    const key = `${obj.id}\u0000${String(obj.modified ?? "")}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(obj);
  }
  return { type: "bundle", id, objects: out };
}
