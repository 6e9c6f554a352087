// Syslog PRI: `<PRIVAL>` where PRIVAL = facility * 8 + severity (RFC 5424 §6.2.1, same in RFC 3164).
import type { Problem } from "../../core/result.js";

export const FACILITIES = [
  "kern",
  "user",
  "mail",
  "daemon",
  "auth",
  "syslog",
  "lpr",
  "news",
  "uucp",
  "cron",
  "authpriv",
  "ftp",
  "ntp",
  "security",
  "console",
  "solaris-cron",
  "local0",
  "local1",
  "local2",
  "local3",
  "local4",
  "local5",
  "local6",
  "local7",
] as const;

export const SEVERITIES = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"] as const;

export interface Priority {
  readonly facility: number;
  readonly severity: number;
  /** Index just after `>`. */
  readonly next: number;
}

/** Reads `<PRIVAL>` at the start of `s`. */
export function parsePriority(s: string): Priority | Problem {
  if (s.charCodeAt(0) !== 0x3c)
    return { code: "missing-pri", message: "a syslog message starts with <PRI>, e.g. <34>" };
  const close = s.indexOf(">", 1);
  const digits = close === -1 ? "" : s.slice(1, close);
  if (!/^\d{1,3}$/.test(digits) || Number(digits) > 191)
    return {
      code: "invalid-pri",
      message: `PRI must be <0> to <191>, got ${JSON.stringify(s.slice(0, Math.min(close === -1 ? 6 : close + 1, 8)))}`,
    };
  const prival = Number(digits);
  return { facility: prival >> 3, severity: prival & 7, next: close + 1 };
}

export const isProblem = (x: object): x is Problem => "code" in x;

/** The fields every parsed message carries, numbers and names both. */
export const priorityFields = (p: { facility: number; severity: number }) => ({
  facility: p.facility,
  facility_name: FACILITIES[p.facility] ?? String(p.facility),
  severity: p.severity,
  severity_name: SEVERITIES[p.severity] ?? String(p.severity),
});
