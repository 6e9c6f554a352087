// Opens an incident from one or more alerts: a title, a description an analyst can start from,
// the strongest severity, ATT&CK ids, a suggested RSIT class, the observables of the events, and
// the defaults a new incident gets (TLP AMBER, RESTRICTED, NIS2 significance by severity).
import type { AlertId, JsonObject, Observable, Severity } from "../core/index.js";
import { SEVERITIES } from "../core/index.js";
import { entityObservables } from "./alerts.js";
import { attackOfTags } from "./attack.js";
import type { IncidentInput } from "./incident-input.js";
import { extractAll } from "./observables.js";
import { suggestRsitForAll } from "./rsit.js";

/** What an incident needs to know of an alert: a stored Alert, or an AlertInput not yet stored. */
export interface AlertSummary {
  readonly id?: AlertId | undefined;
  readonly ruleId: string;
  readonly ruleTitle: string;
  readonly severity: Severity;
  readonly tags: readonly string[];
  readonly techniques: readonly string[];
  readonly entity: string;
  readonly count?: number | undefined;
  readonly firstSeen?: Date | undefined;
  readonly lastSeen?: Date | undefined;
}

const rank = (s: Severity): number => SEVERITIES.indexOf(s);

const clip = (text: string, max: number): string =>
  text.length <= max ? text : `${text.slice(0, max - 1)}…`;

/** The events' observables, then those the alerts' entities name that the events did not. */
function withEntities(found: Observable[], fromEntities: readonly Observable[]): Observable[] {
  const key = (o: Observable) => `${o.kind}\u0000${o.value}`;
  const have = new Set(found.map(key));
  return [...found, ...fromEntities.filter((o) => !have.has(key(o)))].slice(0, 1000);
}

/** "host:ws-paris-014" reads "host ws-paris-014"; a correlation group is shown as it is. */
const entityLabel = (entity: string): string => entity.replace(/^(host|user|ip):/, "$1 ");

function describe(
  alerts: readonly AlertSummary[],
  rsitBecause: string,
  observables: number,
  personal: number,
): string {
  const lines = [`Opened from ${alerts.length} alert${alerts.length === 1 ? "" : "s"}.`, ""];
  for (const a of alerts) {
    const seen =
      a.firstSeen && a.lastSeen ? `, seen ${a.firstSeen.toISOString()} to ${a.lastSeen.toISOString()}` : "";
    const count = a.count === undefined ? "" : `, ${a.count} match${a.count === 1 ? "" : "es"}`;
    const on = a.entity === "" ? "" : ` on ${entityLabel(a.entity)}`;
    lines.push(`- ${a.severity.toUpperCase()} ${a.ruleTitle} (rule ${a.ruleId})${on}${count}${seen}`);
  }
  const techniques = [...new Set(alerts.flatMap((a) => a.techniques))];
  lines.push("");
  if (techniques.length > 0) lines.push(`ATT&CK techniques: ${techniques.join(", ")}.`);
  lines.push(`RSIT class suggested from ${rsitBecause}.`);
  lines.push(`${observables} observables from the matching events, ${personal} of them personal data.`);
  return clip(lines.join("\n"), 20_000);
}

/**
 * The creation input for an incident grouping `alerts`, whose matching events are `events`.
 * Awareness is `now`: the moment someone (or something) decides these alerts are an incident,
 * which is when NIS2 says the clocks start, not when the first event happened.
 */
export function incidentFromAlerts(
  alerts: readonly [AlertSummary, ...AlertSummary[]],
  events: readonly JsonObject[],
  now: Date,
): IncidentInput & { readonly awareAt: Date } {
  // Strongest first, so the title names what matters most.
  const ordered = [...alerts].sort((a, b) => rank(b.severity) - rank(a.severity));
  const top = ordered[0]!;
  const severity = top.severity;
  const rsit = suggestRsitForAll(
    ordered.map((a) => ({ techniques: a.techniques, tactics: attackOfTags(a.tags).tactics })),
  );
  const found = extractAll(events, 1000);
  const more =
    ordered.length > 1 ? ` and ${ordered.length - 1} more alert${ordered.length > 2 ? "s" : ""}` : "";
  const on = top.entity === "" ? "" : ` on ${entityLabel(top.entity)}`;
  return {
    title: clip(`${top.ruleTitle}${on}${more}`, 200),
    description: describe(ordered, rsit.because, found.length, found.filter((o) => o.personal).length),
    severity,
    assignee: null,
    tlp: "amber",
    classification: { level: "restricted", releasableTo: [] },
    rsit: rsit.category,
    techniques: [...new Set(ordered.flatMap((a) => a.techniques))].slice(0, 200),
    affectedServices: [],
    affectedCountries: [],
    observables: withEntities(
      found.map((o) => ({ kind: o.kind, value: o.value })),
      ordered.flatMap((a) => entityObservables(a.entity)),
    ),
    nis2: {
      significant: severity === "high" || severity === "critical",
      // A rule matched: something malicious is suspected until triage says otherwise.
      maliciousSuspected: true,
      crossBorderImpact: false,
    },
    awareAt: now,
    alertIds: [...new Set(ordered.flatMap((a) => (a.id === undefined ? [] : [a.id])))].slice(0, 100),
  };
}

export function incidentFromAlert(
  alert: AlertSummary,
  events: readonly JsonObject[],
  now: Date,
): IncidentInput & { readonly awareAt: Date } {
  return incidentFromAlerts([alert], events, now);
}
