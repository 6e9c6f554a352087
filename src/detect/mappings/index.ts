// Public surface of mapping pipelines: data files (mappings/*.yml) that turn raw events into
// MappedEvents with Sigma field names and a logsource, compiled once into closures.
import type { JsonObject, MappedEvent } from "../../core/index.js";
import type { Pipeline } from "./compile.js";

export type { BorrowedEvent, Pipeline } from "./compile.js";
export { copyFields } from "./fields.js";
export { identityMapping } from "./identity.js";
export { defaultMappingsDir, loadPipelines, parseMappingFile } from "./load.js";

export const pipelineByName = (pipelines: readonly Pipeline[], name: string): Pipeline | undefined =>
  pipelines.find((p) => p.name === name);

/** The first pipeline (highest priority first, as loadPipelines orders them) that recognises the event. */
export const detectPipeline = (pipelines: readonly Pipeline[], event: JsonObject): Pipeline | undefined => {
  for (const p of pipelines) if (p.recognises(event)) return p;
  return undefined;
};

export const applyPipeline = (p: Pipeline, event: JsonObject): MappedEvent => p.apply(event);
