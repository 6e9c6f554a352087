// Reading STIX 2.1 from outside (a partner, a file from OpenCTI or MISP): parse, check every
// object, and say precisely what is wrong (object index, id, property path).

import type { Tlp } from "../../core/marking.js";
import { err, ok, type Problem, type Result } from "../../core/result.js";
import { parseStixId } from "./ids.js";
import { tlpOfMarkingId, tlpOfMarkings } from "./markings.js";
import { loadSchemas } from "./schemas.js";
import { structuralProblems } from "./structural.js";
import type { StixObject } from "./types.js";
import { schemaProblems } from "./validate.js";

export interface ImportOptions {
  readonly schemasDir?: string | undefined;
  /**
   * "if-available" (default): check against the official schemas when they can be loaded, warn
   * when not. "required": no schemas is an error. "off": structural checks only.
   */
  readonly schemas?: "if-available" | "required" | "off";
  /** Refuse bundles with more objects than this (default 100 000). */
  readonly maxObjects?: number;
}

export interface Imported {
  readonly bundleId: string | undefined;
  readonly objects: readonly StixObject[];
  readonly warnings: readonly Problem[];
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** A JSON.parse failure as a problem, with the position V8 reports. */
function parseJson(text: string): Result<unknown, Problem> {
  try {
    return ok(JSON.parse(text));
  } catch (e) {
    return err({ code: "invalid-json", message: `not JSON: ${(e as Error).message}` });
  }
}

/**
 * Imports a STIX 2.1 bundle (JSON text or parsed). A lone STIX object is accepted as a bundle of
 * one, with a warning. Every problem names the object's index, id and the property's path.
 */
export function importBundle(
  input: string | unknown,
  options: ImportOptions = {},
): Result<Imported, Problem[]> {
  let json = input;
  if (typeof input === "string") {
    const parsed = parseJson(input);
    if (!parsed.ok) return err([parsed.error]);
    json = parsed.value;
  }
  if (!isRecord(json))
    return err([{ code: "not-a-bundle", message: "expected a STIX bundle (a JSON object)" }]);
  const warnings: Problem[] = [];
  const problems: Problem[] = [];
  let objects: unknown[];
  let bundleId: string | undefined;
  let prefix: (i: number) => string;
  if (json.type === "bundle") {
    if (json.spec_version !== undefined && json.spec_version !== "2.1")
      return err([
        {
          code: "not-stix-2.1",
          message: `a STIX ${String(json.spec_version)} bundle, not 2.1`,
          path: "spec_version",
        },
      ]);
    if (json.spec_version === "2.1")
      warnings.push({
        code: "bundle-spec-version",
        message: "STIX 2.1 bundles carry no spec_version; ignored",
        path: "spec_version",
      });
    if (typeof json.id !== "string" || parseStixId(json.id)?.type !== "bundle")
      problems.push({
        code: "invalid-id",
        message: `bundle id must be 'bundle--' and a UUID (got ${JSON.stringify(json.id)})`,
        path: "id",
      });
    else bundleId = json.id;
    if (json.objects === undefined) objects = [];
    else if (!Array.isArray(json.objects))
      return err([
        ...problems,
        { code: "invalid-bundle", message: "objects must be a list", path: "objects" },
      ]);
    else objects = json.objects;
    prefix = (i) => `objects[${i}]`;
  } else if (typeof json.type === "string" && "id" in json) {
    warnings.push({ code: "not-a-bundle", message: `a lone ${json.type} object, read as a bundle of one` });
    objects = [json];
    prefix = () => "";
  } else {
    return err([
      { code: "not-a-bundle", message: "expected a STIX bundle: type must be 'bundle'", path: "type" },
    ]);
  }
  const max = options.maxObjects ?? 100_000;
  if (objects.length > max)
    return err([
      { code: "too-many-objects", message: `${objects.length} objects; at most ${max} are read at once` },
    ]);

  const mode = options.schemas ?? "if-available";
  const schemas = mode === "off" ? undefined : loadSchemas(options.schemasDir);
  if (schemas !== undefined && "code" in schemas) {
    if (mode === "required") return err([schemas]);
    warnings.push({ ...schemas, message: `${schemas.message}; checked structurally only` });
  }
  const versions = new Set<string>();
  for (const [i, o] of objects.entries()) {
    const at = prefix(i);
    const label = (ps: Problem[]) =>
      ps.map((p) => ({ ...p, message: `${describe(o, i, prefix)}: ${p.message}` }));
    const structural = structuralProblems(o, at);
    if (structural.length > 0) {
      problems.push(...label(structural));
      continue;
    }
    const rec = o as Record<string, unknown>;
    if (schemas !== undefined && !("code" in schemas))
      problems.push(...label(schemaProblems(schemas, rec, at)));
    const key = `${String(rec.id)}\u0000${String(rec.modified ?? "")}`;
    if (versions.has(key))
      warnings.push({
        code: "duplicate-object",
        message: `${describe(o, i, prefix)}: the same id and version appear twice`,
        path: at,
      });
    versions.add(key);
  }
  if (problems.length > 0) return err(problems);

  const list = objects as StixObject[];
  const present = new Set(list.map((o) => o.id));
  const unknownMarkings = new Set<string>();
  for (const o of list) {
    const refs = Array.isArray(o.object_marking_refs) ? (o.object_marking_refs as string[]) : [];
    for (const r of refs) if (!present.has(r) && tlpOfMarkingId(r) === undefined) unknownMarkings.add(r);
  }
  for (const m of unknownMarkings)
    warnings.push({
      code: "unknown-marking",
      message: `marking ${m} is referenced but neither defined in the bundle nor a TLP marking`,
    });
  return ok({ bundleId, objects: list, warnings });
}

function describe(o: unknown, i: number, prefix: (i: number) => string): string {
  const id = isRecord(o) && typeof o.id === "string" ? o.id : "(no id)";
  return prefix(i) === "" ? id : `object ${i} (${id})`;
}

export interface BundleSummary {
  readonly total: number;
  readonly byType: Readonly<Record<string, number>>;
  /** Objects per TLP (from object_marking_refs); "none" when unmarked. */
  readonly byTlp: Readonly<Record<Tlp | "none", number>>;
}

/** Counts by type and by TLP, for people looking at what a bundle holds. */
export function summariseObjects(objects: readonly StixObject[]): BundleSummary {
  const byType: Record<string, number> = {};
  const byTlp: Record<Tlp | "none", number> = {
    clear: 0,
    green: 0,
    amber: 0,
    "amber+strict": 0,
    red: 0,
    none: 0,
  };
  for (const o of objects) {
    byType[o.type] = (byType[o.type] ?? 0) + 1;
    if (o.type === "marking-definition") continue;
    const refs = Array.isArray(o.object_marking_refs) ? (o.object_marking_refs as string[]) : [];
    byTlp[tlpOfMarkings(refs) ?? "none"]++;
  }
  return { total: objects.length, byType, byTlp };
}
