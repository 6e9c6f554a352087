// The playbook file format (YAML, snake_case keys) and its compiled form. Parsing is pure: text in,
// a Playbook or every problem found (file, line, code) out. See playbooks/README.md for the format.
import { type Document, isMap, isScalar, LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import {
  type ActionKind,
  err,
  OBSERVABLE_KINDS,
  ok,
  type Problem,
  type Result,
  SEVERITIES,
  type Severity,
} from "../core/index.js";
import { normaliseTag, TECHNIQUE_ID } from "./attack.js";
import { parseDuration } from "./duration.js";
import type { ObservableKind } from "./observables.js";
import { locatedZodProblems } from "./problems.js";
import { parseTemplate, type Template } from "./template.js";

/** Which observable kinds each action's target may be built from. */
const TARGET_KINDS: Readonly<Record<ActionKind, readonly ObservableKind[]>> = {
  "block-ip": ["ipv4", "ipv6"],
  "block-range": ["ipv4", "ipv6", "cidr"],
  "disable-account": ["account", "email"],
  "isolate-host": ["hostname"],
  webhook: [],
};

const custom = (ctx: z.RefinementCtx, path: PropertyKey[], code: string, message: string): void =>
  ctx.addIssue({ code: "custom", message, path, params: { code } });

const TemplateText = z
  .string()
  .min(1)
  .max(2000)
  .superRefine((text, ctx) => {
    const t = parseTemplate(text);
    if (!t.ok) custom(ctx, [], "playbook-template", t.error);
  });
const Duration = z.string().superRefine((d, ctx) => {
  const r = parseDuration(d);
  if (!r.ok) custom(ctx, [], "playbook-duration", r.error.message);
});
const Decision = z.enum(["ban", "captcha"]).default("ban");

/** A target must be built from an observable the action can act on: no isolating an account. */
const targetFits = (a: { kind: ActionKind; target: string }, ctx: z.RefinementCtx): void => {
  const t = parseTemplate(a.target);
  if (t.ok && t.value.observable && !TARGET_KINDS[a.kind].includes(t.value.observable)) {
    const fits = TARGET_KINDS[a.kind].join(" or ");
    custom(
      ctx,
      ["target"],
      "playbook-template",
      `the target of ${a.kind} cannot be built from ${t.value.observable} (use ${fits})`,
    );
  }
};

const ActionSpec = z.discriminatedUnion("kind", [
  z
    .strictObject({
      kind: z.literal("block-ip"),
      target: TemplateText,
      duration: Duration,
      reason: TemplateText.optional(),
      decision: Decision,
      allow_internal: z.boolean().default(false),
    })
    .superRefine(targetFits),
  z
    .strictObject({
      kind: z.literal("block-range"),
      target: TemplateText,
      duration: Duration,
      reason: TemplateText.optional(),
      decision: Decision,
      allow_internal: z.boolean().default(false),
      allow_broad: z.boolean().default(false),
    })
    .superRefine(targetFits),
  z
    .strictObject({
      kind: z.literal("disable-account"),
      target: TemplateText,
      reason: TemplateText.optional(),
    })
    .superRefine(targetFits),
  z
    .strictObject({ kind: z.literal("isolate-host"), target: TemplateText, reason: TemplateText.optional() })
    .superRefine(targetFits),
  z.strictObject({
    kind: z.literal("webhook"),
    url: z.url({ protocol: /^https?$/, error: "an http or https URL" }),
    method: z.enum(["POST", "PUT"]).default("POST"),
    reason: TemplateText.optional(),
  }),
]);

const On = z.enum(["alert", "incident"]);

export const PlaybookSpec = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, "lower-case letters, digits and hyphens, at most 64"),
  title: z.string().trim().min(1).max(200),
  description: z.string().max(4000).default(""),
  enabled: z.boolean().default(true),
  when: z
    .strictObject({
      on: z
        .union([On, z.array(On).min(1)], { error: 'expected "alert", "incident" or a list of them' })
        .transform((v) => (Array.isArray(v) ? v : [v])),
      rule_ids: z.array(z.string().min(1)).min(1).optional(),
      rule_tags: z.array(z.string().min(1)).min(1).optional(),
      techniques: z
        .array(z.string().regex(TECHNIQUE_ID, 'an ATT&CK technique id, e.g. "T1110"'))
        .min(1)
        .optional(),
      severity_at_least: z.enum(SEVERITIES).optional(),
      observable: z.enum(OBSERVABLE_KINDS).optional(),
      public_only: z.boolean().default(false),
    })
    .superRefine((w, ctx) => {
      if (w.public_only && !["ipv4", "ipv6", "cidr"].includes(w.observable ?? "")) {
        custom(ctx, ["public_only"], "playbook-invalid", "needs `observable: ipv4`, `ipv6` or `cidr`");
      }
    }),
  actions: z.array(ActionSpec).min(1).max(20),
});
export type PlaybookSpec = z.output<typeof PlaybookSpec>;

interface ActionBase {
  readonly reason: Template | undefined;
}
export type PlaybookAction =
  | (ActionBase & {
      readonly kind: "block-ip" | "block-range";
      readonly target: Template;
      readonly durationMs: number;
      readonly duration: string;
      readonly decision: "ban" | "captcha";
      readonly allowInternal: boolean;
      /** Ranges broader than /16 (IPv4) or /48 (IPv6); always false for block-ip. */
      readonly allowBroad: boolean;
    })
  | (ActionBase & { readonly kind: "disable-account" | "isolate-host"; readonly target: Template })
  | (ActionBase & { readonly kind: "webhook"; readonly url: string; readonly method: "POST" | "PUT" });

export interface Playbook {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly enabled: boolean;
  /** The file it was read from ("" when parsed from a string). */
  readonly file: string;
  readonly when: {
    readonly on: readonly ("alert" | "incident")[];
    readonly ruleIds: readonly string[] | undefined;
    /** Normalised (lower case, "-" for "_"). */
    readonly ruleTags: readonly string[] | undefined;
    readonly techniques: readonly string[] | undefined;
    readonly severityAtLeast: Severity | undefined;
    readonly observable: ObservableKind | undefined;
    readonly publicOnly: boolean;
  };
  readonly actions: readonly PlaybookAction[];
}

/** Templates and durations were checked by the schema; compiling them again cannot fail. */
const compiled = (text: string): Template => {
  const t = parseTemplate(text);
  if (!t.ok) throw new Error(`playbook template checked but not compilable: ${t.error}`);
  return t.value;
};

function compile(spec: PlaybookSpec, file: string): Playbook {
  return {
    id: spec.id,
    title: spec.title,
    description: spec.description,
    enabled: spec.enabled,
    file,
    when: {
      on: spec.when.on,
      ruleIds: spec.when.rule_ids,
      ruleTags: spec.when.rule_tags?.map(normaliseTag),
      techniques: spec.when.techniques,
      severityAtLeast: spec.when.severity_at_least,
      observable: spec.when.observable,
      publicOnly: spec.when.public_only,
    },
    actions: spec.actions.map((a): PlaybookAction => {
      const reason = a.reason === undefined ? undefined : compiled(a.reason);
      switch (a.kind) {
        case "block-ip":
        case "block-range": {
          const ms = parseDuration(a.duration);
          return {
            kind: a.kind,
            target: compiled(a.target),
            reason,
            durationMs: ms.ok ? ms.value : 0,
            duration: a.duration,
            decision: a.decision,
            allowInternal: a.allow_internal,
            allowBroad: a.kind === "block-range" ? a.allow_broad : false,
          };
        }
        case "disable-account":
        case "isolate-host":
          return { kind: a.kind, target: compiled(a.target), reason };
        default:
          return { kind: a.kind, url: a.url, method: a.method, reason };
      }
    }),
  };
}

/** The line of `key` in the map at `path`, or of the nearest node on the path that has a range. */
function lineOf(doc: Document, lines: LineCounter, path: readonly PropertyKey[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const parent = n > 0 ? doc.getIn(path.slice(0, n - 1) as unknown[], true) : undefined;
    const key = path[n - 1];
    if (isMap(parent)) {
      const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === key);
      const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
      if (range) return lines.linePos(range[0]).line;
    }
    const node = doc.getIn(path.slice(0, n) as unknown[], true) as
      | { range?: [number, number, number] }
      | undefined;
    if (node?.range) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}

/** Parses one playbook file's text. Every problem carries the file, a line when known, and a code. */
export function parsePlaybook(file: string, text: string): Result<Playbook, Problem[]> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const at = (line: number | undefined) => (line === undefined ? {} : { line });
  if (doc.errors.length > 0) {
    return err(
      doc.errors.map((e) => ({
        code: "playbook-yaml",
        message:
          e.code === "MULTIPLE_DOCS"
            ? `${file}: one playbook per file (a second document starts here)`
            : `${file}: YAML: ${e.message.split("\n")[0]}`,
        path: file,
        ...at(lines.linePos(e.pos[0]).line),
      })),
    );
  }
  if (doc.contents === null) {
    return err([{ code: "playbook-empty", message: `${file}: the file holds no playbook`, path: file }]);
  }
  const input: unknown = doc.toJS();
  const parsed = PlaybookSpec.safeParse(input);
  if (!parsed.success) {
    const problems = locatedZodProblems(parsed.error, input).map(
      ({ problem, at: path }): Problem => ({
        // Template and duration problems keep their own code; the rest are schema problems.
        code: problem.code.startsWith("playbook-") ? problem.code : "playbook-invalid",
        message: `${file}: ${problem.message}`,
        path: file,
        ...at(lineOf(doc, lines, path)),
      }),
    );
    // In file order, as an author reads them.
    return err(problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)));
  }
  return ok(compile(parsed.data, file));
}
