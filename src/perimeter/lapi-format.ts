// How decisions look on the CrowdSec LAPI wire, and which ones a bouncer's filters let through.
// Pure: the poll logic (stream.ts) feeds decisions and `now` in and gets wire items out.
import { formatIp, parseCidr } from "../soc/ip.js";
import type { Decision } from "./decisions.js";
import { goDurationFromMs } from "./go-duration.js";

/** One decision as CrowdSec's models.Decision serialises it (fields bouncers read). */
export interface LapiDecision {
  /** CrowdSec's int64 id: our change-sequence number of the addition. */
  readonly id: number;
  readonly origin: string;
  readonly type: string;
  readonly scope: "Ip" | "Range";
  readonly value: string;
  /** Time left, in Go's time.Duration text ("3h59m59.9s"); negative once lapsed. */
  readonly duration: string;
  readonly scenario: string;
  readonly until: string;
  readonly simulated: false;
  /** Our decision id; absent on addresses expanded from a range (they share one decision). */
  readonly uuid?: string;
}

/**
 * Widest range sent as single addresses to a bouncer with `expandRanges`: /24 for IPv4, /120 for
 * IPv6 (256 addresses). Wider ranges are withheld from such bouncers rather than sent truncated:
 * crowdsec-firewall-bouncer 0.0.25 in nftables mode puts a Range's network address alone in its
 * set, which blocks one address while looking like the range is enforced.
 */
export const MAX_EXPANDED_ADDRESSES = 256;

/** The addresses of a range of at most MAX_EXPANDED_ADDRESSES, or undefined when wider or invalid. */
export function expandRange(value: string): string[] | undefined {
  const c = parseCidr(value);
  if (!c) return undefined;
  const hostBits = (c.version === 4 ? 32 : 128) - c.prefix;
  if (2 ** hostBits > MAX_EXPANDED_ADDRESSES) return undefined;
  const out: string[] = [];
  for (let i = 0n; i < 1n << BigInt(hostBits); i++)
    out.push(formatIp({ version: c.version, value: c.network + i }));
  return out;
}

/** Whether a range is too wide to expand (so an expanding bouncer will not receive it). */
export const tooWideToExpand = (d: Pick<Decision, "scope" | "value">): boolean =>
  d.scope === "range" && expandRange(d.value) === undefined;

export interface WireOptions {
  readonly expandRanges: boolean;
}

/**
 * A decision's wire items for one bouncer: one item, or one per address of an expanded range,
 * or none (`withheld`) for a range too wide to expand for an expanding bouncer.
 */
export function toWire(
  d: Decision,
  opts: WireOptions,
  now: Date,
): { items: LapiDecision[]; withheld: boolean } {
  const base = {
    id: d.seq,
    origin: d.origin,
    type: d.kind,
    duration: goDurationFromMs(d.until.getTime() - now.getTime()),
    scenario: d.scenario,
    until: d.until.toISOString(),
    simulated: false as const,
  };
  if (d.scope === "ip")
    return { items: [{ ...base, scope: "Ip", value: d.value, uuid: d.id }], withheld: false };
  if (!opts.expandRanges)
    return { items: [{ ...base, scope: "Range", value: d.value, uuid: d.id }], withheld: false };
  const addresses = expandRange(d.value);
  if (!addresses) return { items: [], withheld: true };
  return { items: addresses.map((value) => ({ ...base, scope: "Ip", value })), withheld: false };
}

/** The stream's query filters, as CrowdSec reads them (comma-separated lists). */
export interface StreamFilters {
  /** Lower-case scopes to send; CrowdSec's default is ip and range. */
  readonly scopes: readonly string[];
  readonly origins?: readonly string[];
  readonly scenariosContaining?: readonly string[];
  readonly scenariosNotContaining?: readonly string[];
}

const list = (v: string | undefined) =>
  v === undefined
    ? undefined
    : v
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "");

export function parseStreamFilters(query: Readonly<Record<string, string | undefined>>): StreamFilters {
  const origins = list(query.origins);
  const containing = list(query.scenarios_containing)?.map((s) => s.toLowerCase());
  const notContaining = list(query.scenarios_not_containing)?.map((s) => s.toLowerCase());
  return {
    scopes: (list(query.scopes) ?? ["ip", "range"]).map((s) => s.toLowerCase()),
    ...(origins && origins.length > 0 ? { origins } : {}),
    ...(containing && containing.length > 0 ? { scenariosContaining: containing } : {}),
    ...(notContaining && notContaining.length > 0 ? { scenariosNotContaining: notContaining } : {}),
  };
}

/** Whether a wire item passes the filters (scope is the scope sent, after any expansion). */
export function passes(item: LapiDecision, f: StreamFilters): boolean {
  if (!f.scopes.includes(item.scope.toLowerCase())) return false;
  if (f.origins && !f.origins.includes(item.origin)) return false;
  const scenario = item.scenario.toLowerCase();
  if (f.scenariosContaining && !f.scenariosContaining.some((s) => scenario.includes(s))) return false;
  if (f.scenariosNotContaining?.some((s) => scenario.includes(s))) return false;
  return true;
}

/** Key of what a bouncer enforces: one entry per scope and value. */
export const wireKey = (i: Pick<LapiDecision, "scope" | "value">) => `${i.scope}|${i.value}`;
