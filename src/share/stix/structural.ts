// Checks Corridor makes itself, with or without the official schemas: what the schemas cannot say
// (id prefix = type, modified >= created, refs well-formed, patterns parse) and the minimum to
// trust an object at all. Used on every import.
import type { Problem } from "../../core/result.js";
import { parseStixId, STIX_TIMESTAMP } from "./ids.js";
import { parsePattern } from "./pattern-parse.js";

/** STIX's type-name rule, written without nested quantifiers (safe on hostile input). */
const TYPE_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*-?$/;

const SDO_SRO_SCHEMA_LESS = new Set(["marking-definition", "bundle"]);

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** A timestamp as a sortable string: fraction padded to 9 digits. */
function sortableTime(t: string): string {
  const m = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z$/.exec(t);
  return m ? `${m[1]}.${(m[2] ?? "").padEnd(9, "0")}` : t;
}

/** Whether the object is an SDO/SRO-like object (has the common created/modified properties). */
export function isSdoLike(o: Record<string, unknown>): boolean {
  return "created" in o || "modified" in o;
}

/**
 * Structural problems of one STIX object, paths prefixed by `at` (e.g. "objects[3]").
 * An object without spec_version that has `created` is a STIX 2.0 object: refused as such.
 */
export function structuralProblems(value: unknown, at = ""): Problem[] {
  const out: Problem[] = [];
  const p = (prop: string) => (at === "" ? prop : prop === "" ? at : `${at}.${prop}`);
  const add = (code: string, prop: string, message: string) => out.push({ code, message, path: p(prop) });
  if (!isRecord(value)) {
    add("not-an-object", "", "a STIX object must be a JSON object");
    return out;
  }
  const o = value;
  const type = o.type;
  if (typeof type !== "string" || type.length < 3 || type.length > 250 || !TYPE_NAME.test(type)) {
    add(
      "invalid-type",
      "type",
      `type must be 3-250 characters of a-z, 0-9 and '-' (got ${JSON.stringify(type)})`,
    );
    return out;
  }
  const id = o.id;
  const parsedId = typeof id === "string" ? parseStixId(id) : undefined;
  if (!parsedId)
    add("invalid-id", "id", `id must be '${type}--' followed by a UUID (got ${JSON.stringify(id)})`);
  else if (parsedId.type !== type)
    add("id-type-mismatch", "id", `id ${String(id)} does not start with its type '${type}--'`);

  const sdoLike = isSdoLike(o) || type === "marking-definition";
  if (o.spec_version === undefined) {
    if (sdoLike) add("not-stix-2.1", "spec_version", "spec_version is missing: a STIX 2.0 object, not 2.1");
  } else if (o.spec_version !== "2.1") {
    add("not-stix-2.1", "spec_version", `spec_version is ${JSON.stringify(o.spec_version)}, not "2.1"`);
  }
  const time = (prop: string, required: boolean): string | undefined => {
    const v = o[prop];
    if (v === undefined) {
      if (required) add("missing-property", prop, `${prop} is required`);
      return undefined;
    }
    if (typeof v !== "string" || !STIX_TIMESTAMP.test(v) || Number.isNaN(Date.parse(v))) {
      add("invalid-timestamp", prop, `${prop} must be a UTC timestamp like 2026-01-31T12:00:00.000Z`);
      return undefined;
    }
    return v;
  };
  if (sdoLike && !SDO_SRO_SCHEMA_LESS.has(type)) {
    const created = time("created", true);
    const modified = time("modified", true);
    if (created && modified && sortableTime(modified) < sortableTime(created))
      add("modified-before-created", "modified", `modified ${modified} is earlier than created ${created}`);
  } else if (type === "marking-definition") {
    time("created", true);
  }
  for (const [k, v] of Object.entries(o)) {
    if (k.endsWith("_ref") && v !== undefined) {
      if (typeof v !== "string" || !parseStixId(v)) add("invalid-ref", k, `${k} must be a STIX id`);
    } else if (k.endsWith("_refs") && v !== undefined) {
      if (!Array.isArray(v)) add("invalid-ref", k, `${k} must be a list of STIX ids`);
      else
        v.forEach((r, i) => {
          if (typeof r !== "string" || !parseStixId(r))
            add("invalid-ref", `${k}[${i}]`, `${k}[${i}] must be a STIX id`);
        });
    }
  }
  if (typeof o.created_by_ref === "string" && parseStixId(o.created_by_ref)?.type !== "identity")
    add("invalid-ref", "created_by_ref", "created_by_ref must name an identity");
  if (Array.isArray(o.object_marking_refs))
    o.object_marking_refs.forEach((r, i) => {
      if (typeof r === "string" && parseStixId(r) && !r.startsWith("marking-definition--"))
        add(
          "invalid-marking-ref",
          `object_marking_refs[${i}]`,
          `object_marking_refs[${i}] must name a marking-definition`,
        );
    });
  if (o.granular_markings !== undefined) {
    if (!Array.isArray(o.granular_markings))
      add("invalid-granular-marking", "granular_markings", "granular_markings must be a list");
    else
      for (const [i, g] of o.granular_markings.entries()) {
        const gp = `granular_markings[${i}]`;
        if (!isRecord(g)) {
          add("invalid-granular-marking", gp, `${gp} must be an object`);
          continue;
        }
        const ref = g.marking_ref;
        if (
          ref !== undefined &&
          (typeof ref !== "string" || !ref.startsWith("marking-definition--") || !parseStixId(ref))
        )
          add("invalid-marking-ref", `${gp}.marking_ref`, `${gp}.marking_ref must name a marking-definition`);
        if (ref === undefined && g.lang === undefined)
          add("invalid-granular-marking", gp, `${gp} needs marking_ref or lang`);
        if (
          !Array.isArray(g.selectors) ||
          g.selectors.length === 0 ||
          !g.selectors.every((s) => typeof s === "string")
        )
          add(
            "invalid-granular-marking",
            `${gp}.selectors`,
            `${gp}.selectors must be a non-empty list of strings`,
          );
      }
  }
  if (type === "indicator" && (o.pattern_type === "stix" || o.pattern_type === undefined)) {
    if (typeof o.pattern !== "string") add("missing-property", "pattern", "pattern is required");
    else {
      const r = parsePattern(o.pattern);
      if (!r.ok) add(r.error.code, "pattern", `pattern: ${r.error.message}`);
    }
  }
  if (type === "sighting") {
    const first = time("first_seen", false);
    const last = time("last_seen", false);
    if (first && last && sortableTime(last) < sortableTime(first))
      add("last-before-first", "last_seen", `last_seen ${last} is earlier than first_seen ${first}`);
  }
  if (type === "observed-data") {
    const first = time("first_observed", true);
    const last = time("last_observed", true);
    if (first && last && sortableTime(last) < sortableTime(first))
      add(
        "last-before-first",
        "last_observed",
        `last_observed ${last} is earlier than first_observed ${first}`,
      );
  }
  return out;
}
