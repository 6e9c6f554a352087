// Turns a validated (and `extends`-resolved) mapping spec into closures: the per-event path does
// table lookups and the few condition tests that an index leaves, nothing is parsed per event.
import type { JsonObject, JsonValue, LogSource, MappedEvent } from "../../core/index.js";
import { type CompiledCondition, compileConditions, SERVICE_KEY, type Test } from "./conditions.js";
import { compileFields, compileFlatten, Draft, type FieldStep } from "./fields.js";
import { buildRuleIndex, type RuleIndex } from "./index-rules.js";
import type { PipelineSpec, ServiceSpec } from "./schema.js";
import { parseTime } from "./time.js";
import { compileSources, LooseTable } from "./values.js";

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
}

const list = (v: string | readonly string[] | undefined): readonly string[] =>
  v === undefined ? [] : typeof v === "string" ? [v] : v;

const compileService = (spec: ServiceSpec | undefined): ((f: JsonObject) => string | undefined) => {
  if (spec === undefined) return () => undefined;
  if (typeof spec === "string") return () => spec;
  const get = compileSources(spec.from);
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

/** A mapped event whose time is read only when asked for: matching rules never needs it. */
class TimedEvent implements MappedEvent {
  private parsed: number | undefined | null = null;
  constructor(
    readonly fields: JsonObject,
    readonly logsource: LogSource,
    private readonly getTime: (f: JsonObject) => JsonValue | undefined,
  ) {}

  get time(): number | undefined {
    if (this.parsed === null) this.parsed = parseTime(this.getTime(this.fields));
    return this.parsed;
  }
}

class Borrowed extends TimedEvent implements BorrowedEvent {
  constructor(
    fields: JsonObject,
    logsource: LogSource,
    getTime: ((f: JsonObject) => JsonValue | undefined) | undefined,
    private readonly draft: Draft,
  ) {
    super(fields, logsource, getTime ?? (() => undefined));
  }

  /** Gives the event back; `fields` and `time` are for reading before that. */
  release(): void {
    this.draft.undo();
  }
}

export const compilePipeline = (spec: PipelineSpec, file: string): Pipeline => {
  const steps: FieldStep[] = [];
  for (const f of spec.flatten ?? []) steps.push(compileFlatten(f.path, f.leaves ?? false));
  const fieldStep = spec.fields ? compileFields(spec.fields) : undefined;
  if (fieldStep) steps.push(fieldStep);

  const product = spec.logsource?.product;
  const baseCategories = list(spec.logsource?.categories);
  const serviceOf = compileService(spec.logsource?.service);
  const getTime = spec.time ? compileSources(spec.time) : undefined;

  const rules: CompiledRule[] = (spec.rules ?? []).map((r, order) => ({
    order,
    condition: compileConditions(r.match),
    service: r.service,
    categories: [...new Set([...baseCategories, ...list(r.categories)])],
    fields: r.fields ? compileFields(r.fields) : undefined,
    logsources: new Map(),
  }));
  // Rules that set the service run first, in file order, so `$service` tests see their result.
  const serviceRules = rules.filter((r) => r.service !== undefined);
  const index: RuleIndex = buildRuleIndex(rules.filter((r) => r.service === undefined));
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
    const all = new Set<string>();
    for (const r of matched) for (const c of r.categories) all.add(c);
    return makeLogSource(product, service, [...all]);
  };

  const map = (draft: Draft): { fields: JsonObject; logsource: LogSource } => {
    for (const step of steps) step(draft);
    let service = serviceOf(draft.fields);
    for (const r of serviceRules) {
      if (r.condition.test(draft.fields, service)) {
        service = r.service;
        r.fields?.(draft);
      }
    }
    matched.length = 0;
    index.collect(draft.fields, service, matched);
    for (const r of matched) r.fields?.(draft);
    const logsource = logsourceFor(service);
    matched.length = 0;
    return { fields: draft.fields, logsource };
  };

  const apply = (event: JsonObject): MappedEvent => {
    const { fields, logsource } = map(new Draft(event));
    return getTime ? new TimedEvent(fields, logsource, getTime) : { fields, logsource, time: undefined };
  };

  const borrow = (event: JsonObject): BorrowedEvent => {
    const draft = new Draft(event, true);
    const { fields, logsource } = map(draft);
    return new Borrowed(fields, logsource, getTime, draft);
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
