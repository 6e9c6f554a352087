// The boundary schemas of incidents: the body of POST /incidents and of PATCH /incidents/:id.
// Values come out canonical (observables normalised, techniques upper case, lists deduplicated).
import { z } from "zod";
import {
  Classification,
  err,
  INCIDENT_STATUSES,
  Jurisdiction,
  OBSERVABLE_KINDS,
  type Observable,
  ok,
  type Problem,
  type Result,
  RSIT_CATEGORIES,
  SEVERITIES,
  TLP_LABELS,
} from "../core/index.js";
import { TECHNIQUE_ID } from "./attack.js";
import { RESOLUTIONS } from "./lifecycle.js";
import { normaliseObservable } from "./observables.js";
import { zodProblems } from "./problems.js";

const unique = <T>(list: readonly T[], key: (x: T) => string = String): T[] => {
  const seen = new Set<string>();
  return list.filter((x) => {
    const k = key(x);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
};

export const ObservableInputSchema = z
  .strictObject({ kind: z.enum(OBSERVABLE_KINDS), value: z.string().max(2048) })
  .transform((o, ctx): Observable => {
    const r = normaliseObservable(o.kind, o.value);
    if (r.ok) return r.value;
    ctx.addIssue({
      code: "custom",
      message: r.error.message,
      path: ["value"],
      params: { code: r.error.code },
    });
    return z.NEVER;
  });

const Title = z.string().trim().min(1, "must not be empty").max(200, "at most 200 characters");
const Description = z.string().max(20_000, "at most 20000 characters");
const Techniques = z
  .array(
    z
      .string()
      .trim()
      .transform((t) => t.toUpperCase())
      .pipe(z.string().regex(TECHNIQUE_ID, 'an ATT&CK technique id such as "T1059" or "T1059.001"')),
  )
  .max(200)
  .transform((l) => unique(l));
const Services = z
  .array(z.string().trim().min(1).max(200))
  .max(100)
  .transform((l) => unique(l));
const Countries = z
  .array(Jurisdiction)
  .max(50)
  .transform((l) => unique(l));
const Observables = z
  .array(ObservableInputSchema)
  .max(1000, "at most 1000 observables")
  .transform((l) => unique(l, (o) => `${o.kind} ${o.value}`));
const Assignee = z.string().trim().min(1).max(200).nullable();
const Timestamp = z.iso
  .datetime({ offset: true, error: "an ISO 8601 date-time with a time zone, e.g. 2026-11-20T08:40:00Z" })
  .transform((s) => new Date(s));
const Nis2FlagsInput = z.strictObject({
  significant: z.boolean().optional(),
  maliciousSuspected: z.boolean().optional(),
  crossBorderImpact: z.boolean().optional(),
});
const AlertIds = z
  .array(z.uuid())
  .max(100)
  .transform((l) => unique(l));

/**
 * POST /incidents. Omitted NIS2 significance follows severity (high and critical are presumed
 * significant until someone says otherwise): a clock that runs needlessly costs less than a
 * missed 24-hour early warning.
 */
export const IncidentInputSchema = z
  .strictObject({
    title: Title,
    description: Description.default(""),
    severity: z.enum(SEVERITIES).default("medium"),
    assignee: Assignee.default(null),
    tlp: z.enum(TLP_LABELS).default("amber"),
    classification: Classification.default({ level: "restricted", releasableTo: [] }),
    rsit: z.enum(RSIT_CATEGORIES).default("other"),
    techniques: Techniques.default([]),
    affectedServices: Services.default([]),
    affectedCountries: Countries.default([]),
    observables: Observables.default([]),
    nis2: Nis2FlagsInput.default({}),
    /** When the organisation became aware; the caller defaults it to now. */
    awareAt: Timestamp.optional(),
    /** Alerts to link to the new incident. */
    alertIds: AlertIds.default([]),
  })
  .transform(({ nis2, ...rest }) => ({
    ...rest,
    nis2: {
      significant: nis2.significant ?? (rest.severity === "high" || rest.severity === "critical"),
      maliciousSuspected: nis2.maliciousSuspected ?? false,
      crossBorderImpact: nis2.crossBorderImpact ?? false,
    },
  }));
export type IncidentInput = z.output<typeof IncidentInputSchema>;

const ReportsPatch = z
  .strictObject({
    earlyWarning: Timestamp.nullable().optional(),
    notification: Timestamp.nullable().optional(),
    finalReport: Timestamp.nullable().optional(),
  })
  .refine((r) => Object.keys(r).length > 0, {
    message: "name at least one report",
    params: { code: "empty-patch" },
  });

/** PATCH /incidents/:id: every field optional, at least one present; lists given whole are replaced. */
export const IncidentPatchSchema = z
  .strictObject({
    title: Title.optional(),
    description: Description.optional(),
    status: z.enum(INCIDENT_STATUSES).optional(),
    /** Why the status changes (required for backward steps and closing as noise; see lifecycle). */
    reason: z.string().trim().min(1).max(2000).optional(),
    resolution: z.enum(RESOLUTIONS).optional(),
    assignee: Assignee.optional(),
    severity: z.enum(SEVERITIES).optional(),
    classification: Classification.optional(),
    tlp: z.enum(TLP_LABELS).optional(),
    rsit: z.enum(RSIT_CATEGORIES).optional(),
    techniques: Techniques.optional(),
    affectedServices: Services.optional(),
    affectedCountries: Countries.optional(),
    observables: z
      .strictObject({ add: Observables.optional(), remove: Observables.optional() })
      .refine((o) => o.add !== undefined || o.remove !== undefined, {
        message: "give add, remove or both",
        params: { code: "empty-patch" },
      })
      .optional(),
    nis2: Nis2FlagsInput.refine((n) => Object.keys(n).length > 0, {
      message: "name at least one flag",
      params: { code: "empty-patch" },
    }).optional(),
    awareAt: Timestamp.optional(),
    reports: ReportsPatch.optional(),
    /** The version the client last read; a mismatch is a conflict (optimistic concurrency). */
    version: z.number().int().min(1).optional(),
  })
  .superRefine((p, ctx) => {
    const changes = Object.keys(p).filter((k) => k !== "version" && k !== "reason" && k !== "resolution");
    if (changes.length === 0) {
      ctx.addIssue({
        code: "custom",
        message: "the patch changes nothing",
        path: [],
        params: { code: "empty-patch" },
      });
    }
    for (const k of ["reason", "resolution"] as const) {
      if (p[k] !== undefined && p.status === undefined) {
        ctx.addIssue({
          code: "custom",
          message: "only given with status",
          path: [k],
          params: { code: "needs-status" },
        });
      }
    }
  });
export type IncidentPatch = z.output<typeof IncidentPatchSchema>;

/**
 * Validates a POST body. Awareness defaults to `now` and may not lie in the future (beyond five
 * minutes of clock skew): NIS2 clocks run from it, and a future time would stretch them.
 */
export function parseIncidentInput(
  body: unknown,
  now: Date,
): Result<IncidentInput & { readonly awareAt: Date }, Problem[]> {
  const r = IncidentInputSchema.safeParse(body);
  if (!r.success) return err(zodProblems(r.error, body));
  const awareAt = r.data.awareAt ?? now;
  if (awareAt.getTime() > now.getTime() + 5 * 60_000) {
    return err([{ code: "aware-in-future", message: "awareAt: lies in the future", path: "awareAt" }]);
  }
  return ok({ ...r.data, awareAt });
}

/** Validates a PATCH body; report times may not lie in the future either. */
export function parseIncidentPatch(body: unknown, now: Date): Result<IncidentPatch, Problem[]> {
  const r = IncidentPatchSchema.safeParse(body);
  if (!r.success) return err(zodProblems(r.error, body));
  const late = now.getTime() + 5 * 60_000;
  const problems: Problem[] = [];
  if (r.data.awareAt && r.data.awareAt.getTime() > late) {
    problems.push({ code: "aware-in-future", message: "awareAt: lies in the future", path: "awareAt" });
  }
  for (const [k, v] of Object.entries(r.data.reports ?? {})) {
    if (v instanceof Date && v.getTime() > late) {
      problems.push({
        code: "report-in-future",
        message: `reports.${k}: lies in the future`,
        path: `reports.${k}`,
      });
    }
  }
  return problems.length > 0 ? err(problems) : ok(r.data);
}
