// Go's time.Duration text ("4h0m0s", "59m59.5s", "1.5ms"): what CrowdSec bouncers parse in a
// decision's `duration` with time.ParseDuration, so we write it exactly as Go's String() does.

const NS_PER_US = 1_000n;
const NS_PER_MS = 1_000_000n;
const NS_PER_S = 1_000_000_000n;
const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

/** `v` divided by 10^prec as ".ddd" with trailing zeros dropped (nothing when the fraction is 0). */
function fraction(v: bigint, prec: number): { text: string; rest: bigint } {
  const scale = 10n ** BigInt(prec);
  const frac = v % scale;
  if (frac === 0n) return { text: "", rest: v / scale };
  const digits = frac.toString().padStart(prec, "0").replace(/0+$/, "");
  return { text: `.${digits}`, rest: v / scale };
}

/**
 * Go's Duration.String() for a count of nanoseconds (saturated to int64 as Go's Time.Sub does):
 * under a second in ns/µs/ms with a fraction, otherwise [Nh][Nm]N[.fff]s, hours and minutes
 * shown once larger units are present ("4h0m0s", "1m0s"), "0s" for zero.
 */
export function formatGoDuration(ns: bigint): string {
  const d = ns > INT64_MAX ? INT64_MAX : ns < INT64_MIN ? INT64_MIN : ns;
  const neg = d < 0n;
  let u = neg ? -d : d;
  let out: string;
  if (u === 0n) return "0s";
  if (u < NS_PER_S) {
    const [prec, unit] = u < NS_PER_US ? [0, "ns"] : u < NS_PER_MS ? [3, "\u00b5s"] : [6, "ms"];
    const f = fraction(u, prec);
    out = `${f.rest}${f.text}${unit}`;
  } else {
    const f = fraction(u, 9);
    u = f.rest;
    out = `${u % 60n}${f.text}s`;
    u /= 60n;
    if (u > 0n) {
      out = `${u % 60n}m${out}`;
      u /= 60n;
      if (u > 0n) out = `${u}h${out}`;
    }
  }
  return neg ? `-${out}` : out;
}

/** The Go text of a span given in milliseconds (Date arithmetic), e.g. `until - now`. */
export function goDurationFromMs(ms: number): string {
  return formatGoDuration(BigInt(Math.round(ms * 1000)) * NS_PER_US);
}

const UNITS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: NS_PER_US,
  "\u00b5s": NS_PER_US, // micro sign
  "\u03bcs": NS_PER_US, // Greek mu
  ms: NS_PER_MS,
  s: NS_PER_S,
  m: 60n * NS_PER_S,
  h: 3600n * NS_PER_S,
};

/**
 * Go's time.ParseDuration: an optional sign, then one or more decimal numbers with a unit
 * ("1h30m", "-1.5h", "300ms"); "0" alone is allowed. Undefined when malformed or beyond int64.
 */
export function parseGoDuration(text: string): bigint | undefined {
  let s = text;
  let neg = false;
  if (s.startsWith("-") || s.startsWith("+")) {
    neg = s[0] === "-";
    s = s.slice(1);
  }
  if (s === "0") return 0n;
  if (s === "") return undefined;
  const part = /^(\d*)(?:\.(\d*))?([a-z\u00b5\u03bc]+)/;
  let total = 0n;
  while (s !== "") {
    const m = part.exec(s);
    if (!m) return undefined;
    const [whole, int = "", frac, unitText = ""] = m;
    if (int === "" && (frac === undefined || frac === "")) return undefined;
    const unit = UNITS[unitText];
    if (unit === undefined) return undefined;
    let v = BigInt(int || "0") * unit;
    if (frac) {
      // Go keeps the fraction's precision as far as the unit allows and truncates the rest.
      const scale = 10n ** BigInt(frac.length);
      v += (BigInt(frac) * unit) / scale;
    }
    total += v;
    if (total > INT64_MAX + (neg ? 1n : 0n)) return undefined;
    s = s.slice(whole.length);
  }
  return neg ? -total : total;
}
