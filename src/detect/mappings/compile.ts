// Turns a validated (and `extends`-resolved) mapping spec into closures: the per-event path does
// table lookups and the few condition tests that an index leaves, nothing is parsed per event.
import {
  type FieldAliases,
  internName,
  type JsonObject,
  type JsonValue,
  type LogSource,
  type MappedEvent,
} from "../../core/index.js";
import { emptyList } from "../scratch.js";
import { type CompiledCondition, compileConditions, SERVICE_KEY, type Test } from "./conditions.js";
import { compileFields, compileFlatten, Draft, type FieldStep } from "./fields.js";
import { buildRuleIndex, type RuleIndex } from "./index-rules.js";
import type { FieldsSpec, PipelineSpec, ServiceSpec } from "./schema.js";
import { parseTime } from "./time.js";
import { compilePath, compileSources, type Getter, LooseTable } from "./values.js";

/** A compiled mapping pipeline. Use it through applyPipeline / detectPipeline. */
export interface Pipeline {
  readonly name: string;
  readonly description: string;
  /** The file it was loaded from. */
  readonly file: string;
  /** Order in which --mapping auto tries pipelines: higher first. */
  readonly priority: number;
  readonly recognises: (event: JsonObject) => boolean;
  readonly apply: (event: JsonObject) => MappedEvent;
  /**
   * Maps the event in place: its fields are the event itself, changed, until `release()` gives it
   * back as it was. For callers that own a parsed event and keep no mapped fields past release
   * (they copy what they keep): it saves the copy `apply` makes of every event it changes.
   */
  readonly borrow: (event: JsonObject) => BorrowedEvent;
}

/** A mapped event that is the caller's own event, changed until `release()`. */
export interface BorrowedEvent extends MappedEvent {
  release(): void;
}

export interface CompiledRule {
  readonly order: number;
  readonly condition: CompiledCondition;
  readonly service: string | undefined;
  readonly categories: readonly string[];
  readonly fields: FieldStep | undefined;
  /** LogSource objects already built for this rule alone, by service: shared by all such events. */
  readonly logsources: Map<string | undefined, LogSource>;
  /** The same for this rule first among several, by service and the other rules' orders. */
  readonly combined: Map<string, LogSource>;
}

const list = (v: string | readonly string[] | undefined): readonly string[] =>
  v === undefined ? [] : typeof v === "string" ? [v] : v;

const compileService = (
  spec: ServiceSpec | undefined,
  aliases: FieldAliases | undefined,
): ((f: JsonObject) => string | undefined) => {
  if (spec === undefined) return () => undefined;
  if (typeof spec === "string") return () => spec;
  const get = compileSources(spec.from, aliases);
  const table = new LooseTable<string>();
  for (const [k, v] of Object.entries(spec.values)) table.set(k, v);
  const fallback = spec.default;
  return (f) => table.get(get(f)) ?? fallback;
};

const makeLogSource = (
  product: string | undefined,
  service: string | undefined,
  categories: readonly string[],
): LogSource => {
  const ls: { product?: string; service?: string; categories: readonly string[] } = {
    categories: Object.freeze([...categories]),
  };
  if (product !== undefined) ls.product = product;
  if (service !== undefined) ls.service = service;
  return Object.freeze(ls);
};

/**
 * A mapped event whose time is read only when asked for (matching rules never needs it). Borrowed
 * ones also carry the draft that `release()` undoes and the pipeline's aliases; one class for both
 * keeps the engine's reads of them monomorphic.
 */
class Mapped implements BorrowedEvent {
  private parsed: number | undefined | null = null;
  constructor(
    readonly fields: JsonObject,
    readonly logsource: LogSource,
    private readonly getTime: ((f: JsonObject) => JsonValue | undefined) | undefined,
    private readonly draft: Draft | undefined,
    readonly aliases: FieldAliases | undefined,
  ) {}

  get time(): number | undefined {
    if (this.parsed === null) this.parsed = this.getTime ? parseTime(this.getTime(this.fields)) : undefined;
    return this.parsed;
  }

  /** Gives a borrowed event back; `fields` and `time` are for reading before that. */
  release(): void {
    this.draft?.undo();
  }
}

/**
 * The `fields` entries a borrowed event reads through instead of having them written in: plain
 * copies (`Computer: [Computer, Hostname]`, no `values`, no `default`) of a plain name that is its
 * own first source, whose other sources nothing else in the pipeline writes and that no other entry
 * reads, so reading them later gives what writing them first would have: the first present source. Adding keys to a parsed event is the
 * costly part of mapping it (V8 grows its property storage and changes its shape, then shrinks it
 * back on release); most Windows events need two (Computer, Provider_Name).
 */
function aliasesOf(spec: PipelineSpec): Map<string, Getter> {
  const sourcesOf = (f: FieldsSpec[string]): readonly string[] =>
    typeof f === "string" ? [f] : Array.isArray(f) ? f : typeof f.from === "string" ? [f.from] : f.from;
  const entries = Object.entries(spec.fields ?? {});
  const ruleEntries = (spec.rules ?? []).flatMap((r) => Object.entries(r.fields ?? {}));
  const written = new Set([...entries, ...ruleEntries].map(([target]) => target));
  const ruleWritten = new Set(ruleEntries.map(([target]) => target));
  // targets that another entry copies from: they stay written, as that entry reads them
  const read = new Set<string>();
  for (const [target, f] of [...entries, ...ruleEntries]) {
    for (const s of sourcesOf(f)) if (s !== target) read.add(s);
  }
  const aliases = new Map<string, Getter>();
  for (const [target, fieldSpec] of entries) {
    if (typeof fieldSpec !== "string" && !Array.isArray(fieldSpec)) continue;
    const sources = sourcesOf(fieldSpec);
    // the field's own value first (`Computer: [Computer, Hostname]`): writing never replaces a
    // value the event has, so the event's texts (what keywords are sought in) stay the same too
    const plain =
      sources[0] === target &&
      !target.includes(".") &&
      target !== "__proto__" &&
      !ruleWritten.has(target) &&
      !read.has(target);
    if (!plain || sources.some((s) => s !== target && written.has(s))) continue;
    const first = compileSources(sources);
    const own = compilePath(target);
    aliases.set(internName(target), (f) => {
      const v = first(f);
      return v !== undefined ? v : own(f);
    });
  }
  return aliases;
}

export const compilePipeline = (spec: PipelineSpec, file: string): Pipeline => {
  const aliasMap = aliasesOf(spec);
  const aliases: FieldAliases | undefined = aliasMap.size > 0 ? aliasMap : undefined;
  // apply() writes every field; borrow() leaves the aliased ones to be read through `aliases`
  const steps: FieldStep[] = [];
  const borrowSteps: FieldStep[] = [];
  for (const f of spec.flatten ?? []) {
    const step = compileFlatten(f.path, f.leaves ?? false);
    steps.push(step);
    borrowSteps.push(step);
  }
  const fieldStep = spec.fields ? compileFields(spec.fields) : undefined;
  if (fieldStep) steps.push(fieldStep);
  const borrowFieldStep = spec.fields ? compileFields(spec.fields, new Set(aliasMap.keys())) : undefined;
  if (borrowFieldStep) borrowSteps.push(borrowFieldStep);

  const product = spec.logsource?.product;
  const baseCategories = list(spec.logsource?.categories);
  // what runs after the fields step reads aliased fields through their aliases, in both modes
  const serviceOf = compileService(spec.logsource?.service, aliases);
  const getTime = spec.time ? compileSources(spec.time, aliases) : undefined;

  const rules: CompiledRule[] = (spec.rules ?? []).map((r, order) => ({
    order,
    condition: compileConditions(r.match, aliases),
    service: r.service,
    categories: [...new Set([...baseCategories, ...list(r.categories)])],
    fields: r.fields ? compileFields(r.fields) : undefined,
    logsources: new Map(),
    combined: new Map(),
  }));
  // Rules that set the service run first, in file order, so `$service` tests see their result.
  const serviceRules = rules.filter((r) => r.service !== undefined);
  const index: RuleIndex = buildRuleIndex(
    rules.filter((r) => r.service === undefined),
    aliases,
  );
  const plain = new Map<string | undefined, LogSource>();
  const matched: CompiledRule[] = [];

  const logsourceFor = (service: string | undefined): LogSource => {
    if (matched.length === 0) {
      let ls = plain.get(service);
      if (!ls) {
        ls = makeLogSource(product, service, baseCategories);
        plain.set(service, ls);
      }
      return ls;
    }
    if (matched.length === 1) {
      const rule = matched[0]!;
      let ls = rule.logsources.get(service);
      if (!ls) {
        ls = makeLogSource(product, service, rule.categories);
        rule.logsources.set(service, ls);
      }
      return ls;
    }
    // several rules (Sysmon 12 with EventType CreateKey is registry_event and registry_add): the
    // combination's LogSource is kept too, under the first rule, by the others' orders
    const first = matched[0]!;
    let key = service === undefined ? "-" : `=${service}`;
    for (let i = 1; i < matched.length; i++) key += `|${matched[i]!.order}`;
    let ls = first.combined.get(key);
    if (!ls) {
      const all = new Set<string>();
      for (const r of matched) for (const c of r.categories) all.add(c);
      ls = makeLogSource(product, service, [...all]);
      if (first.combined.size < 1024) first.combined.set(key, ls);
    }
    return ls;
  };

  const map = (draft: Draft, fieldSteps: readonly FieldStep[]): LogSource => {
    for (const step of fieldSteps) step(draft);
    let service = serviceOf(draft.fields);
    for (const r of serviceRules) {
      if (r.condition.test(draft.fields, service)) {
        service = r.service;
        r.fields?.(draft);
      }
    }
    emptyList(matched);
    index.collect(draft.fields, service, matched);
    for (const r of matched) r.fields?.(draft);
    const logsource = logsourceFor(service);
    emptyList(matched);
    return logsource;
  };

  const apply = (event: JsonObject): MappedEvent => {
    const draft = new Draft(event);
    const logsource = map(draft, steps);
    return new Mapped(draft.fields, logsource, getTime, undefined, undefined);
  };

  // A draft that changed nothing has nothing to undo: it serves the next borrow (mapping is
  // synchronous), and most events, whose copies are aliases, need no draft of their own.
  let spare: Draft | undefined;
  const borrow = (event: JsonObject): BorrowedEvent => {
    const draft = spare ?? new Draft(event, true);
    spare = undefined;
    draft.reset(event);
    const logsource = map(draft, borrowSteps);
    const fields = draft.fields;
    if (draft.changed) return new Mapped(fields, logsource, getTime, draft, aliases);
    spare = draft;
    return new Mapped(fields, logsource, getTime, undefined, aliases);
  };

  const recognise: Test | undefined = spec.recognise ? compileConditions(spec.recognise).test : undefined;
  return {
    name: spec.name,
    description: spec.description ?? "",
    file,
    priority: spec.priority ?? 0,
    recognises: recognise ? (e) => recognise(e, undefined) : () => false,
    apply,
    borrow,
  };
};

export { SERVICE_KEY };
