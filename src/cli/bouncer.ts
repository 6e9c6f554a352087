// `corridor bouncer add|list|delete` and `corridor decisions add|list|delete`: the perimeter's
// bouncers (CrowdSec firewall bouncers polling /v1/decisions/stream) and the decisions they enforce.

import { appendAudit } from "../audit/index.js";
import type { LoadedConfig } from "../node/config.js";
import { loadConfig } from "../node/config.js";
import { openNodeDatabase } from "../node/storage.js";
import {
  addBouncer,
  addDecision,
  type Decision,
  decisionTarget,
  deleteBouncer,
  deleteDecision,
  listBouncers,
  listDecisions,
  parseGoDuration,
} from "../perimeter/index.js";
import { cidrTouchesInternal, isPrivateOrInternal, parseCidr } from "../soc/ip.js";
import type { Database } from "../store/database.js";
import { type Options, parse, format as pickFormat, UsageError } from "./args.js";
import { bold, dim, table, yellow } from "./output.js";

export const BOUNCER_HELP = `Usage: corridor bouncer add NAME [--expand-ranges]
       corridor bouncer list [--format table|json]
       corridor bouncer delete NAME
  (all take --config FILE, default ./corridor.yaml)

Registers the firewall bouncers that enforce the perimeter's decisions. They poll the node's
CrowdSec-compatible Local API: set api_url to the node's address (http://HOST:PORT/) and api_key to
the key that 'add' prints once (only its SHA-256 is stored). Both /v1/decisions/stream and
/lapi/v1/decisions/stream are served.

--expand-ranges  send each range of up to 256 addresses (/24 IPv4, /120 IPv6) as single
                 addresses: crowdsec-firewall-bouncer in nftables mode (0.0.25) puts only a
                 range's first address in its set. Wider ranges are then not sent to this bouncer
                 at all (counted in corridor_lapi_ranges_withheld_total); enforce them upstream.

With embedded storage the node must be stopped.`;

export const DECISIONS_HELP = `Usage: corridor decisions add IP|CIDR --duration DUR [--reason TEXT] [--scenario NAME]
                              [--type ban|captcha] [--origin NAME]
       corridor decisions list [--all] [--format table|json]
       corridor decisions delete ID
  (all take --config FILE, default ./corridor.yaml)

Perimeter decisions, streamed to every registered bouncer within its polling interval. DUR is a Go
duration (4h, 90m, 1h30m) or days (7d). --origin defaults to the node id, --scenario to
corridor/manual. 'list' shows decisions in force; --all adds deleted and expired ones.

With embedded storage the node must be stopped.`;

const COMMON = { config: { type: "string" }, format: { type: "string" } } satisfies Options;

/** Go duration text or whole days, in milliseconds; undefined when neither or not positive. */
export function parseDecisionDuration(text: string): number | undefined {
  const days = /^(\d{1,5})d$/.exec(text);
  if (days) return Number(days[1]) * 86_400_000 || undefined;
  const ns = parseGoDuration(text);
  if (ns === undefined || ns < 1_000_000n) return undefined;
  return Number(ns / 1_000_000n);
}

async function withDatabase(
  values: { config?: string | boolean | undefined },
  run: (db: Database, loaded: LoadedConfig) => Promise<number>,
): Promise<number> {
  const loaded = loadConfig(typeof values.config === "string" ? values.config : "corridor.yaml");
  if (!loaded.ok) throw new UsageError(loaded.error.map((p) => p.message).join("; "));
  const db = await openNodeDatabase(loaded.value);
  try {
    return await run(db, loaded.value);
  } finally {
    await db.close();
  }
}

const outputFormat = (v: unknown) =>
  pickFormat(v, ["table", "json"] as const, process.stdout.isTTY ? "table" : "json");
const when = (d: Date | null) => (d ? d.toISOString().slice(0, 19).replace("T", " ") : "-");

export async function bouncerCommand(argv: readonly string[]): Promise<number> {
  const [verb, ...rest] = argv;
  const { values, positionals } = parse(rest, { ...COMMON, "expand-ranges": { type: "boolean" } });
  if (values.help || verb === undefined || verb === "-h" || verb === "--help") {
    process.stdout.write(`${BOUNCER_HELP}\n`);
    return verb === undefined ? 2 : 0;
  }
  if (!["add", "list", "delete"].includes(verb))
    throw new UsageError(`unknown bouncer command '${verb}': add, list or delete`);
  const fmt = outputFormat(values.format);
  const name = positionals[0];
  if (verb !== "list" && !name) throw new UsageError(`bouncer ${verb} needs the bouncer's NAME`);
  return withDatabase(values, async (db) => {
    const now = new Date();
    if (verb === "add") {
      const r = await addBouncer(db, { name: name!, expandRanges: values["expand-ranges"] === true }, now);
      if (!r.ok) {
        process.stderr.write(`corridor bouncer: ${r.error.message}\n`);
        return 1;
      }
      const { bouncer, apiKey, warnings } = r.value;
      await appendAudit(
        db,
        {
          actor: "cli",
          action: "bouncer.add",
          target: bouncer.name,
          outcome: "success",
          details: { expandRanges: bouncer.expandRanges },
        },
        now,
      );
      for (const w of warnings) process.stderr.write(`${yellow("warning:")} ${w}\n`);
      if (fmt === "json")
        process.stdout.write(`${JSON.stringify({ name: bouncer.name, apiKey, warnings })}\n`);
      else
        process.stdout.write(
          `${apiKey}\n${dim(`bouncer ${bouncer.name}${bouncer.expandRanges ? " (expand ranges)" : ""}: put this in its api_key; shown once`)}\n`,
        );
      return 0;
    }
    if (verb === "list") {
      const bouncers = await listBouncers(db);
      if (fmt === "json") process.stdout.write(`${JSON.stringify(bouncers, null, 2)}\n`);
      else
        process.stdout.write(
          `${table(
            ["name", "ranges", "created", "last pull", "pulls", "cursor", "agent"],
            bouncers.map((b) => [
              bold(b.name),
              b.expandRanges ? "expanded" : "as ranges",
              when(b.createdAt),
              when(b.lastPull),
              String(b.pulls),
              String(b.cursor),
              b.userAgent ?? "-",
            ]),
          )}\n`,
        );
      return 0;
    }
    if (!(await deleteBouncer(db, name!))) {
      process.stderr.write(`corridor bouncer: no bouncer named '${name}'\n`);
      return 1;
    }
    await appendAudit(db, { actor: "cli", action: "bouncer.delete", target: name!, outcome: "success" }, now);
    process.stdout.write(`deleted bouncer ${name}; its key no longer works\n`);
    return 0;
  });
}

function decisionRow(d: Decision, now: Date): string[] {
  const state = d.deletedReason ?? (d.until.getTime() <= now.getTime() ? "expired" : bold("in force"));
  return [
    d.id,
    d.kind,
    `${d.scope}:${d.value}`,
    d.origin,
    d.scenario,
    when(d.until),
    String(state),
    d.reason,
  ];
}

export async function decisionsCommand(argv: readonly string[]): Promise<number> {
  const [verb, ...rest] = argv;
  const { values, positionals } = parse(rest, {
    ...COMMON,
    duration: { type: "string" },
    reason: { type: "string" },
    scenario: { type: "string" },
    type: { type: "string" },
    origin: { type: "string" },
    all: { type: "boolean" },
  });
  if (values.help || verb === undefined || verb === "-h" || verb === "--help") {
    process.stdout.write(`${DECISIONS_HELP}\n`);
    return verb === undefined ? 2 : 0;
  }
  if (!["add", "list", "delete"].includes(verb))
    throw new UsageError(`unknown decisions command '${verb}': add, list or delete`);
  const fmt = outputFormat(values.format);
  const arg = positionals[0];
  let add: { target: string; durationMs: number; kind: "ban" | "captcha" } | undefined;
  if (verb === "add") {
    if (!arg) throw new UsageError("decisions add needs an IP address or CIDR range");
    const target = decisionTarget(arg);
    if (!target.ok) throw new UsageError(target.error.message);
    if (typeof values.duration !== "string") throw new UsageError("--duration is required, e.g. 4h or 7d");
    const durationMs = parseDecisionDuration(values.duration);
    if (durationMs === undefined)
      throw new UsageError(`--duration must be like 4h, 90m, 1h30m or 7d (got '${values.duration}')`);
    const kind = values.type ?? "ban";
    if (kind !== "ban" && kind !== "captcha") throw new UsageError("--type must be ban or captcha");
    add = { target: arg, durationMs, kind };
    const t = target.value;
    const internal =
      t.scope === "ip" ? isPrivateOrInternal(t.value) : cidrTouchesInternal(parseCidr(t.value)!);
    if (internal)
      process.stderr.write(`${yellow("warning:")} ${t.value} is (or covers) internal address space\n`);
  } else if (verb === "delete" && !arg) throw new UsageError("decisions delete needs the decision's ID");

  return withDatabase(values, async (db, loaded) => {
    const now = new Date();
    if (add) {
      const r = await addDecision(
        db,
        {
          target: add.target,
          durationMs: add.durationMs,
          kind: add.kind,
          origin: typeof values.origin === "string" ? values.origin : loaded.config.node.id,
          scenario: typeof values.scenario === "string" ? values.scenario : "corridor/manual",
          reason: typeof values.reason === "string" ? values.reason : "",
        },
        now,
      );
      if (!r.ok) {
        process.stderr.write(`corridor decisions: ${r.error.message}\n`);
        return 1;
      }
      const d = r.value;
      await appendAudit(
        db,
        {
          actor: "cli",
          action: "decision.add",
          target: d.id,
          outcome: "success",
          details: { value: d.value, kind: d.kind, until: d.until.toISOString(), reason: d.reason },
        },
        now,
      );
      if (fmt === "json") process.stdout.write(`${JSON.stringify(d)}\n`);
      else process.stdout.write(`${d.id}\n${dim(`${d.kind} ${d.value} until ${d.until.toISOString()}`)}\n`);
      return 0;
    }
    if (verb === "list") {
      const list = await listDecisions(db, now, { all: values.all === true });
      if (fmt === "json") process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
      else
        process.stdout.write(
          `${table(
            ["id", "type", "target", "origin", "scenario", "until (UTC)", "state", "reason"],
            list.map((d) => decisionRow(d, now)),
          )}\n`,
        );
      return 0;
    }
    const r = await deleteDecision(db, arg!, now);
    if (!r.ok) {
      process.stderr.write(`corridor decisions: ${r.error.message}\n`);
      return 1;
    }
    await appendAudit(
      db,
      {
        actor: "cli",
        action: "decision.delete",
        target: r.value.id,
        outcome: "success",
        details: { value: r.value.value },
      },
      now,
    );
    process.stdout.write(
      `deleted decision ${r.value.id} (${r.value.value}); bouncers drop it on their next poll\n`,
    );
    return 0;
  });
}
