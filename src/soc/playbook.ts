// Evaluates playbooks against an alert or incident and proposes remediation actions. Proposals
// are never executed here: a responder approves them. Safety rules hold whatever a playbook says,
// except where it opts out explicitly (allow_internal, allow_broad).
import type { ActionKind, Observable, Severity } from "../core/index.js";
import { SEVERITIES } from "../core/index.js";
import { normaliseTag, techniqueCovers } from "./attack.js";
import {
  cidrTouchesInternal,
  formatCidr,
  formatIp,
  isInternalAddress,
  parseCidr,
  parseIp,
  unmapIp,
} from "./ip.js";
import { isPersonal } from "./observables.js";
import type { Playbook, PlaybookAction } from "./playbook-schema.js";
import { type Bindings, renderTemplate } from "./template.js";

/** What playbooks look at: an alert or an incident, reduced to what conditions and templates read. */
export interface PlaybookSubject {
  readonly kind: "alert" | "incident";
  readonly severity: Severity;
  readonly tags: readonly string[];
  readonly techniques: readonly string[];
  readonly observables: readonly Observable[];
  readonly rule?: { readonly id: string; readonly title: string } | undefined;
  readonly title?: string | undefined;
  readonly entity?: string | undefined;
}

export type ActionParams = Readonly<Record<string, string | number | boolean>>;

export interface ProposedAction {
  readonly playbook: string;
  readonly kind: ActionKind;
  readonly target: string;
  readonly params: ActionParams;
}

export type SkipCode = "internal-target" | "range-too-broad" | "invalid-target" | "empty-target";

/** An action a playbook wanted but the safety rules refused: worth showing, never proposed. */
export interface SkippedAction {
  readonly playbook: string;
  readonly kind: ActionKind;
  readonly target: string;
  readonly code: SkipCode;
  readonly message: string;
}

export interface PlaybookEvaluation {
  /** Ids of the playbooks whose conditions held. */
  readonly matched: readonly string[];
  readonly proposals: readonly ProposedAction[];
  readonly skipped: readonly SkippedAction[];
}

/** Narrowest block ranges that need no `allow_broad`. */
export const BROADEST_PREFIX = { 4: 16, 6: 48 } as const;

const atLeast = (s: Severity, min: Severity): boolean => SEVERITIES.indexOf(s) >= SEVERITIES.indexOf(min);

const isIpKind = (k: Observable["kind"]): boolean => k === "ipv4" || k === "ipv6" || k === "cidr";

/** The observables a playbook may use: with public_only, internal addresses are invisible to it. */
function visible(p: Playbook, subject: PlaybookSubject): readonly Observable[] {
  if (!p.when.publicOnly) return subject.observables;
  return subject.observables.filter((o) => !isIpKind(o.kind) || !isPersonal(o));
}

/** Whether all of a playbook's conditions hold for the subject (lists are any-of). */
export function playbookMatches(p: Playbook, subject: PlaybookSubject): boolean {
  const w = p.when;
  if (!p.enabled || !w.on.includes(subject.kind)) return false;
  if (w.severityAtLeast && !atLeast(subject.severity, w.severityAtLeast)) return false;
  if (w.ruleIds && !(subject.rule && w.ruleIds.includes(subject.rule.id))) return false;
  if (w.ruleTags) {
    const tags = new Set(subject.tags.map(normaliseTag));
    if (!w.ruleTags.some((t) => tags.has(t))) return false;
  }
  if (
    w.techniques &&
    !w.techniques.some((want) => subject.techniques.some((t) => techniqueCovers(want, t)))
  ) {
    return false;
  }
  if (w.observable && !visible(p, subject).some((o) => o.kind === w.observable)) return false;
  return true;
}

type Checked = { ok: true; target: string } | { ok: false; code: SkipCode; message: string };

/** The safety rules, applied to every rendered target. */
function checkTarget(a: PlaybookAction, target: string): Checked {
  if (target.trim() === "") return { ok: false, code: "empty-target", message: "the target rendered empty" };
  if (a.kind === "block-ip") {
    const ip = parseIp(target.trim());
    if (!ip) return { ok: false, code: "invalid-target", message: `"${target}" is not an IP address` };
    const u = unmapIp(ip);
    if (isInternalAddress(u) && !a.allowInternal) {
      return {
        ok: false,
        code: "internal-target",
        message: `${formatIp(u)} is internal (allow_internal is not set)`,
      };
    }
    return { ok: true, target: formatIp(u) };
  }
  if (a.kind === "block-range") {
    const c = parseCidr(target.trim(), true);
    if (!c) return { ok: false, code: "invalid-target", message: `"${target}" is not a CIDR range` };
    const text = formatCidr(c);
    if (c.prefix < BROADEST_PREFIX[c.version] && !a.allowBroad) {
      return {
        ok: false,
        code: "range-too-broad",
        message: `${text} is broader than /${BROADEST_PREFIX[c.version]} (allow_broad is not set)`,
      };
    }
    if (cidrTouchesInternal(c) && !a.allowInternal) {
      return {
        ok: false,
        code: "internal-target",
        message: `${text} covers internal addresses (allow_internal is not set)`,
      };
    }
    return { ok: true, target: text };
  }
  if (a.kind === "webhook") return { ok: true, target };
  const t = target.trim();
  return t.length > 256
    ? { ok: false, code: "invalid-target", message: "the target is longer than 256 characters" }
    : { ok: true, target: t };
}

function paramsOf(a: PlaybookAction, reason: string, now: Date): ActionParams {
  const base = reason === "" ? {} : { reason };
  switch (a.kind) {
    case "block-ip":
    case "block-range":
      return {
        ...base,
        duration: a.duration,
        durationMs: a.durationMs,
        until: new Date(now.getTime() + a.durationMs).toISOString(),
        decision: a.decision,
      };
    case "webhook":
      return { ...base, method: a.method };
    default:
      return base;
  }
}

/** Every playbook against the subject: what matched, what is proposed, what safety refused. */
export function explainPlaybooks(
  playbooks: readonly Playbook[],
  subject: PlaybookSubject,
  now: Date,
): PlaybookEvaluation {
  const matched: string[] = [];
  const proposals: ProposedAction[] = [];
  const skipped: SkippedAction[] = [];
  const seen = new Set<string>();
  for (const p of playbooks) {
    if (!playbookMatches(p, subject)) continue;
    matched.push(p.id);
    const observables = visible(p, subject);
    const common: Bindings = {
      "rule.id": subject.rule?.id,
      "rule.title": subject.rule?.title,
      "subject.kind": subject.kind,
      "subject.severity": subject.severity,
      "subject.title": subject.title,
      "subject.entity": subject.entity,
    };
    for (const a of p.actions) {
      const kind =
        a.kind === "webhook" ? a.reason?.observable : (a.target.observable ?? a.reason?.observable);
      const values =
        kind === undefined ? [undefined] : observables.filter((o) => o.kind === kind).map((o) => o.value);
      for (const value of values) {
        const bindings: Bindings = kind === undefined ? common : { ...common, [`observable.${kind}`]: value };
        const rendered = a.kind === "webhook" ? a.url : renderTemplate(a.target, bindings);
        const checked = checkTarget(a, rendered);
        if (!checked.ok) {
          skipped.push({
            playbook: p.id,
            kind: a.kind,
            target: rendered,
            code: checked.code,
            message: checked.message,
          });
          continue;
        }
        const key = `${p.id}\u0000${a.kind}\u0000${checked.target}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const reason = a.reason ? renderTemplate(a.reason, bindings) : "";
        proposals.push({
          playbook: p.id,
          kind: a.kind,
          target: checked.target,
          params: paramsOf(a, reason, now),
        });
      }
    }
  }
  return { matched, proposals, skipped };
}

/** The actions the playbooks propose for the subject (see explainPlaybooks for the refused ones). */
export function evaluatePlaybooks(
  playbooks: readonly Playbook[],
  subject: PlaybookSubject,
  now: Date,
): ProposedAction[] {
  return [...explainPlaybooks(playbooks, subject, now).proposals];
}
