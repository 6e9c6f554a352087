// Reads an event's time into epoch milliseconds from the usual shapes: ISO 8601 (with or without a
// zone; none means UTC, as log shippers write it), "YYYY-MM-DD hh:mm:ss.fff", epoch s/ms numbers.
import type { JsonValue } from "../../core/index.js";

/** Numbers below this are seconds (until year 5138), above it milliseconds. */
const MS_THRESHOLD = 1e11;

const hasZone = (s: string): boolean => {
  const last = s.charCodeAt(s.length - 1);
  if (last === 90 || last === 122) return true; // Z z
  // +hh:mm / -hhmm after the time part
  const t = s.indexOf("T") === -1 ? s.indexOf(" ") : s.indexOf("T");
  return t !== -1 && (s.indexOf("+", t) !== -1 || s.indexOf("-", t) !== -1);
};

export const parseTime = (v: JsonValue | undefined): number | undefined => {
  if (typeof v === "number")
    return Number.isFinite(v) ? (v < MS_THRESHOLD ? Math.round(v * 1000) : v) : undefined;
  if (typeof v !== "string" || v.length < 4) return undefined;
  const c0 = v.charCodeAt(0);
  if (c0 < 48 || c0 > 57) return auditTime(v);
  if (v.length >= 10 && v.charCodeAt(4) === 45 /* - */) {
    let s = v;
    if (v.length > 10 && v.charCodeAt(10) === 32) s = `${v.slice(0, 10)}T${v.slice(11)}`;
    if (!hasZone(s) && s.length > 10) s += "Z";
    const ms = Date.parse(s);
    return Number.isNaN(ms) ? undefined : ms;
  }
  const n = Number(v);
  if (Number.isFinite(n)) return n < MS_THRESHOLD ? Math.round(n * 1000) : n;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? undefined : ms;
};

/** auditd's `msg=audit(1600000000.123:42):` stamp. */
const auditTime = (v: string): number | undefined => {
  if (!v.startsWith("audit(")) return undefined;
  const colon = v.indexOf(":", 6);
  const n = Number(v.slice(6, colon === -1 ? undefined : colon));
  return Number.isFinite(n) ? Math.round(n * 1000) : undefined;
};
