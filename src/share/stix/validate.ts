// Validation of STIX objects: Corridor's structural checks, then the official JSON schemas.
import { err, ok, type Problem, type Result } from "../../core/result.js";
import { loadSchemas, propertyPath, type SchemaSet, schemaIdFor } from "./schemas.js";
import { isSdoLike, structuralProblems } from "./structural.js";

export interface ValidateOptions {
  /** The schema folder (default: CORRIDOR_STIX_SCHEMAS, else the shared corpus). */
  readonly schemasDir?: string | undefined;
}

/** At most this many schema errors are reported per object: the first ones say what is wrong. */
const MAX_SCHEMA_ERRORS = 8;

/** Schema problems of one object (already structurally sound), paths prefixed with `at`. */
export function schemaProblems(schemas: SchemaSet, value: Record<string, unknown>, at = ""): Problem[] {
  const type = String(value.type);
  const errors = schemas.validate(schemaIdFor(type, isSdoLike(value)), value);
  const seen = new Set<string>();
  const out: Problem[] = [];
  for (const e of errors) {
    // oneOf/anyOf summaries repeat what the branches said; keep the specific messages.
    if (e.keyword === "oneOf" || e.keyword === "anyOf" || e.keyword === "if") continue;
    const path = propertyPath(at, e.instancePath);
    const params =
      e.keyword === "enum" ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.join(", ")})` : "";
    const message = `${path || "object"} ${e.message ?? "is invalid"}${params}`;
    if (seen.has(message)) continue;
    seen.add(message);
    out.push({ code: "stix-schema", message, path });
    if (out.length >= MAX_SCHEMA_ERRORS) break;
  }
  if (out.length === 0 && errors.length > 0)
    out.push({
      code: "stix-schema",
      message: `${at || "object"} does not match the ${type} schema`,
      path: at,
    });
  return out;
}

/**
 * Validates one STIX 2.1 object: structural checks, then the official schema for its type. When
 * the schemas cannot be loaded the result carries a `stix-schemas-unavailable` problem.
 */
export function validateStix(value: unknown, options: ValidateOptions = {}): Result<void, Problem[]> {
  const structural = structuralProblems(value);
  if (structural.length > 0) return err(structural);
  const schemas = loadSchemas(options.schemasDir);
  if ("code" in schemas) return err([schemas]);
  const problems = schemaProblems(schemas, value as Record<string, unknown>);
  return problems.length > 0 ? err(problems) : ok(undefined);
}
