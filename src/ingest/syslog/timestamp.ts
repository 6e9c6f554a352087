// Syslog timestamps to ISO 8601 UTC: RFC 5424's RFC 3339 subset (fraction and offset kept exact) and
// RFC 3164's `Mmm dd hh:mm:ss`, whose missing year is inferred from a given `now`.

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

const pad = (n: number, w = 2): string => String(n).padStart(w, "0");

const daysIn = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** `Date.UTC` for valid calendar fields, else undefined (no Feb 30, no hour 24, no leap second 60). */
function utcMillis(y: number, mo: number, d: number, h: number, mi: number, s: number): number | undefined {
  if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || h > 23 || mi > 59 || s > 59) return undefined;
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  // Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear puts them back.
  return y < 100 ? new Date(ms).setUTCFullYear(y) : ms;
}

/** ISO 8601 in UTC, with the fraction digits given (none, or as many as the source had). */
export function isoUtc(ms: number, fraction: string): string {
  const d = new Date(ms);
  const date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return `${date}T${time}${fraction === "" ? "" : `.${fraction}`}Z`;
}

/** An RFC 3339 timestamp (as RFC 5424 §6.2.3 restricts it) to ISO UTC; undefined when invalid. */
export function rfc3339ToIso(text: string): string | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac = "", zone = "Z"] = m;
  const ms = utcMillis(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s));
  if (ms === undefined) return undefined;
  let offset = 0;
  if (zone !== "Z") {
    const oh = Number(zone.slice(1, 3));
    const om = Number(zone.slice(4, 6));
    if (oh > 23 || om > 59) return undefined;
    offset = (zone[0] === "-" ? -1 : 1) * (oh * 60 + om);
  }
  return isoUtc(ms - offset * 60_000, frac);
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `Mmm dd hh:mm:ss` (day space-padded or not, optional fraction or year as some devices send). */
export const BSD_TIMESTAMP =
  /^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) {1,2}(\d{1,2}) (?:(\d{4}) )?(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(?= |$)/;

/** How far in the future a BSD timestamp may be (sender clock ahead) and still be this year's. */
const FUTURE_SKEW_MS = 24 * 3600_000;

/**
 * A BSD timestamp to ISO UTC. Without a year, the latest of (now's year + 1, now's year, earlier
 * years back to the last 29 February) that is not more than a day after `now` wins: logs come from the past, so a December message
 * read in January is last year's, and a 00:00:30 1 January message read at 23:59:59 is next year's.
 * `utcOffsetMinutes` is the sender's zone (BSD timestamps carry none).
 */
export function bsdToIso(m: RegExpExecArray, now: Date, utcOffsetMinutes: number): string | undefined {
  const [, mon, d, year, h, mi, s, frac = ""] = m;
  const mo = MONTHS.indexOf(mon ?? "") + 1;
  const y0 = now.getUTCFullYear();
  const years = year ? [Number(year)] : [y0 + 1, y0, y0 - 1, y0 - 2, y0 - 3, y0 - 4];
  let fallback: number | undefined;
  for (const y of years) {
    const local = utcMillis(y, mo, Number(d), Number(h), Number(mi), Number(s));
    if (local === undefined) continue;
    const ms = local - utcOffsetMinutes * 60_000;
    if (year || ms <= now.getTime() + FUTURE_SKEW_MS) return isoUtc(ms, frac);
    fallback ??= ms;
  }
  return fallback === undefined ? undefined : isoUtc(fallback, frac);
}
