// A Corridor incident as the node API returns it (GET /api/v1/incidents/:id: ISO dates, computed
// NIS2 clocks) read back into the domain type, so `corridor share export` works on saved files.
import { z } from "zod";
import { Classification, Tlp } from "../../core/marking.js";
import { err, ok, type Problem, type Result } from "../../core/result.js";
import { type Incident, IncidentStatus, Observable, RsitCategory, Severity } from "../../core/soc.js";
import { zodProblems } from "../../soc/problems.js";

const isoDate = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

/** Extra fields the API adds (deadlines, overdue) are ignored, not refused. */
export const IncidentJsonSchema = z.object({
  id: z.string().min(1).max(200),
  title: z.string().min(1).max(1000),
  description: z.string().max(100_000).default(""),
  status: IncidentStatus,
  severity: Severity,
  assignee: z.string().nullable().default(null),
  classification: Classification,
  tlp: Tlp,
  rsit: RsitCategory,
  techniques: z.array(z.string()).default([]),
  affectedServices: z.array(z.string()).default([]),
  affectedCountries: z.array(z.string().regex(/^[A-Z]{2}$/)).default([]),
  observables: z.array(Observable).default([]),
  nis2: z.object({
    significant: z.boolean(),
    maliciousSuspected: z.boolean(),
    crossBorderImpact: z.boolean(),
  }),
  awareAt: isoDate,
  reports: z
    .object({
      earlyWarning: isoDate.nullable(),
      notification: isoDate.nullable(),
      finalReport: isoDate.nullable(),
    })
    .default({ earlyWarning: null, notification: null, finalReport: null }),
  createdAt: isoDate,
  updatedAt: isoDate,
  version: z.number().int().min(0).default(1),
});

/** Parses an incident JSON document (text or value); problems carry field paths. */
export function parseIncidentJson(input: string | unknown): Result<Incident, Problem[]> {
  let value = input;
  if (typeof input === "string") {
    try {
      value = JSON.parse(input);
    } catch (e) {
      return err([{ code: "invalid-json", message: `not JSON: ${(e as Error).message}` }]);
    }
  }
  const r = IncidentJsonSchema.safeParse(value);
  if (!r.success) return err(zodProblems(r.error, value));
  return ok(r.data as unknown as Incident);
}
