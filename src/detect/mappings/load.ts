// Loads mapping files (mappings/*.yml shipped with the package, plus user folders), validates them,
// resolves `extends`, and compiles them. Every problem of every file is collected, not just the first.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { LineCounter, parseDocument } from "yaml";
import { err, ok, type Problem, type Result } from "../../core/index.js";
import { compilePipeline, type Pipeline } from "./compile.js";
import { lineOf, schemaProblems } from "./problems.js";
import { PipelineSpec } from "./schema.js";

/** The package's own mappings/ folder, found by walking up from this module to package.json. */
export const defaultMappingsDir = (): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json"))) return join(dir, "mappings");
    const up = dirname(dir);
    if (up === dir) throw new Error("corridor: cannot find package.json above the mappings module");
    dir = up;
  }
};

interface Loaded {
  readonly file: string;
  readonly spec: PipelineSpec;
}

const problem = (code: string, file: string, message: string, line?: number): Problem => ({
  code,
  message: `${file}: ${message}`,
  path: file,
  ...(line === undefined ? {} : { line }),
});

/** Parses and validates one mapping file's text. */
export const parseMappingFile = (file: string, text: string): Result<PipelineSpec, Problem[]> => {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    return err(
      doc.errors.map((e) =>
        problem("mapping-yaml", file, `YAML: ${e.message.split("\n")[0]}`, lines.linePos(e.pos[0]).line),
      ),
    );
  }
  const parsed = PipelineSpec.safeParse(doc.toJS());
  if (!parsed.success) return err(schemaProblems(file, parsed.error, doc, lines));
  const stem = file
    .split(/[\\/]/)
    .at(-1)
    ?.replace(/\.ya?ml$/i, "");
  if (stem !== parsed.data.name) {
    return err([
      problem(
        "mapping-name",
        file,
        `name: "${parsed.data.name}" must equal the file name "${stem}"`,
        lineOf(doc, lines, [], "name"),
      ),
    ]);
  }
  return ok(parsed.data);
};

const readDir = (dir: string, problems: Problem[]): Loaded[] => {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => /\.ya?ml$/i.test(n) && !n.startsWith("."));
  } catch (e) {
    problems.push({
      code: "mapping-dir",
      message: `${dir}: cannot list: ${(e as Error).message}`,
      path: dir,
    });
    return [];
  }
  const out: Loaded[] = [];
  for (const name of names.sort()) {
    const file = join(dir, name);
    const r = parseMappingFile(file, readFileSync(file, "utf8"));
    if (r.ok) out.push({ file, spec: r.value });
    else problems.push(...r.error);
  }
  return out;
};

/** A pipeline that extends another starts from the other's resolved spec; see mappings/README.md. */
const mergeSpecs = (parent: PipelineSpec, child: PipelineSpec): PipelineSpec => {
  const merged: PipelineSpec = { ...child };
  const flatten = [...(child.flatten ?? []), ...(parent.flatten ?? [])];
  if (flatten.length > 0) merged.flatten = flatten;
  if (parent.fields || child.fields) merged.fields = { ...parent.fields, ...child.fields };
  const time = child.time ?? parent.time;
  if (time !== undefined) merged.time = time;
  if (parent.logsource || child.logsource) merged.logsource = { ...parent.logsource, ...child.logsource };
  const rules = [...(child.rules ?? []), ...(parent.rules ?? [])];
  if (rules.length > 0) merged.rules = rules;
  delete merged.extends;
  return merged;
};

const resolveExtends = (byName: Map<string, Loaded>, problems: Problem[]): Loaded[] => {
  const done = new Map<string, Loaded>();
  const resolve = (l: Loaded, chain: string[]): Loaded | undefined => {
    const have = done.get(l.spec.name);
    if (have) return have;
    if (l.spec.extends === undefined) {
      done.set(l.spec.name, l);
      return l;
    }
    if (chain.includes(l.spec.extends)) {
      problems.push(
        problem("mapping-extends", l.file, `extends: cycle ${[...chain, l.spec.extends].join(" -> ")}`),
      );
      return undefined;
    }
    const parent = byName.get(l.spec.extends);
    if (!parent) {
      problems.push(problem("mapping-extends", l.file, `extends: no mapping named "${l.spec.extends}"`));
      return undefined;
    }
    const base = resolve(parent, [...chain, l.spec.extends]);
    if (!base) return undefined;
    const r = { file: l.file, spec: mergeSpecs(base.spec, l.spec) };
    done.set(l.spec.name, r);
    return r;
  };
  const out: Loaded[] = [];
  for (const l of byName.values()) {
    const r = resolve(l, [l.spec.name]);
    if (r) out.push(r);
  }
  return out;
};

/**
 * Loads the shipped mappings and then each user folder. A user mapping with the name of an
 * earlier one replaces it (so a site can adjust `windows`); two with one name in one folder is a problem.
 */
export const loadPipelines = (
  dirs: readonly string[] = [],
  options: { readonly builtin?: boolean } = {},
): Result<Pipeline[], Problem[]> => {
  const problems: Problem[] = [];
  const byName = new Map<string, Loaded>();
  const all = options.builtin === false ? dirs : [defaultMappingsDir(), ...dirs];
  for (const dir of all) {
    const seen = new Set<string>();
    for (const l of readDir(dir, problems)) {
      if (seen.has(l.spec.name)) {
        problems.push(
          problem("mapping-duplicate", l.file, `name: "${l.spec.name}" is defined twice in ${dir}`),
        );
        continue;
      }
      seen.add(l.spec.name);
      byName.set(l.spec.name, l);
    }
  }
  const resolved = resolveExtends(byName, problems);
  if (problems.length > 0) return err(problems);
  const pipelines = resolved.map((l) => compilePipeline(l.spec, l.file));
  pipelines.sort((a, b) => b.priority - a.priority || a.name.localeCompare(b.name));
  return ok(pipelines);
};
