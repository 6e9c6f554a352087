// Durations as people write them in playbooks: "90s", "15m", "4h", "7d", "2w", or "1h30m".
import { err, ok, type Problem, type Result } from "../core/index.js";

const UNITS = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000 } as const;
type Unit = keyof typeof UNITS;
const ORDER: readonly Unit[] = ["w", "d", "h", "m", "s"];

/** The longest block a playbook may ask for: anything longer is a policy, not a response. */
export const MAX_DURATION_MS = 365 * UNITS.d;

/** Units largest first, each at most once ("1h30m", not "30m1h" or "1h1h"); more than 0 and at most a year. */
export function parseDuration(text: string): Result<number, Problem> {
  const bad = (why: string): Result<number, Problem> =>
    err({ code: "invalid-duration", message: `"${text}": ${why}` });
  const t = text.trim();
  if (!/^(\d+[wdhms])+$/.test(t))
    return bad('expected a number and a unit s, m, h, d or w, e.g. "90s", "4h", "1h30m"');
  let ms = 0;
  let last = -1;
  for (const [, n, u] of t.matchAll(/(\d+)([wdhms])/g)) {
    const at = ORDER.indexOf(u as Unit);
    if (at <= last) return bad("units go from largest to smallest, each once");
    last = at;
    ms += Number(n) * UNITS[u as Unit];
  }
  if (ms <= 0) return bad("must be longer than zero");
  if (ms > MAX_DURATION_MS) return bad("must be at most 365d");
  return ok(ms);
}

/** The shortest text parseDuration reads back as `ms` (whole seconds). */
export function formatDuration(ms: number): string {
  let rest = Math.floor(ms / 1000) * 1000;
  let out = "";
  for (const u of ORDER) {
    const n = Math.floor(rest / UNITS[u]);
    if (n > 0) out += `${n}${u}`;
    rest -= n * UNITS[u];
  }
  return out === "" ? "0s" : out;
}
