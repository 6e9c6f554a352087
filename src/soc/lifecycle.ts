// The incident lifecycle as a state machine: which status changes a SOC allows, and what each needs.
// Role checks live in the API; this only says whether a change makes sense and why not.
import { err, type IncidentStatus, ok, type Problem, type Result } from "../core/index.js";

/** Why an incident was closed: recorded so metrics can separate real incidents from noise. */
export const RESOLUTIONS = ["resolved", "false-positive", "benign", "duplicate", "risk-accepted"] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

/** The resolutions that mean "there was no incident to handle": only these may skip the response steps. */
const NOT_AN_INCIDENT: readonly Resolution[] = ["false-positive", "benign", "duplicate"];

type Needs = "nothing" | "reason" | "resolution";

interface Edge {
  readonly to: IncidentStatus;
  /** What the change must carry. Backward steps and reopening need a reason; closing a resolution. */
  readonly needs: Needs;
  /** Closing early (before recovery) is only for "there was no incident". */
  readonly resolutions?: readonly Resolution[];
}

/**
 * Forward one step is always fine. Skips: `new -> contained` (contain first on an obvious attack,
 * triage after), `contained -> recovered` (nothing to eradicate, e.g. a DDoS that ended), and
 * `new|triage -> closed` for noise. Backward: re-infection after eradication or recovery goes back
 * to `contained`; a closed incident reopens into `triage`, because it has to be looked at again.
 */
const EDGES: Readonly<Record<IncidentStatus, readonly Edge[]>> = {
  new: [
    { to: "triage", needs: "nothing" },
    { to: "contained", needs: "nothing" },
    { to: "closed", needs: "resolution", resolutions: NOT_AN_INCIDENT },
  ],
  triage: [
    { to: "contained", needs: "nothing" },
    { to: "closed", needs: "resolution", resolutions: NOT_AN_INCIDENT },
  ],
  contained: [
    { to: "eradicated", needs: "nothing" },
    { to: "recovered", needs: "nothing" },
    { to: "triage", needs: "reason" },
  ],
  eradicated: [
    { to: "recovered", needs: "nothing" },
    { to: "contained", needs: "reason" },
  ],
  recovered: [
    { to: "closed", needs: "resolution", resolutions: ["resolved", "risk-accepted"] },
    { to: "contained", needs: "reason" },
  ],
  closed: [{ to: "triage", needs: "reason" }],
};

export interface TransitionOptions {
  /** Free text, required for backward steps and reopening; kept on the timeline. */
  readonly reason?: string;
  /** Required when closing. */
  readonly resolution?: Resolution;
}

/** A decided status change, ready for the incident row and its timeline entry. */
export interface Transition {
  readonly from: IncidentStatus;
  readonly status: IncidentStatus;
  readonly reason: string | null;
  readonly resolution: Resolution | null;
  /** A step back in the lifecycle (reopening included): worth a notice to the incident's watchers. */
  readonly backward: boolean;
  readonly reopened: boolean;
}

/** The statuses reachable from `from`, with what each change needs (for the console's buttons). */
export function nextStatuses(from: IncidentStatus): readonly {
  readonly to: IncidentStatus;
  readonly needs: Needs;
  readonly resolutions?: readonly Resolution[];
}[] {
  return EDGES[from];
}

const ORDER: Readonly<Record<IncidentStatus, number>> = {
  new: 0,
  triage: 1,
  contained: 2,
  eradicated: 3,
  recovered: 4,
  closed: 5,
};

const problem = (code: string, message: string, path: string): Problem => ({ code, message, path });

export function transition(
  incident: { readonly status: IncidentStatus },
  to: IncidentStatus,
  options: TransitionOptions = {},
): Result<Transition, Problem> {
  const from = incident.status;
  if (from === to) return err(problem("same-status", `the incident is already ${to}`, "status"));
  const edge = EDGES[from].find((e) => e.to === to);
  if (!edge) {
    const allowed = EDGES[from].map((e) => e.to).join(", ");
    return err(
      problem("invalid-transition", `cannot go from ${from} to ${to} (allowed: ${allowed})`, "status"),
    );
  }
  const reason = options.reason?.trim() || null;
  const resolution = options.resolution ?? null;
  if (edge.needs === "reason" && reason === null) {
    return err(problem("reason-required", `going from ${from} back to ${to} needs a reason`, "reason"));
  }
  if (edge.needs === "resolution") {
    if (resolution === null) {
      return err(
        problem(
          "resolution-required",
          `closing needs a resolution (${edge.resolutions?.join(", ")})`,
          "resolution",
        ),
      );
    }
    if (edge.resolutions && !edge.resolutions.includes(resolution)) {
      return err(
        problem(
          "resolution-not-allowed",
          `closing from ${from} as "${resolution}" is not allowed (allowed: ${edge.resolutions.join(", ")})`,
          "resolution",
        ),
      );
    }
    // Calling something noise is a judgement a reviewer will want to read.
    if (NOT_AN_INCIDENT.includes(resolution) && reason === null) {
      return err(problem("reason-required", `closing as "${resolution}" needs a reason`, "reason"));
    }
  } else if (resolution !== null) {
    return err(problem("resolution-not-allowed", "a resolution is only given when closing", "resolution"));
  }
  return ok({
    from,
    status: to,
    reason,
    resolution,
    backward: ORDER[to] < ORDER[from],
    reopened: from === "closed",
  });
}
