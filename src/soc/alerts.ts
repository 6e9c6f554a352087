// Turns a rule match (or a correlation) into the input of an alert: severity, ATT&CK ids and the
// entity the alert is deduplicated on. Deduplication itself is a pure fold decision here too.
import type { Alert, JsonObject, Observable, Severity } from "../core/index.js";
import { SEVERITIES } from "../core/index.js";
import { type AttackTactic, attackOfTags } from "./attack.js";
import { firstTextOf, HOST_FIELDS, SOURCE_IP_FIELDS, textOf, USER_FIELDS } from "./fields.js";
import { formatIp, parseIp, unmapIp } from "./ip.js";
import { normaliseObservable } from "./observables.js";

/** What the detection engine reports for one match: the rule, the mapped event, and a correlation's group. */
export interface RuleMatch {
  readonly rule: {
    readonly id: string;
    readonly title: string;
    readonly level?: string | undefined;
    readonly tags: readonly string[];
  };
  readonly event: JsonObject;
  readonly correlation?: { readonly type: string; readonly group: string } | undefined;
}

export interface AlertInput {
  readonly ruleId: string;
  readonly ruleTitle: string;
  readonly severity: Severity;
  readonly tags: readonly string[];
  readonly techniques: readonly string[];
  readonly tactics: readonly AttackTactic[];
  /** "host:ws-paris-014", "user:MARTEL\\c.bernard", "ip:203.0.113.47", a correlation's group, or "". */
  readonly entity: string;
  readonly correlation?: { readonly type: string; readonly group: string } | undefined;
}

export const DEFAULT_DEDUP_WINDOW_MS = 15 * 60_000;

/** Sigma levels are the severities; a rule without a (known) level is treated as medium, Sigma's middle. */
export function severityOfLevel(level: string | undefined): Severity {
  const l = level?.trim().toLowerCase();
  return (SEVERITIES as readonly string[]).includes(l ?? "") ? (l as Severity) : "medium";
}

/**
 * The entity an alert is about. A correlation's group key names it already ("203.0.113.47" for
 * "ten failures from one address"). Otherwise host, then user, then source IP: the host first
 * because endpoint rules fire many times per machine and a responder triages per machine; the
 * user when there is no host (cloud sign-ins, audit logs); the source address last (network
 * logs). The kind is prefixed so a host and a user of one name never fold together.
 */
export function entityOf(event: JsonObject, correlation?: { readonly group: string }): string {
  if (correlation) return correlation.group;
  const host = firstTextOf(event, HOST_FIELDS);
  if (host !== undefined) return `host:${host.toLowerCase()}`;
  for (const f of USER_FIELDS) {
    const user = textOf(event, f);
    if (user === undefined) continue;
    const domain =
      f === "TargetUserName"
        ? textOf(event, "TargetDomainName")
        : f === "SubjectUserName"
          ? textOf(event, "SubjectDomainName")
          : undefined;
    return `user:${domain === undefined ? user : `${domain}\\${user}`}`;
  }
  for (const f of SOURCE_IP_FIELDS) {
    const text = textOf(event, f);
    const ip = text === undefined ? undefined : parseIp(text);
    if (ip) return `ip:${formatIp(unmapIp(ip))}`;
  }
  return "";
}

export function alertFromMatch(match: RuleMatch): AlertInput {
  const { techniques, tactics } = attackOfTags(match.rule.tags);
  return {
    ruleId: match.rule.id,
    ruleTitle: match.rule.title,
    severity: severityOfLevel(match.rule.level),
    tags: [...match.rule.tags],
    techniques,
    tactics,
    entity: entityOf(match.event, match.correlation),
    ...(match.correlation
      ? { correlation: { type: match.correlation.type, group: match.correlation.group } }
      : {}),
  };
}

/** The deduplication key: one open alert per rule and entity. */
export function dedupKey(input: Pick<AlertInput, "ruleId" | "entity">): string {
  return `${input.ruleId}\u0000${input.entity}`;
}

export interface DedupOptions {
  readonly dedupWindowMs?: number;
  /** How many event ids an alert keeps (the first ones). */
  readonly maxEventIds?: number;
}

/**
 * Whether a match seen at `at` folds into `existing` rather than opening a new alert. The window
 * slides on lastSeen, so a continuing attack stays one alert that counts up; a quiet gap longer
 * than the window opens a fresh one. An alert already in an incident still folds: new evidence
 * belongs to the incident being worked.
 */
export function foldsInto(
  existing: Pick<Alert, "ruleId" | "entity" | "lastSeen">,
  input: Pick<AlertInput, "ruleId" | "entity">,
  at: Date,
  options: DedupOptions = {},
): boolean {
  const window = options.dedupWindowMs ?? DEFAULT_DEDUP_WINDOW_MS;
  const gap = at.getTime() - existing.lastSeen.getTime();
  return dedupKey(existing) === dedupKey(input) && gap <= window && gap >= -window;
}

/** The fields of `existing` that change when a match at `at` (event `eventId`) folds into it. */
export function foldAlert(
  existing: Pick<Alert, "count" | "firstSeen" | "lastSeen" | "eventIds">,
  at: Date,
  eventId: string | null,
  options: DedupOptions = {},
): Pick<Alert, "count" | "firstSeen" | "lastSeen" | "eventIds"> {
  const max = options.maxEventIds ?? 20;
  const keep = eventId !== null && existing.eventIds.length < max && !existing.eventIds.includes(eventId);
  return {
    count: existing.count + 1,
    // Matches can arrive out of order (replays, late batches): the span only widens.
    firstSeen: at < existing.firstSeen ? at : existing.firstSeen,
    lastSeen: at > existing.lastSeen ? at : existing.lastSeen,
    eventIds: keep ? [...existing.eventIds, eventId] : existing.eventIds,
  };
}

/**
 * The observables an alert's entity names: the host, user or address it is about, or the fields
 * of a correlation's group ("IpAddress=10.20.14.37"). Incidents carry them, so whatever names a
 * person in a title (built from the entity) is known to the sharing policy as personal data.
 */
export function entityObservables(entity: string): Observable[] {
  const out: Observable[] = [];
  const add = (kind: Observable["kind"], value: string) => {
    const r = normaliseObservable(kind, value);
    if (r.ok && !out.some((o) => o.kind === r.value.kind && o.value === r.value.value)) out.push(r.value);
  };
  const ipKind = (v: string) => (v.includes(":") ? "ipv6" : "ipv4");
  const m = /^(host|user|ip):(.+)$/.exec(entity);
  if (m) {
    if (m[1] === "host") add("hostname", m[2]!);
    else if (m[1] === "user") add("account", m[2]!);
    else add(ipKind(m[2]!), m[2]!);
    return out;
  }
  for (const pair of entity.split(",")) {
    const i = pair.indexOf("=");
    if (i <= 0) continue;
    const field = pair.slice(0, i);
    const value = pair.slice(i + 1);
    if (value === "") continue;
    if (HOST_FIELDS.includes(field)) add("hostname", value);
    else if (USER_FIELDS.includes(field)) add("account", value);
    else if (SOURCE_IP_FIELDS.includes(field) || /ip(address)?$/i.test(field)) add(ipKind(value), value);
  }
  return out;
}
