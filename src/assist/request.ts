// Mutual assistance between corridor nodes, as a pure state machine: both nodes apply the same
// signed events in the same order and so hold the same state. Time comes in with each event.
import { z } from "zod";
import { err, ok, type Problem, type Result } from "../core/index.js";

export const CRISIS_LEVELS = ["normal", "elevated", "crisis", "military"] as const;
export type CrisisLevel = (typeof CRISIS_LEVELS)[number];

export const CAPABILITIES = ["forensics", "blocking", "capacity", "ai-capacity"] as const;
export type Capability = (typeof CAPABILITIES)[number];

export const ASSIST_STATUSES = ["requested", "acknowledged", "accepted", "declined", "closed"] as const;
export type AssistStatus = (typeof ASSIST_STATUSES)[number];

/** How long the partner has to acknowledge, by crisis level (the SLA). */
export const ACK_SLA_MS: Readonly<Record<CrisisLevel, number>> = {
  normal: 3_600_000,
  elevated: 3_600_000,
  crisis: 15 * 60_000,
  military: 15 * 60_000,
};

const Text = (max: number) => z.string().trim().min(1).max(max);

/** What the requesting side fills in (validated at the API). */
export const AssistanceInput = z.strictObject({
  to: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, "a partner node id, e.g. de"),
  requestingEntity: Text(200),
  incident: z
    .strictObject({ id: z.string().max(200), title: Text(200).optional() })
    .optional()
    .describe("the incident the request is about (local id or STIX id)"),
  crisisLevel: z.enum(CRISIS_LEVELS),
  impact: Text(5000),
  measuresTaken: Text(5000),
  capabilities: z.array(z.enum(CAPABILITIES)).min(1).max(CAPABILITIES.length),
  deadline: z.iso.datetime({ offset: true }).describe("when help is needed by"),
});
export type AssistanceInput = z.infer<typeof AssistanceInput>;

export interface AssistanceUpdate {
  readonly at: string;
  readonly node: string;
  readonly actor: string;
  readonly text: string;
}

export interface AssistanceRequest extends Omit<AssistanceInput, "to"> {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly status: AssistStatus;
  readonly createdAt: string;
  readonly acknowledgedAt: string | null;
  readonly decidedAt: string | null;
  /** Why it was accepted (optional) or declined (required). */
  readonly decisionReason: string | null;
  readonly closedAt: string | null;
  readonly outcome: string | null;
  readonly updates: readonly AssistanceUpdate[];
  /** Sequence of the last event applied: events are applied in order, once. */
  readonly seq: number;
}

/** Events exchanged between the two nodes (signed in transit). */
export type AssistanceEvent =
  | { readonly kind: "requested"; readonly seq: 1; readonly at: string; readonly request: AssistanceRequest }
  | {
      readonly kind: "acknowledged";
      readonly seq: number;
      readonly at: string;
      readonly node: string;
      readonly actor: string;
    }
  | {
      readonly kind: "accepted" | "declined";
      readonly seq: number;
      readonly at: string;
      readonly node: string;
      readonly actor: string;
      readonly reason?: string | undefined;
    }
  | {
      readonly kind: "update";
      readonly seq: number;
      readonly at: string;
      readonly node: string;
      readonly actor: string;
      readonly text: string;
    }
  | {
      readonly kind: "closed";
      readonly seq: number;
      readonly at: string;
      readonly node: string;
      readonly actor: string;
      readonly outcome: string;
    };

const problem = (code: string, message: string): Problem => ({ code, message });

/** Opens a request: the first event. */
export function openRequest(
  input: AssistanceInput,
  ids: { readonly id: string; readonly from: string },
  now: Date,
): AssistanceEvent {
  const { to, ...rest } = input;
  const request: AssistanceRequest = {
    ...rest,
    id: ids.id,
    from: ids.from,
    to,
    status: "requested",
    createdAt: now.toISOString(),
    acknowledgedAt: null,
    decidedAt: null,
    decisionReason: null,
    closedAt: null,
    outcome: null,
    updates: [],
    seq: 1,
  };
  return { kind: "requested", seq: 1, at: request.createdAt, request };
}

/**
 * Applies one event. The partner (the `to` node) acknowledges and decides; either side posts
 * updates; the requester closes (or the partner, once it declined or finished). Out-of-order or
 * repeated events are refused with a code, so a replayed message changes nothing.
 */
export function applyEvent(
  state: AssistanceRequest | undefined,
  e: AssistanceEvent,
): Result<AssistanceRequest, Problem> {
  if (e.kind === "requested") {
    if (state) return err(problem("assist-duplicate", `request ${state.id} exists already`));
    return ok(e.request);
  }
  if (!state) return err(problem("assist-unknown", "no such request"));
  if (e.seq !== state.seq + 1) {
    return err(problem("assist-out-of-order", `event ${e.seq} does not follow ${state.seq}`));
  }
  const party = e.node === state.from || e.node === state.to;
  if (!party) return err(problem("assist-not-party", `${e.node} is not a party to request ${state.id}`));
  const next = { ...state, seq: e.seq };
  switch (e.kind) {
    case "acknowledged":
      if (e.node !== state.to) return err(problem("assist-wrong-party", "only the asked node acknowledges"));
      if (state.status !== "requested")
        return err(problem("assist-state", `cannot acknowledge a ${state.status} request`));
      return ok({ ...next, status: "acknowledged", acknowledgedAt: e.at });
    case "accepted":
    case "declined":
      if (e.node !== state.to)
        return err(problem("assist-wrong-party", "only the asked node accepts or declines"));
      if (state.status !== "requested" && state.status !== "acknowledged") {
        return err(
          problem(
            "assist-state",
            `cannot ${e.kind === "accepted" ? "accept" : "decline"} a ${state.status} request`,
          ),
        );
      }
      if (e.kind === "declined" && !e.reason?.trim())
        return err(problem("assist-reason-required", "declining needs a reason"));
      return ok({
        ...next,
        status: e.kind,
        acknowledgedAt: state.acknowledgedAt ?? e.at,
        decidedAt: e.at,
        decisionReason: e.reason?.trim() || null,
      });
    case "update":
      if (state.status === "closed") return err(problem("assist-state", "the request is closed"));
      return ok({
        ...next,
        updates: [...state.updates, { at: e.at, node: e.node, actor: e.actor, text: e.text }],
      });
    case "closed":
      if (state.status === "closed") return err(problem("assist-state", "the request is closed already"));
      if (e.node !== state.from && state.status !== "declined" && state.status !== "accepted") {
        return err(problem("assist-wrong-party", "the asked node closes only after deciding"));
      }
      return ok({ ...next, status: "closed", closedAt: e.at, outcome: e.outcome });
  }
}

export interface AssistanceSla {
  readonly ackDue: string;
  /** Not acknowledged (nor decided) and past the acknowledgement SLA. */
  readonly ackOverdue: boolean;
  /** Open past its deadline. */
  readonly pastDeadline: boolean;
}

export function slaOf(
  r: AssistanceRequest,
  now: Date,
  sla: Readonly<Record<CrisisLevel, number>> = ACK_SLA_MS,
): AssistanceSla {
  const due = Date.parse(r.createdAt) + sla[r.crisisLevel];
  return {
    ackDue: new Date(due).toISOString(),
    ackOverdue: r.acknowledgedAt === null && r.status === "requested" && now.getTime() > due,
    pastDeadline: r.status !== "closed" && r.status !== "declined" && now.getTime() > Date.parse(r.deadline),
  };
}
