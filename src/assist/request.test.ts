import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import {
  type AssistanceEvent,
  AssistanceInput,
  type AssistanceRequest,
  applyEvent,
  openRequest,
  slaOf,
} from "./request.js";

const T0 = new Date("2026-11-20T09:40:00Z");
const at = (min: number) => new Date(T0.getTime() + min * 60_000).toISOString();
const input = (crisisLevel: "normal" | "crisis" = "crisis") =>
  AssistanceInput.parse({
    to: "de",
    requestingEntity: "ANSSI-like CERT of fr",
    incident: { id: "incident--6b0b6f2e-1f3a-4c1e-9d1d-1b2c3d4e5f60", title: "Ransomware at a haulier" },
    crisisLevel,
    impact: "Two sites encrypted; logistics for 3 hospitals at risk",
    measuresTaken: "Hosts isolated, C2 blocked at fr's perimeter",
    capabilities: ["forensics", "blocking"],
    deadline: at(240),
  });

function run(events: AssistanceEvent[]): AssistanceRequest {
  let s: AssistanceRequest | undefined;
  for (const e of events) {
    const r = applyEvent(s, e);
    assert.ok(r.ok, !r.ok ? `${e.kind}: ${r.error.code} ${r.error.message}` : "");
    s = r.value;
  }
  return s!;
}

describe("assistance requests", () => {
  test("requested -> acknowledged -> accepted -> updates -> closed, the same on both sides", () => {
    const events: AssistanceEvent[] = [
      openRequest(input(), { id: "a1", from: "fr" }, T0),
      { kind: "acknowledged", seq: 2, at: at(5), node: "de", actor: "k.weber" },
      { kind: "accepted", seq: 3, at: at(9), node: "de", actor: "k.weber", reason: "forensics team on call" },
      {
        kind: "update",
        seq: 4,
        at: at(30),
        node: "de",
        actor: "k.weber",
        text: "C2 range banned at de's perimeter",
      },
      {
        kind: "closed",
        seq: 5,
        at: at(200),
        node: "fr",
        actor: "c.dupont",
        outcome: "contained with de's help",
      },
    ];
    const fr = run(events);
    const de = run(JSON.parse(JSON.stringify(events)));
    assert.deepEqual(fr, de);
    assert.equal(fr.status, "closed");
    assert.equal(fr.acknowledgedAt, at(5));
    assert.equal(fr.updates.length, 1);
  });

  test("only the asked node acknowledges and decides; declining needs a reason; order and replays are checked", () => {
    const s = run([openRequest(input(), { id: "a2", from: "fr" }, T0)]);
    const codeOf = (e: AssistanceEvent, state = s) => {
      const r = applyEvent(state, e);
      return r.ok ? "ok" : r.error.code;
    };
    assert.equal(
      codeOf({ kind: "acknowledged", seq: 2, at: at(1), node: "fr", actor: "x" }),
      "assist-wrong-party",
    );
    assert.equal(
      codeOf({ kind: "acknowledged", seq: 2, at: at(1), node: "it", actor: "x" }),
      "assist-not-party",
    );
    assert.equal(
      codeOf({ kind: "declined", seq: 2, at: at(1), node: "de", actor: "x" }),
      "assist-reason-required",
    );
    assert.equal(
      codeOf({ kind: "acknowledged", seq: 3, at: at(1), node: "de", actor: "x" }),
      "assist-out-of-order",
    );
    const acked = applyEvent(s, { kind: "acknowledged", seq: 2, at: at(1), node: "de", actor: "x" });
    assert.ok(acked.ok);
    assert.equal(
      codeOf({ kind: "acknowledged", seq: 2, at: at(1), node: "de", actor: "x" }, acked.value),
      "assist-out-of-order",
    );
    assert.equal(
      codeOf({ kind: "closed", seq: 3, at: at(2), node: "de", actor: "x", outcome: "n/a" }, acked.value),
      "assist-wrong-party",
    );
    assert.equal(applyEvent(s, openRequest(input(), { id: "a2", from: "fr" }, T0)).ok, false);
  });

  test("SLA: 15 minutes to acknowledge in a crisis, an hour otherwise; flagged when late", () => {
    const crisis = run([openRequest(input("crisis"), { id: "a3", from: "fr" }, T0)]);
    assert.equal(slaOf(crisis, new Date(at(14))).ackOverdue, false);
    assert.equal(slaOf(crisis, new Date(at(16))).ackOverdue, true);
    const normal = run([openRequest(input("normal"), { id: "a4", from: "fr" }, T0)]);
    assert.equal(slaOf(normal, new Date(at(16))).ackOverdue, false);
    assert.equal(slaOf(normal, new Date(at(61))).ackOverdue, true);
    const acked = run([
      openRequest(input("crisis"), { id: "a5", from: "fr" }, T0),
      { kind: "acknowledged", seq: 2, at: at(3), node: "de", actor: "x" },
    ]);
    assert.equal(slaOf(acked, new Date(at(60))).ackOverdue, false);
    assert.equal(slaOf(acked, new Date(at(241))).pastDeadline, true);
  });

  test("the input schema names what is wrong", () => {
    const r = AssistanceInput.safeParse({ to: "DE!", crisisLevel: "panic", capabilities: [] });
    assert.ok(!r.success);
    const paths = r.error.issues.map((i) => i.path.join("."));
    for (const p of ["to", "crisisLevel", "capabilities", "impact", "deadline"])
      assert.ok(paths.includes(p), p);
  });

  test("property: any sequence of events leaves both sides in the same state, and a replayed event changes nothing", () => {
    const kinds = fc.constantFrom("acknowledged", "accepted", "declined", "update", "closed");
    fc.assert(
      fc.property(
        fc.array(fc.tuple(kinds, fc.constantFrom("fr", "de"), fc.boolean()), { maxLength: 12 }),
        (steps) => {
          let a: AssistanceRequest | undefined;
          let b: AssistanceRequest | undefined;
          const first = openRequest(input(), { id: "p", from: "fr" }, T0);
          a = (applyEvent(a, first) as { value: AssistanceRequest }).value;
          b = (applyEvent(b, first) as { value: AssistanceRequest }).value;
          for (const [kind, node, withReason] of steps) {
            const base = { seq: a.seq + 1, at: at(a.seq), node, actor: node };
            const e = (
              kind === "update"
                ? { ...base, kind, text: "news" }
                : kind === "closed"
                  ? { ...base, kind, outcome: "done" }
                  : kind === "acknowledged"
                    ? { ...base, kind }
                    : { ...base, kind, ...(withReason ? { reason: "because" } : {}) }
            ) as AssistanceEvent;
            const ra = applyEvent(a, e);
            const rb = applyEvent(b, e);
            assert.equal(ra.ok, rb.ok);
            if (ra.ok && rb.ok) {
              a = ra.value;
              b = rb.value;
              assert.equal(applyEvent(a, e).ok, false, "a replay is refused");
            }
          }
          assert.deepEqual(a, b);
        },
      ),
    );
  });
});
