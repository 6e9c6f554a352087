// The rule set at work: routes each event to the rules of its logsource, evaluates them (compiled,
// or the reference interpreter), applies meta filters, and hides base rules of correlations.

import type { LogSource, MappedEvent } from "../core/index.js";
import { copyFields } from "./mappings/fields.js";
import {
  type Automata,
  type Clauses,
  likelyPredicates,
  necessaryClauses,
  Prefilter,
  presenceClauses,
} from "./prefilter.js";
import type { DetectionRule, FieldPredicate, FilterRule, RuleLogSource } from "./sigma/ast.js";
import { compileCondition, EventView, type Matcher } from "./sigma/compile.js";
import { evalCondition } from "./sigma/interpret.js";
import type { RuleCollection } from "./sigma/loader.js";
import { type ValueTests, vetoPredicates } from "./vetoes.js";

export type Evaluator = "compiled" | "interpreted";

export interface EngineOptions {
  /** `compiled` (default) or the reference `interpreted` evaluator. */
  readonly evaluator?: Evaluator;
  /** Route by logsource (default). Off for `--mapping none`: every rule sees every event. */
  readonly routing?: boolean;
  /** Remember the prefilter's verdict on field values seen before (default on; see Prefilter). */
  readonly memo?: boolean;
}

interface ActiveRule {
  readonly rule: DetectionRule;
  readonly matches: Matcher;
  readonly filters: readonly Matcher[];
  readonly necessary: Clauses;
  /** Predicates that rule it out (see vetoes.ts). */
  readonly vetoes: readonly FieldPredicate[];
}

/** The rules one kind of event can reach, with their prefilter (compiled evaluator only). */
interface Route {
  readonly rules: readonly ActiveRule[];
  readonly prefilter: Prefilter | undefined;
}

/** Does a rule (or filter) with this logsource apply to an event from `source`? */
export function routes(rule: RuleLogSource, source: LogSource): boolean {
  return (
    (rule.product === undefined || rule.product === source.product) &&
    (rule.service === undefined || rule.service === source.service) &&
    (rule.category === undefined || source.categories.includes(rule.category))
  );
}

const sameOrUnset = (a: string | undefined, b: string | undefined) => a === undefined || a === b;

function filterApplies(filter: FilterRule, rule: DetectionRule): boolean {
  const named =
    filter.appliesTo === "any" ||
    filter.appliesTo.includes(rule.id) ||
    (rule.name !== undefined && filter.appliesTo.includes(rule.name));
  return (
    named &&
    sameOrUnset(filter.logsource.product, rule.logsource.product) &&
    sameOrUnset(filter.logsource.service, rule.logsource.service) &&
    sameOrUnset(filter.logsource.category, rule.logsource.category)
  );
}

/** A rule's prefilter clauses: its necessary needles, or else the predicates it requires. */
function clausesOf(rule: DetectionRule, tests: ValueTests): Clauses {
  const clauses = necessaryClauses(rule.condition, rule.identifiers);
  return clauses.length > 0 ? clauses : presenceClauses(rule.condition, rule.identifiers, tests);
}

/** What match returns when nothing matches: shared, as most events match nothing. */
const NO_HITS: readonly DetectionRule[] = Object.freeze([]);

/** Does a rule match, its filters applied? */
function check(a: ActiveRule, ev: EventView): boolean {
  if (!a.matches(ev)) return false;
  // as pySigma does, a filter's condition is AND-ed to the rule's: `condition: not selection` excludes
  for (const f of a.filters) if (!f(ev)) return false;
  return true;
}

export class DetectionEngine {
  private readonly active: readonly ActiveRule[];
  private readonly byRoute = new Map<string, Route>();
  /** Pipelines share one LogSource object among all events of a kind: most lookups stop here. */
  private readonly bySource = new WeakMap<LogSource, Route>();
  private readonly routing: boolean;
  private readonly usePrefilter: boolean;
  private readonly memo: boolean;
  private allRoute: Route | undefined;
  private lastSource: LogSource | undefined;
  private lastRoute: Route | undefined;
  /** The routes' prefilters share substring automata with the same needles (see Automata). */
  private readonly automata: Automata = new Map();
  /** ...and the value tests of their vetoes and refined clauses (see ValueTests). */
  private readonly tests: ValueTests = new Map();

  constructor(collection: RuleCollection, options: EngineOptions = {}) {
    this.routing = options.routing ?? true;
    this.memo = options.memo ?? true;
    const interpreted = options.evaluator === "interpreted";
    // The interpreter stays a plain reference: no prefilter, so differential tests check the prefilter too.
    this.usePrefilter = !interpreted;
    const matcherOf = (
      r: { condition: DetectionRule["condition"]; identifiers: DetectionRule["identifiers"] },
      necessary: Clauses = [],
    ): Matcher =>
      interpreted
        ? (ev) => evalCondition(r.condition, r.identifiers, ev.fields)
        : compileCondition(r.condition, r.identifiers, likelyPredicates(necessary));
    const filterMatchers = new Map(collection.filters.map((f) => [f.id, matcherOf(f)] as const));
    this.active = collection.detections.map((rule) => {
      const necessary = interpreted ? [] : clausesOf(rule, this.tests);
      return {
        rule,
        matches: matcherOf(rule, necessary),
        filters: collection.filters
          .filter((f) => filterApplies(f, rule))
          .map((f) => filterMatchers.get(f.id)!),
        necessary,
        vetoes: interpreted ? [] : vetoPredicates(rule.condition, rule.identifiers),
      };
    });
  }

  private route(rules: readonly ActiveRule[]): Route {
    return {
      rules,
      prefilter: this.usePrefilter
        ? new Prefilter(
            rules.map((r) => r.necessary),
            this.memo,
            rules.map((r) => r.vetoes),
            this.automata,
            this.tests,
          )
        : undefined,
    };
  }

  private candidates(source: LogSource): Route {
    if (!this.routing) {
      this.allRoute ??= this.route(this.active);
      return this.allRoute;
    }
    // consecutive events mostly come from one source
    if (source === this.lastSource && this.lastRoute !== undefined) return this.lastRoute;
    let route = this.bySource.get(source);
    if (route) {
      this.lastSource = source;
      this.lastRoute = route;
      return route;
    }
    const key = `${source.product ?? ""}|${source.service ?? ""}|${source.categories.join(",")}`;
    route = this.byRoute.get(key);
    if (!route) {
      route = this.route(this.active.filter((a) => routes(a.rule.logsource, source)));
      this.byRoute.set(key, route);
    }
    this.bySource.set(source, route);
    this.lastSource = source;
    this.lastRoute = route;
    return route;
  }

  /** Field values looked up in the prefilters' memos, and how many were found there. */
  get memoStats(): { readonly lookups: number; readonly hits: number } {
    let lookups = 0;
    let hits = 0;
    for (const route of new Set([...this.byRoute.values(), ...(this.allRoute ? [this.allRoute] : [])])) {
      const [l, h] = route.prefilter?.memoStats ?? [0, 0];
      lookups += l;
      hits += h;
    }
    return { lookups, hits };
  }

  /** The detection rules that match an event, filters applied. */
  match(event: MappedEvent): readonly DetectionRule[] {
    const route = this.candidates(event.logsource);
    if (route.rules.length === 0) return NO_HITS;
    // most events match nothing: the list is made at the first hit
    let hits: DetectionRule[] | undefined;
    if (route.prefilter) {
      const candidates = route.prefilter.candidates(event.fields, event.aliases);
      if (candidates.length === 0) return NO_HITS;
      const ev = new EventView(event.fields, event.aliases);
      for (let i = 0; i < candidates.length; i++) {
        const a = route.rules[candidates[i]!]!;
        if (check(a, ev)) {
          hits ??= [];
          hits.push(a.rule);
        }
      }
    } else {
      // the reference interpreter reads plain fields: aliases written into a copy
      const ev = new EventView(event.aliases ? copyFields(event) : event.fields);
      for (const a of route.rules) {
        if (check(a, ev)) {
          hits ??= [];
          hits.push(a.rule);
        }
      }
    }
    return hits ?? NO_HITS;
  }
}
