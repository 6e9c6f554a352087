// TAXII and STIX timestamps with microsecond precision: RFC 3339 UTC, "Z", up to 6 fraction digits.
// Kept as integers (µs since the epoch) so ordering and paging are exact.

const STAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z$/;

/** µs since the epoch, or undefined when the text is not a STIX/TAXII timestamp. */
export function parseMicros(text: string): number | undefined {
  const m = STAMP.exec(text);
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  if (Number.isNaN(ms)) return undefined;
  const check = new Date(ms);
  if (check.getUTCDate() !== Number(m[3]) || check.getUTCHours() !== Number(m[4])) return undefined;
  const frac = (m[7] ?? "").padEnd(6, "0").slice(0, 6);
  return ms * 1000 + Number(frac);
}

export function formatMicros(us: number): string {
  const ms = Math.floor(us / 1000);
  const iso = new Date(ms).toISOString(); // ...ss.mmmZ
  const micros = String(us % 1_000_000).padStart(6, "0");
  return `${iso.slice(0, 19)}.${micros}Z`;
}
