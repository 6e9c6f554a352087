// Changing an incident: optimistic concurrency on `version`, and one timeline entry per group of
// fields that actually changed, carrying their values before and after.
import type { Classification, Jurisdiction, Tlp } from "../core/marking.js";
import { err, ok, type Result } from "../core/result.js";
import type { Incident, IncidentStatus, Nis2Flags, Observable, RsitCategory, Severity } from "../core/soc.js";
import { inTransaction, type Sql } from "./database.js";
import {
  COLUMNS,
  type IncidentRow,
  incidentParams,
  toIncident,
  WRITABLE,
  WRITABLE_CASTS,
} from "./incident-rows.js";
import { addTimelineEntry } from "./timeline-repo.js";
import { isUuid } from "./values.js";

export interface IncidentPatch {
  readonly title?: string | undefined;
  readonly description?: string | undefined;
  readonly status?: IncidentStatus | undefined;
  readonly severity?: Severity | undefined;
  readonly assignee?: string | null | undefined;
  readonly classification?: Classification | undefined;
  readonly tlp?: Tlp | undefined;
  readonly rsit?: RsitCategory | undefined;
  readonly techniques?: readonly string[] | undefined;
  readonly affectedServices?: readonly string[] | undefined;
  readonly affectedCountries?: readonly Jurisdiction[] | undefined;
  readonly observables?: readonly Observable[] | undefined;
  readonly nis2?: Partial<Nis2Flags> | undefined;
  readonly awareAt?: Date | undefined;
  readonly reports?: Partial<Incident["reports"]> | undefined;
}

export type IncidentUpdateError =
  | { readonly code: "store.not-found"; readonly message: string }
  | { readonly code: "store.version-conflict"; readonly message: string; readonly currentVersion: number };

type Field = Exclude<keyof IncidentPatch, never>;

/** Timeline kinds and the fields each covers. */
const GROUPS: readonly (readonly [kind: string, fields: readonly Field[]])[] = [
  ["edited", ["title", "description"]],
  ["status", ["status"]],
  ["assigned", ["assignee"]],
  ["severity", ["severity"]],
  ["classification", ["classification", "tlp"]],
  ["categorised", ["rsit", "techniques"]],
  ["scope", ["affectedServices", "affectedCountries"]],
  ["observables", ["observables"]],
  ["flags", ["nis2", "awareAt"]],
  ["reported", ["reports"]],
];

/** Comparable JSON of a field value (Dates as ISO strings). */
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function merge(cur: Incident, p: IncidentPatch): Incident {
  return {
    ...cur,
    ...(p.title !== undefined && { title: p.title }),
    ...(p.description !== undefined && { description: p.description }),
    ...(p.status !== undefined && { status: p.status }),
    ...(p.severity !== undefined && { severity: p.severity }),
    ...(p.assignee !== undefined && { assignee: p.assignee }),
    ...(p.classification !== undefined && {
      classification: { level: p.classification.level, releasableTo: p.classification.releasableTo ?? [] },
    }),
    ...(p.tlp !== undefined && { tlp: p.tlp }),
    ...(p.rsit !== undefined && { rsit: p.rsit }),
    ...(p.techniques !== undefined && { techniques: p.techniques }),
    ...(p.affectedServices !== undefined && { affectedServices: p.affectedServices }),
    ...(p.affectedCountries !== undefined && { affectedCountries: p.affectedCountries }),
    ...(p.observables !== undefined && { observables: p.observables }),
    ...(p.nis2 !== undefined && { nis2: { ...cur.nis2, ...definedOnly(p.nis2) } }),
    ...(p.awareAt !== undefined && { awareAt: p.awareAt }),
    ...(p.reports !== undefined && { reports: { ...cur.reports, ...definedOnly(p.reports) } }),
  };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Applies `patch`. With `expectedVersion`, a concurrent change since the caller read the incident
 * is refused (store.version-conflict) rather than overwritten. A patch that changes nothing
 * returns the incident as it is, version unchanged, no timeline entry.
 */
export function updateIncident(
  sql: Sql,
  id: string,
  patch: IncidentPatch,
  opts: { readonly actor: string; readonly expectedVersion?: number | undefined; readonly now: Date },
): Promise<Result<Incident, IncidentUpdateError>> {
  return inTransaction(sql, async (tx) => {
    const missing = { code: "store.not-found", message: `no incident ${id}` } as const;
    if (!isUuid(id)) return err(missing);
    const found = await tx.query<IncidentRow>(`SELECT ${COLUMNS} FROM incidents WHERE id = $1 FOR UPDATE`, [
      id,
    ]);
    if (found.rows[0] === undefined) return err(missing);
    const cur = toIncident(found.rows[0]);
    if (opts.expectedVersion !== undefined && opts.expectedVersion !== cur.version) {
      return err({
        code: "store.version-conflict",
        message: `incident ${id} is at version ${cur.version}, not ${opts.expectedVersion}: reload and retry`,
        currentVersion: cur.version,
      });
    }
    const next = merge(cur, patch);
    const changes = GROUPS.flatMap(([kind, fields]) => {
      const changed = fields.filter((f) => !same(cur[f as keyof Incident], next[f as keyof Incident]));
      if (changed.length === 0) return [];
      const pick = (i: Incident) => Object.fromEntries(changed.map((f) => [f, i[f as keyof Incident]]));
      return [{ kind, details: { before: pick(cur), after: pick(next) } }];
    });
    if (changes.length === 0) return ok(cur);

    const sets = WRITABLE.map((c, i) => `${c} = $${i + 3}::${WRITABLE_CASTS[c]}`).join(", ");
    const { rows } = await tx.query<IncidentRow>(
      `UPDATE incidents SET ${sets}, updated_at = $2, version = version + 1 WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, opts.now.toISOString(), ...incidentParams(next)],
    );
    // JSON round trip: Dates in before/after become ISO strings, as they read back from jsonb.
    for (const c of changes) {
      await addTimelineEntry(tx, {
        incidentId: id,
        at: opts.now,
        actor: opts.actor,
        kind: c.kind,
        details: JSON.parse(JSON.stringify(c.details)) as Record<string, unknown>,
      });
    }
    return ok(toIncident(rows[0]!));
  });
}
