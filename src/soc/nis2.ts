// NIS2 Art. 23 reporting clocks: early warning, incident notification and final report, from awareness.
// Pure: the caller passes `now`; all calendar arithmetic is in UTC.
import type { Incident } from "../core/index.js";

const HOUR = 3_600_000;

export const NIS2_REPORTS = ["earlyWarning", "notification", "finalReport"] as const;
export type Nis2Report = (typeof NIS2_REPORTS)[number];

export type DeadlineState =
  | "not-applicable"
  | "pending"
  | "due-soon"
  | "overdue"
  | "submitted"
  | "submitted-late";

export interface Deadline {
  /** When the report is due. Computed even when not applicable, so the console can show what would apply. */
  readonly due: Date;
  readonly submittedAt: Date | null;
  readonly state: DeadlineState;
  /** `due - now`: negative once the deadline has passed. */
  readonly remainingMs: number;
}

export type Nis2Deadlines = { readonly [R in Nis2Report]: Deadline };

/** How long before the deadline a pending report turns "due-soon". */
export type DueSoonMs = { readonly [R in Nis2Report]: number };

export const DEFAULT_DUE_SOON_MS: DueSoonMs = {
  earlyWarning: 6 * HOUR,
  notification: 24 * HOUR,
  finalReport: 7 * 24 * HOUR,
};

/** What the clocks read from an incident (an incident row, or an input before it is stored). */
export type Nis2Subject = Pick<Incident, "awareAt" | "reports"> & {
  readonly nis2: Pick<Incident["nis2"], "significant">;
};

/**
 * The same instant one calendar month later (UTC). "One month" in Art. 23(4)(d) is read as a
 * calendar month, as EU law counts periods (Regulation 1182/71 Art. 3(2)(c)), not as 30 days.
 * We keep the time of day rather than 1182/71's "end of that day": stricter by design, so a SOC
 * never plans on the last hours. When the next month lacks the day (Jan 31 -> February), the
 * period ends with that month's last day, at its last instant: clamping to the same time of day
 * there would make a later start give an earlier end (Mar 30 23:59 -> Apr 30 23:59, but Mar 31
 * 00:00 -> Apr 30 00:00), which a property test caught.
 */
export function addCalendarMonth(at: Date): Date {
  const y = at.getUTCFullYear();
  const m = at.getUTCMonth() + 1;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  if (at.getUTCDate() > lastDay) return new Date(Date.UTC(y, m + 1, 1) - 1);
  const d = new Date(at.getTime());
  d.setUTCDate(1); // avoid rolling over while the month changes
  d.setUTCFullYear(y, m, Math.min(at.getUTCDate(), lastDay));
  return d;
}

/**
 * Due dates. Early warning: awareness + 24 h (Art. 23(4)(a)); notification: awareness + 72 h
 * (Art. 23(4)(b)); final report: "no later than one month after the submission of the incident
 * notification" (Art. 23(4)(d)), so one calendar month after the notification was submitted, or,
 * while it has not been, after the notification's own due time: the latest the clock can start.
 * A late notification therefore moves the final report later too, as the article's wording does.
 */
export function nis2DueDates(subject: Pick<Nis2Subject, "awareAt" | "reports">): {
  readonly [R in Nis2Report]: Date;
} {
  const aware = subject.awareAt.getTime();
  const notification = new Date(aware + 72 * HOUR);
  return {
    earlyWarning: new Date(aware + 24 * HOUR),
    notification,
    finalReport: addCalendarMonth(subject.reports.notification ?? notification),
  };
}

function deadline(
  due: Date,
  submittedAt: Date | null,
  applies: boolean,
  now: Date,
  soonMs: number,
): Deadline {
  const remainingMs = due.getTime() - now.getTime();
  const state: DeadlineState = !applies
    ? "not-applicable"
    : submittedAt !== null
      ? submittedAt.getTime() <= due.getTime()
        ? "submitted"
        : "submitted-late"
      : remainingMs < 0
        ? "overdue"
        : remainingMs <= soonMs
          ? "due-soon"
          : "pending";
  return { due, submittedAt, state, remainingMs };
}

/** The three clocks; they apply only to significant incidents (Art. 23(3)). */
export function nis2Deadlines(
  subject: Nis2Subject,
  now: Date,
  dueSoonMs: DueSoonMs = DEFAULT_DUE_SOON_MS,
): Nis2Deadlines {
  const due = nis2DueDates(subject);
  const applies = subject.nis2.significant;
  return {
    earlyWarning: deadline(
      due.earlyWarning,
      subject.reports.earlyWarning,
      applies,
      now,
      dueSoonMs.earlyWarning,
    ),
    notification: deadline(
      due.notification,
      subject.reports.notification,
      applies,
      now,
      dueSoonMs.notification,
    ),
    finalReport: deadline(due.finalReport, subject.reports.finalReport, applies, now, dueSoonMs.finalReport),
  };
}

/** Whether any report of a significant incident is past due and not submitted. */
export function overdue(subject: Nis2Subject, now: Date): boolean {
  const d = nis2Deadlines(subject, now);
  return NIS2_REPORTS.some((r) => d[r].state === "overdue");
}

/** The earliest report still to be submitted, for sorting the incident queue; null when none is. */
export function nextNis2Deadline(
  subject: Nis2Subject,
  now: Date,
): { report: Nis2Report; deadline: Deadline } | null {
  if (!subject.nis2.significant) return null;
  const d = nis2Deadlines(subject, now);
  let best: { report: Nis2Report; deadline: Deadline } | null = null;
  for (const report of NIS2_REPORTS) {
    const x = d[report];
    if (x.submittedAt !== null) continue;
    if (best === null || x.due.getTime() < best.deadline.due.getTime()) best = { report, deadline: x };
  }
  return best;
}
