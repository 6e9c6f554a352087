// A match as plain data: what the detector commits, whether the match was found in this thread
// or in the detection worker (which posts it across as a structured clone).
import type { JsonObject, JsonValue } from "../core/index.js";
import type { BatchMatch } from "./detect-batch.js";

export interface RuleMeta {
  readonly id: string;
  readonly title: string;
  readonly level?: string | undefined;
  readonly tags: readonly string[];
}

export type MatchView =
  | {
      readonly kind: "detection";
      readonly rule: RuleMeta;
      readonly recordId: string;
      readonly receivedAt: number;
      /** The event with Sigma field names, as the rule saw it. */
      readonly fields: JsonObject;
      readonly time: number;
    }
  | {
      readonly kind: "correlation";
      readonly rule: RuleMeta & { readonly type: string };
      readonly group: Readonly<Record<string, JsonValue>>;
      readonly first: number;
      readonly last: number;
    };

const meta = (r: {
  id: string;
  title: string;
  level?: string | undefined;
  tags: readonly string[];
}): RuleMeta => ({
  id: r.id,
  title: r.title,
  level: r.level,
  tags: [...r.tags],
});

export function viewOf(m: BatchMatch): MatchView {
  if (m.kind === "detection") {
    return {
      kind: "detection",
      rule: meta(m.rule),
      recordId: m.record.id,
      receivedAt: m.record.receivedAt,
      fields: m.fields,
      time: m.time,
    };
  }
  return {
    kind: "correlation",
    rule: { ...meta(m.match.rule), type: m.match.rule.type },
    group: m.match.group,
    first: m.match.first,
    last: m.match.last,
  };
}
