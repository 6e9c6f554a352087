import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  addCalendarMonth,
  NIS2_REPORTS,
  type Nis2Subject,
  nextNis2Deadline,
  nis2Deadlines,
  nis2DueDates,
  overdue,
} from "./nis2.js";

const H = 3_600_000;
const at = (s: string) => new Date(s);
const subject = (
  over: Partial<Nis2Subject["reports"]> = {},
  significant = true,
  awareAt = at("2026-01-10T08:00:00Z"),
): Nis2Subject => ({
  awareAt,
  nis2: { significant },
  reports: { earlyWarning: null, notification: null, finalReport: null, ...over },
});

describe("addCalendarMonth", () => {
  it("clamps to the end of shorter months", () => {
    const cases: [string, string][] = [
      ["2026-01-31T10:00:00.000Z", "2026-02-28T23:59:59.999Z"],
      ["2028-01-31T10:00:00.000Z", "2028-02-29T23:59:59.999Z"],
      ["2026-03-31T23:59:59.999Z", "2026-04-30T23:59:59.999Z"],
      ["2020-03-30T23:59:59.983Z", "2020-04-30T23:59:59.983Z"],
      ["2020-03-31T00:00:00.000Z", "2020-04-30T23:59:59.999Z"], // a later start never ends earlier
      ["2026-12-31T00:00:00.000Z", "2027-01-31T00:00:00.000Z"],
      ["2026-02-28T12:00:00.000Z", "2026-03-28T12:00:00.000Z"],
      ["2026-01-15T06:30:00.000Z", "2026-02-15T06:30:00.000Z"],
      ["2100-01-29T00:00:00.000Z", "2100-02-28T23:59:59.999Z"], // 2100 is not a leap year
    ];
    for (const [from, to] of cases) assert.equal(addCalendarMonth(at(from)).toISOString(), to, from);
  });

  it("moves forward 28 to 31 days, keeps the time of day unless clamped, and never decreases (property)", () => {
    const date = fc.date({
      min: at("1990-01-01T00:00:00Z"),
      max: at("2200-01-01T00:00:00Z"),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(date, date, (a, b) => {
        const m = addCalendarMonth(a);
        const days = (m.getTime() - a.getTime()) / (24 * H);
        assert.ok(days >= 28 && days <= 31, `${a.toISOString()} -> ${m.toISOString()}`);
        const clamped = m.getUTCDate() !== a.getUTCDate();
        if (!clamped) assert.equal(m.getTime() % (24 * H), a.getTime() % (24 * H));
        else assert.equal(m.getTime() % (24 * H), 24 * H - 1, "a clamped period ends with its month");
        if (a <= b) assert.ok(addCalendarMonth(a) <= addCalendarMonth(b));
      }),
    );
  });
});

describe("nis2Deadlines", () => {
  it("computes the three due dates from awareness and the notification", () => {
    const d = nis2DueDates(subject());
    assert.equal(d.earlyWarning.toISOString(), "2026-01-11T08:00:00.000Z");
    assert.equal(d.notification.toISOString(), "2026-01-13T08:00:00.000Z");
    assert.equal(d.finalReport.toISOString(), "2026-02-13T08:00:00.000Z");
    // Submitted early: the month runs from the submission.
    assert.equal(
      nis2DueDates(subject({ notification: at("2026-01-12T09:00:00Z") })).finalReport.toISOString(),
      "2026-02-12T09:00:00.000Z",
    );
    // Notification on Jan 31: final report by the end of Feb 28.
    assert.equal(
      nis2DueDates(subject({ notification: at("2026-01-31T17:00:00Z") })).finalReport.toISOString(),
      "2026-02-28T23:59:59.999Z",
    );
  });

  it("reports each state", () => {
    const s = subject({ earlyWarning: at("2026-01-10T20:00:00Z"), notification: at("2026-01-13T09:00:00Z") });
    const d = nis2Deadlines(s, at("2026-02-08T08:00:00Z"));
    assert.equal(d.earlyWarning.state, "submitted");
    assert.equal(d.notification.state, "submitted-late");
    assert.equal(d.finalReport.due.toISOString(), "2026-02-13T09:00:00.000Z");
    assert.equal(d.finalReport.state, "due-soon"); // 5 days 1 h left, under a week
    assert.equal(d.finalReport.remainingMs, 5 * 24 * H + H);
    assert.equal(nis2Deadlines(s, at("2026-01-20T00:00:00Z")).finalReport.state, "pending");
    const late = nis2Deadlines(subject(), at("2026-01-11T08:00:00.001Z"));
    assert.equal(late.earlyWarning.state, "overdue");
    assert.equal(late.earlyWarning.remainingMs, -1);
    assert.equal(late.notification.state, "pending");
    assert.equal(nis2Deadlines(subject(), at("2026-01-11T08:00:00Z")).earlyWarning.state, "due-soon"); // at the due instant: not yet late
  });

  it("does not apply to incidents that are not significant", () => {
    const d = nis2Deadlines(subject({}, false), at("2027-01-01T00:00:00Z"));
    for (const r of NIS2_REPORTS) assert.equal(d[r].state, "not-applicable");
    assert.equal(overdue(subject({}, false), at("2027-01-01T00:00:00Z")), false);
    assert.equal(nextNis2Deadline(subject({}, false), at("2026-01-10T09:00:00Z")), null);
  });

  it("names the next report due", () => {
    const next = nextNis2Deadline(
      subject({ earlyWarning: at("2026-01-10T09:00:00Z") }),
      at("2026-01-10T10:00:00Z"),
    );
    assert.equal(next?.report, "notification");
    assert.equal(
      nextNis2Deadline(
        subject({
          earlyWarning: at("2026-01-10T09:00:00Z"),
          notification: at("2026-01-10T09:00:00Z"),
          finalReport: at("2026-01-10T09:00:00Z"),
        }),
        at("2026-01-10T10:00:00Z"),
      ),
      null,
    );
  });

  const time = (min: number, max: number) => fc.integer({ min, max }).map((n) => new Date(n));
  const T0 = Date.parse("2020-01-01T00:00:00Z");
  const YEAR = 366 * 24 * H;
  const scenario = time(T0, T0 + 5 * YEAR).chain((awareAt) =>
    fc.record({
      awareAt: fc.constant(awareAt),
      significant: fc.boolean(),
      // Reports are submitted after awareness, within 90 days.
      earlyWarning: fc.option(time(awareAt.getTime(), awareAt.getTime() + 90 * 24 * H)),
      notification: fc.option(time(awareAt.getTime(), awareAt.getTime() + 90 * 24 * H)),
      finalReport: fc.option(time(awareAt.getTime(), awareAt.getTime() + 180 * 24 * H)),
      now: time(awareAt.getTime() - 24 * H, awareAt.getTime() + 200 * 24 * H),
    }),
  );

  it("due dates are ordered and the states follow from them (property)", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const subj: Nis2Subject = {
          awareAt: s.awareAt,
          nis2: { significant: s.significant },
          reports: { earlyWarning: s.earlyWarning, notification: s.notification, finalReport: s.finalReport },
        };
        const d = nis2Deadlines(subj, s.now);
        assert.ok(s.awareAt < d.earlyWarning.due);
        assert.ok(d.earlyWarning.due < d.notification.due);
        assert.ok(d.notification.due < d.finalReport.due);
        let anyOverdue = false;
        for (const r of NIS2_REPORTS) {
          const x = d[r];
          assert.equal(x.remainingMs, x.due.getTime() - s.now.getTime());
          const isOverdue = s.significant && x.submittedAt === null && s.now > x.due;
          assert.equal(x.state === "overdue", isOverdue, r);
          anyOverdue ||= isOverdue;
          if (!s.significant) assert.equal(x.state, "not-applicable");
          else if (x.submittedAt)
            assert.equal(x.state, x.submittedAt > x.due ? "submitted-late" : "submitted");
        }
        assert.equal(overdue(subj, s.now), anyOverdue);
      }),
      { numRuns: 500 },
    );
  });

  it("a later notification never moves the final report earlier (property)", () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 0, max: 40 * 24 * H }), (s, delay) => {
        const first = s.notification ?? s.awareAt;
        const a = nis2DueDates({
          awareAt: s.awareAt,
          reports: { earlyWarning: null, notification: first, finalReport: null },
        });
        const b = nis2DueDates({
          awareAt: s.awareAt,
          reports: { earlyWarning: null, notification: new Date(first.getTime() + delay), finalReport: null },
        });
        assert.ok(a.finalReport <= b.finalReport);
      }),
    );
  });
});
