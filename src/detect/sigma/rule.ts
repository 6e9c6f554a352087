// Turns one parsed YAML document into a detection rule, a correlation rule or a filter, collecting
// every problem found (schema of the metadata with zod, then detection, condition and modifiers).

import { z } from "zod";
import type {
  CorrelationCondition,
  CorrelationType,
  CountOp,
  DetectionRule,
  Level,
  RuleLogSource,
  SigmaDocument,
  SourceRef,
} from "./ast.js";
import { type Diagnostic, parseDetection } from "./detection.js";
import type { ValueContext } from "./modifiers.js";

const text = z.string().min(1);
const stringList = z.array(z.string());

const common = z.object({
  title: z.string().min(1, "title is empty").max(256, "title is longer than 256 characters"),
  id: text.optional(),
  name: text.optional(),
  status: z.enum(["stable", "test", "experimental", "deprecated", "unsupported"]).optional(),
  description: z.string().optional(),
  author: z.string().optional(),
  references: stringList.optional(),
  tags: z.array(z.string().regex(/^[a-z0-9_.-]+$/i, "tags are namespace.value without spaces")).optional(),
  level: z.enum(["informational", "low", "medium", "high", "critical"]).optional(),
  falsepositives: z.union([stringList, z.string()]).optional(),
  fields: stringList.optional(),
});

const logsource = z
  .object({
    product: text.optional(),
    category: text.optional(),
    service: text.optional(),
    definition: z.string().optional(),
  })
  .loose();

const timespan = z.string().regex(/^\d+[smhdwMy]$/, "timespan is a number and a unit: 30s, 5m, 1h, 2d");
const countOps = ["gt", "gte", "lt", "lte", "eq", "neq"] as const;

const correlation = z.object({
  type: z.enum([
    "event_count",
    "value_count",
    "temporal",
    "temporal_ordered",
    "value_sum",
    "value_avg",
    "value_percentile",
  ]),
  rules: z.union([text, z.array(text).min(1)]),
  "group-by": z.union([text, z.array(text)]).optional(),
  timespan: z.union([timespan, z.number().positive()]),
  condition: z
    .object({ field: z.union([text, z.array(text)]).optional() })
    .catchall(z.number())
    .optional(),
  aliases: z.record(z.string(), z.record(z.string(), text)).optional(),
  generate: z.boolean().optional(),
});

const UNIT_MS: Record<string, number> = {
  s: 1e3,
  m: 6e4,
  h: 3.6e6,
  d: 8.64e7,
  w: 6.048e8,
  M: 2.592e9,
  y: 3.1536e10,
};

export function timespanMs(v: string | number): number {
  if (typeof v === "number") return v * 1000;
  return Number(v.slice(0, -1)) * UNIT_MS[v.slice(-1)]!;
}

function zodDiagnostics(error: z.ZodError, base: (string | number)[] = []): Diagnostic[] {
  return error.issues.map((issue) => {
    const at = [...base, ...issue.path.map((p) => (typeof p === "symbol" ? String(p) : p))];
    return {
      code: "invalid-field",
      message: `${at.join(".") || "document"}: ${issue.message}`,
      at,
      severity: "error",
    };
  });
}

export interface DocumentOutcome {
  readonly document: SigmaDocument | undefined;
  readonly diagnostics: readonly Diagnostic[];
}

/** Parses one YAML document (as plain data) found at `source`. */
export function parseDocument(raw: unknown, source: SourceRef, ctx: ValueContext): DocumentOutcome {
  const diagnostics: Diagnostic[] = [];
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return {
      document: undefined,
      diagnostics: [
        { code: "not-a-rule", message: "a Sigma document is a YAML map", at: [], severity: "error" },
      ],
    };
  }
  const doc = raw as Record<string, unknown>;
  const meta = common.safeParse(doc);
  if (!meta.success) diagnostics.push(...zodDiagnostics(meta.error));
  const m = meta.success ? meta.data : undefined;
  const id = m?.id ?? `${source.path}#${source.line}`;
  if (m && m.id === undefined) {
    diagnostics.push({
      code: "missing-id",
      message: "the rule has no id; one is derived from its file and line",
      at: [],
      severity: "warning",
    });
  }
  const base = {
    id,
    name: m?.name,
    title: m?.title ?? "",
    source,
    level: m?.level as Level | undefined,
    status: m?.status,
    tags: m?.tags ?? [],
    author: m?.author,
    references: m?.references ?? [],
    description: m?.description,
  };
  const kinds = ["detection", "correlation", "filter"].filter((k) => k in doc);
  if (kinds.length !== 1) {
    diagnostics.push({
      code: kinds.length === 0 ? "not-a-rule" : "ambiguous-document",
      message:
        kinds.length === 0
          ? "the document has none of 'detection', 'correlation' or 'filter'"
          : `the document has several of ${kinds.join(", ")}`,
      at: [],
      severity: "error",
    });
    return { document: undefined, diagnostics };
  }

  if (kinds[0] === "correlation") {
    const c = correlation.safeParse(doc.correlation);
    if (!c.success) {
      diagnostics.push(...zodDiagnostics(c.error, ["correlation"]));
      return { document: undefined, diagnostics };
    }
    const cd = c.data;
    const groupBy =
      cd["group-by"] === undefined
        ? []
        : typeof cd["group-by"] === "string"
          ? [cd["group-by"]]
          : cd["group-by"];
    let condition: CorrelationCondition | undefined;
    if (cd.condition) {
      const { field, ...ops } = cd.condition;
      const bounds = Object.entries(ops).map(([op, value]) => ({
        op: op as CountOp,
        value: value as number,
      }));
      for (const b of bounds) {
        if (!(countOps as readonly string[]).includes(b.op)) {
          diagnostics.push({
            code: "invalid-field",
            message: `correlation.condition: unknown operator '${b.op}'`,
            at: ["correlation", "condition"],
            severity: "error",
          });
        }
      }
      condition = { bounds, field: Array.isArray(field) ? field.join(",") : field };
    }
    const type = cd.type as CorrelationType;
    const needsField = type === "value_count" || type.startsWith("value_");
    if ((type === "event_count" || needsField) && (!condition || condition.bounds.length === 0)) {
      diagnostics.push({
        code: "missing-condition",
        message: `a ${type} correlation needs a condition`,
        at: ["correlation"],
        severity: "error",
      });
    }
    if (needsField && !condition?.field) {
      diagnostics.push({
        code: "missing-field",
        message: `a ${type} correlation needs condition.field`,
        at: ["correlation", "condition"],
        severity: "error",
      });
    }
    if (diagnostics.some((d) => d.severity === "error")) return { document: undefined, diagnostics };
    const aliases = new Map(
      Object.entries(cd.aliases ?? {}).map(([a, m2]) => [a, new Map(Object.entries(m2))] as const),
    );
    return {
      document: {
        ...base,
        kind: "correlation",
        type,
        rules: typeof cd.rules === "string" ? [cd.rules] : cd.rules,
        ruleIds: [],
        groupBy,
        timespanMs: timespanMs(cd.timespan),
        condition,
        aliases,
        // the spec puts `generate` beside `correlation`; inside it is accepted too
        generate: doc.generate === true || cd.generate === true,
      },
      diagnostics,
    };
  }

  const ls = logsource.safeParse(doc.logsource);
  if (!ls.success) diagnostics.push(...zodDiagnostics(ls.error, ["logsource"]));
  const rl: RuleLogSource = ls.success
    ? {
        ...(ls.data.product !== undefined && { product: ls.data.product.toLowerCase() }),
        ...(ls.data.category !== undefined && { category: ls.data.category.toLowerCase() }),
        ...(ls.data.service !== undefined && { service: ls.data.service.toLowerCase() }),
      }
    : {};

  if (kinds[0] === "filter") {
    const f = doc.filter as Record<string, unknown> | undefined;
    const rules = f?.rules;
    const appliesTo =
      rules === "any"
        ? "any"
        : typeof rules === "string"
          ? [rules]
          : Array.isArray(rules) && rules.every((r) => typeof r === "string")
            ? (rules as string[])
            : undefined;
    if (appliesTo === undefined) {
      diagnostics.push({
        code: "invalid-field",
        message: "filter.rules: a list of rule ids or names, or 'any'",
        at: ["filter", "rules"],
        severity: "error",
      });
    }
    const { rules: _ignored, ...selections } = f ?? {};
    const det = parseDetection(selections, ["filter"], ctx);
    diagnostics.push(...det.diagnostics);
    if (!det.condition || appliesTo === undefined || diagnostics.some((d) => d.severity === "error")) {
      return { document: undefined, diagnostics };
    }
    return {
      document: {
        ...base,
        kind: "filter",
        logsource: rl,
        appliesTo,
        identifiers: det.identifiers,
        condition: det.condition,
      },
      diagnostics,
    };
  }

  const det = parseDetection(doc.detection, ["detection"], ctx);
  diagnostics.push(...det.diagnostics);
  if (!det.condition || diagnostics.some((d) => d.severity === "error"))
    return { document: undefined, diagnostics };
  const rule: DetectionRule = {
    ...base,
    kind: "detection",
    logsource: rl,
    identifiers: det.identifiers,
    condition: det.condition,
    fields: m?.fields ?? [],
  };
  return { document: rule, diagnostics };
}
