// A detection or correlation match as the alert record the store keeps.
import type { JsonValue } from "../core/index.js";
import { alertFromMatch } from "../soc/alerts.js";
import type { RuleMatch } from "../store/alerts-repo.js";
import type { MatchView } from "./match-view.js";

const groupText = (group: Readonly<Record<string, JsonValue>>) =>
  Object.entries(group)
    .map(([k, v]) => `${k}=${v === null ? "" : typeof v === "object" ? JSON.stringify(v) : String(v)}`)
    .join(",");

export function toRuleMatch(m: MatchView): RuleMatch {
  if (m.kind === "detection") {
    const a = alertFromMatch({
      rule: { id: m.rule.id, title: m.rule.title, level: m.rule.level, tags: m.rule.tags },
      event: m.fields,
    });
    return {
      ruleId: a.ruleId,
      ruleTitle: a.ruleTitle,
      severity: a.severity,
      tags: a.tags,
      techniques: a.techniques,
      entity: a.entity,
      eventId: m.recordId,
      at: new Date(m.time),
    };
  }
  const c = m;
  const group = groupText(c.group);
  const a = alertFromMatch({
    rule: { id: c.rule.id, title: c.rule.title, level: c.rule.level, tags: c.rule.tags },
    event: {},
    correlation: { type: c.rule.type, group },
  });
  return {
    ruleId: a.ruleId,
    ruleTitle: a.ruleTitle,
    severity: a.severity,
    tags: a.tags,
    techniques: a.techniques,
    entity: a.entity,
    // a correlation has no single event: its window identifies it, so a replay folds into it
    eventId: `correlation:${c.first}-${c.last}`,
    at: new Date(c.last),
    correlation: { type: c.rule.type, group },
  };
}
