import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { INCIDENT_STATUSES, type IncidentStatus } from "../core/index.js";
import { nextStatuses, RESOLUTIONS, transition } from "./lifecycle.js";

describe("incident lifecycle", () => {
  it("allows exactly the designed transitions (golden table)", () => {
    const allowed: Record<IncidentStatus, IncidentStatus[]> = {
      new: ["triage", "contained", "closed"],
      triage: ["contained", "closed"],
      contained: ["eradicated", "recovered", "triage"],
      eradicated: ["recovered", "contained"],
      recovered: ["closed", "contained"],
      closed: ["triage"],
    };
    for (const from of INCIDENT_STATUSES) {
      for (const to of INCIDENT_STATUSES) {
        const resolution = from === "recovered" ? "resolved" : "false-positive";
        const r = transition(
          { status: from },
          to,
          to === "closed" ? { reason: "because", resolution } : { reason: "because" },
        );
        const expected = allowed[from].includes(to);
        assert.equal(r.ok, expected, `${from} -> ${to}: ${r.ok ? "ok" : r.error.code}`);
        if (!r.ok) assert.equal(r.error.code, from === to ? "same-status" : "invalid-transition");
      }
    }
  });

  it("walks the happy path forward", () => {
    let status: IncidentStatus = "new";
    for (const to of ["triage", "contained", "eradicated", "recovered"] as const) {
      const r = transition({ status }, to);
      assert.ok(r.ok);
      assert.equal(r.value.backward, false);
      status = r.value.status;
    }
    const closed = transition({ status }, "closed", { resolution: "resolved" });
    assert.deepEqual(closed, {
      ok: true,
      value: {
        from: "recovered",
        status: "closed",
        reason: null,
        resolution: "resolved",
        backward: false,
        reopened: false,
      },
    });
  });

  it("closing as noise needs a resolution of that kind and a reason", () => {
    assert.equal(transition({ status: "triage" }, "closed").ok || "", "");
    const noResolution = transition({ status: "triage" }, "closed", { reason: "scanner of our own" });
    assert.equal(!noResolution.ok && noResolution.error.code, "resolution-required");
    const noReason = transition({ status: "triage" }, "closed", {
      resolution: "false-positive",
      reason: "   ",
    });
    assert.equal(!noReason.ok && noReason.error.code, "reason-required");
    const resolved = transition({ status: "triage" }, "closed", { resolution: "resolved", reason: "x" });
    assert.equal(!resolved.ok && resolved.error.code, "resolution-not-allowed");
    const fp = transition({ status: "triage" }, "closed", {
      resolution: "false-positive",
      reason: " our own scanner ",
    });
    assert.ok(fp.ok);
    assert.equal(fp.value.reason, "our own scanner");
  });

  it("backward steps and reopening need a reason", () => {
    for (const [from, to] of [
      ["closed", "triage"],
      ["eradicated", "contained"],
      ["recovered", "contained"],
      ["contained", "triage"],
    ] as const) {
      const bare = transition({ status: from }, to);
      assert.equal(!bare.ok && bare.error.code, "reason-required", `${from} -> ${to}`);
      const r = transition({ status: from }, to, { reason: "reinfected" });
      assert.ok(r.ok);
      assert.equal(r.value.backward, true);
      assert.equal(r.value.reopened, from === "closed");
    }
  });

  it("refuses a resolution outside closing", () => {
    const r = transition({ status: "new" }, "triage", { resolution: "resolved" });
    assert.equal(!r.ok && r.error.code, "resolution-not-allowed");
  });

  it("every status can reach closed, and closed can be reopened (property over random walks)", () => {
    const reachable = (from: IncidentStatus): Set<IncidentStatus> => {
      const seen = new Set<IncidentStatus>([from]);
      const todo = [from];
      while (todo.length) {
        for (const e of nextStatuses(todo.pop()!)) {
          if (seen.has(e.to)) continue;
          seen.add(e.to);
          todo.push(e.to);
        }
      }
      return seen;
    };
    for (const s of INCIDENT_STATUSES) assert.ok(reachable(s).has("closed"), s);
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom(...INCIDENT_STATUSES),
            fc.option(fc.constantFrom(...RESOLUTIONS)),
            fc.option(fc.string({ maxLength: 3 })),
          ),
          { maxLength: 40 },
        ),
        (steps) => {
          let status: IncidentStatus = "new";
          for (const [to, resolution, reason] of steps) {
            const r = transition({ status }, to, {
              ...(resolution === null ? {} : { resolution }),
              ...(reason === null ? {} : { reason }),
            });
            const edge = nextStatuses(status).find((e) => e.to === to);
            if (!edge) assert.equal(r.ok, false);
            if (!r.ok) continue;
            assert.ok(edge);
            // A resolution is accepted only when closing, and only one the edge allows.
            if (to === "closed") assert.ok(resolution !== null && edge.resolutions?.includes(resolution));
            else assert.equal(r.value.resolution, null);
            if (r.value.backward) assert.ok(r.value.reason !== null && r.value.reason.length > 0);
            status = r.value.status;
          }
        },
      ),
    );
  });
});
