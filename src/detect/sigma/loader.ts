// Loads Sigma files and folders: multi-document YAML, v1 `action: global` collections, line numbers
// for every problem, duplicate ids, and correlation/filter references resolved across all files.

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { type Document, LineCounter, parseAllDocuments } from "yaml";
import type { CorrelationRule, DetectionRule, FilterRule, SigmaDocument } from "./ast.js";
import type { ValueContext } from "./modifiers.js";
import { parseDocument } from "./rule.js";

export interface RuleDiagnostic {
  readonly path: string;
  readonly line: number;
  readonly code: string;
  readonly message: string;
}

export interface LoadReport {
  /** Rule documents found (detections, correlations, filters). */
  readonly rules: number;
  readonly loaded: number;
  readonly failed: number;
  readonly errors: readonly RuleDiagnostic[];
  readonly warnings: readonly RuleDiagnostic[];
}

export interface RuleCollection {
  readonly detections: readonly DetectionRule[];
  readonly correlations: readonly CorrelationRule[];
  readonly filters: readonly FilterRule[];
  readonly report: LoadReport;
}

export interface LoadOptions {
  readonly placeholders?: ReadonlyMap<string, readonly string[]>;
  /** Paths in diagnostics are shown relative to this folder (default: as given). */
  readonly relativeTo?: string;
}

const RULE_FILE = /\.ya?ml$/i;

/** Every .yml/.yaml file under the given files and folders, sorted, hidden entries skipped. */
export function listRuleFiles(paths: readonly string[]): { files: string[]; missing: string[] } {
  const files: string[] = [];
  const missing: string[] = [];
  const walk = (p: string) => {
    for (const name of readdirSync(p).sort()) {
      if (name.startsWith(".")) continue;
      const full = join(p, name);
      const st = statSync(full);
      if (st.isDirectory()) walk(full);
      else if (RULE_FILE.test(name)) files.push(full);
    }
  };
  for (const p of paths) {
    let st: ReturnType<typeof statSync> | undefined;
    try {
      st = statSync(p);
    } catch {
      missing.push(p);
      continue;
    }
    if (st.isDirectory()) walk(p);
    else files.push(p);
  }
  return { files, missing };
}

function lineOf(doc: Document, lc: LineCounter, at: readonly (string | number)[]): number {
  for (let n = at.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(at.slice(0, n), true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range) return lc.linePos(range[0]).line;
  }
  return 1;
}

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain => typeof v === "object" && v !== null && !Array.isArray(v);

function deepMerge(a: Plain, b: Plain): Plain {
  const out: Plain = { ...a };
  for (const [k, v] of Object.entries(b))
    out[k] = isPlain(v) && isPlain(out[k]) ? deepMerge(out[k] as Plain, v) : v;
  return out;
}

interface Loaded {
  document: SigmaDocument;
  path: string;
  line: number;
}

/** Loads rules from files and folders; never throws on bad rules, reports each problem instead. */
export function loadRules(paths: readonly string[], options: LoadOptions = {}): RuleCollection {
  const ctx: ValueContext = { placeholders: options.placeholders ?? new Map() };
  const errors: RuleDiagnostic[] = [];
  const warnings: RuleDiagnostic[] = [];
  const shown = (p: string) => (options.relativeTo ? relative(options.relativeTo, p) : p);
  const loaded: Loaded[] = [];
  let documents = 0;
  let failed = 0;
  const { files, missing } = listRuleFiles(paths);
  for (const m of missing) {
    errors.push({ path: m, line: 0, code: "not-found", message: `no such file or folder: ${m}` });
  }
  for (const file of files) {
    const path = shown(file);
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (e) {
      errors.push({ path, line: 0, code: "unreadable", message: (e as Error).message });
      continue;
    }
    const lc = new LineCounter();
    const docs = parseAllDocuments(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
    if (!Array.isArray(docs)) continue; // an empty file
    let global: Plain | undefined;
    let previous: Plain | undefined;
    for (const doc of docs) {
      // the document's first line of content, not its `---` marker
      const docLine = lc.linePos(doc.contents?.range[0] ?? doc.range[0]).line;
      if (doc.errors.length > 0) {
        documents++;
        failed++;
        for (const e of doc.errors) {
          errors.push({
            path,
            line: e.linePos?.[0]?.line ?? lc.linePos(e.pos[0]).line,
            code: "yaml-syntax",
            message: e.message.split("\n")[0]!,
          });
        }
        continue;
      }
      let data: unknown = doc.toJS({ maxAliasCount: 100 });
      if (data === null || data === undefined) continue; // an empty document (e.g. a trailing ---)
      if (isPlain(data) && typeof data.action === "string") {
        const { action, ...rest } = data;
        if (action === "global") {
          global = rest;
          continue;
        }
        if (action === "reset") {
          global = undefined;
          continue;
        }
        if (action === "repeat" && previous) data = deepMerge(previous, rest);
        else data = rest;
      }
      if (global && isPlain(data)) data = deepMerge(global, data);
      if (isPlain(data)) previous = data;
      documents++;
      const outcome = parseDocument(data, { path, line: docLine }, ctx);
      for (const d of outcome.diagnostics) {
        const entry = { path, line: lineOf(doc, lc, d.at), code: d.code, message: d.message };
        (d.severity === "error" ? errors : warnings).push(entry);
      }
      if (outcome.document) loaded.push({ document: outcome.document, path, line: docLine });
      else failed++;
    }
  }
  return resolve(loaded, documents, failed, errors, warnings);
}

function resolve(
  loaded: Loaded[],
  documents: number,
  failedSoFar: number,
  errors: RuleDiagnostic[],
  warnings: RuleDiagnostic[],
): RuleCollection {
  let failed = failedSoFar;
  const byId = new Map<string, Loaded>();
  const byName = new Map<string, Loaded>();
  const unique: Loaded[] = [];
  for (const l of loaded) {
    const prior = byId.get(l.document.id);
    if (prior) {
      failed++;
      errors.push({
        path: l.path,
        line: l.line,
        code: "duplicate-id",
        message: `id ${l.document.id} is already used by ${prior.path}:${prior.line}`,
      });
      continue;
    }
    byId.set(l.document.id, l);
    if (l.document.name) byName.set(l.document.name, l);
    unique.push(l);
  }
  const detections: DetectionRule[] = [];
  const correlations: CorrelationRule[] = [];
  const filters: FilterRule[] = [];
  const lookup = (ref: string) => byId.get(ref) ?? byName.get(ref);
  for (const l of unique) {
    const d = l.document;
    if (d.kind === "detection") detections.push(d);
    else if (d.kind === "filter") filters.push(d);
    else {
      const ids: string[] = [];
      const unknown = d.rules.filter((r) => {
        const target = lookup(r);
        if (target && target.document.kind !== "filter") ids.push(target.document.id);
        return !target || target.document.kind === "filter";
      });
      if (unknown.length > 0) {
        failed++;
        errors.push({
          path: l.path,
          line: l.line,
          code: "unknown-rule-reference",
          message: `correlation refers to unknown rule(s): ${unknown.join(", ")}`,
        });
        continue;
      }
      correlations.push({ ...d, ruleIds: ids });
    }
  }
  // A correlation referring to a correlation that failed is dropped too (chains are all-or-nothing).
  let kept = correlations;
  for (;;) {
    const known = new Set([...detections.map((r) => r.id), ...kept.map((c) => c.id)]);
    const next = kept.filter((c) => c.ruleIds.every((id) => known.has(id)));
    if (next.length === kept.length) break;
    for (const c of kept.filter((x) => !next.includes(x))) {
      failed++;
      errors.push({
        path: c.source.path,
        line: c.source.line,
        code: "unknown-rule-reference",
        message: "correlation refers to a correlation that failed to load",
      });
    }
    kept = next;
  }
  const loadedCount = detections.length + kept.length + filters.length;
  return {
    detections,
    correlations: kept,
    filters,
    report: { rules: documents, loaded: loadedCount, failed, errors, warnings },
  };
}
