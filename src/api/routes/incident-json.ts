// Incidents as the API shows them: ISO times, and the NIS2 clocks computed at the time of asking.
import type { Incident, TimelineEntry } from "../../core/index.js";
import { nis2Deadlines, overdue } from "../../soc/nis2.js";

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

export function incidentJson(i: Incident, now: Date) {
  const d = nis2Deadlines(i, now);
  const clock = (k: keyof typeof d) => ({
    due: d[k].due.toISOString(),
    submittedAt: iso(d[k].submittedAt),
    state: d[k].state,
    remainingMs: d[k].remainingMs,
  });
  return {
    ...i,
    awareAt: i.awareAt.toISOString(),
    createdAt: i.createdAt.toISOString(),
    updatedAt: i.updatedAt.toISOString(),
    reports: {
      earlyWarning: iso(i.reports.earlyWarning),
      notification: iso(i.reports.notification),
      finalReport: iso(i.reports.finalReport),
    },
    deadlines: {
      earlyWarning: clock("earlyWarning"),
      notification: clock("notification"),
      finalReport: clock("finalReport"),
    },
    overdue: overdue(i, now),
  };
}

export const timelineJson = (e: TimelineEntry) => ({ ...e, at: e.at.toISOString() });
