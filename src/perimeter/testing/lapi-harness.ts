// Test support, run as a script inside its own network namespace (`unshare -n node
// lapi-harness.js DIR`): serves the LAPI over an in-memory store on the namespace's loopback, runs
// the real crowdsec-firewall-bouncer beside it, and obeys JSON-line commands on stdin (add and
// delete decisions, start/stop a bouncer, run nft, read metrics). Stdin closing ends everything.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createWriteStream, readFileSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { serve } from "@hono/node-server";
import { MetricsRegistry } from "../../api/metrics.js";
import { openDatabase } from "../../store/database.js";
import { addBouncer } from "../bouncers.js";
import { addDecision, deleteDecision } from "../decisions.js";
import { lapiRoutes } from "../lapi.js";

export const BOUNCER_BINARY = "/usr/bin/crowdsec-firewall-bouncer";

export type HarnessCommand =
  | { readonly op: "start-bouncer"; readonly name: string; readonly expandRanges: boolean }
  | { readonly op: "stop-bouncer" }
  | { readonly op: "add"; readonly target: string; readonly durationMs: number; readonly scenario?: string }
  | { readonly op: "delete"; readonly id: string }
  | { readonly op: "nft"; readonly args: readonly string[] }
  | { readonly op: "metrics" }
  | { readonly op: "log" };

/** The bouncer's configuration, as in the corpus harness (nftables, 1 s polls, no daemon). */
export function bouncerYaml(o: { dir: string; port: number; apiKey: string }): string {
  return `mode: nftables
pid_dir: ${o.dir}/
update_frequency: 1s
daemonize: false
log_mode: stdout
log_level: info
api_url: http://127.0.0.1:${o.port}/
api_key: ${o.apiKey}
insecure_skip_verify: false
disable_ipv6: false
deny_action: DROP
deny_log: false
supported_decisions_types:
  - ban
blacklists_ipv4: crowdsec-blacklists
blacklists_ipv6: crowdsec6-blacklists
ipset_type: nethash
iptables_chains:
  - INPUT
nftables:
  ipv4:
    enabled: true
    set-only: false
    table: crowdsec
    chain: crowdsec-chain
  ipv6:
    enabled: true
    set-only: false
    table: crowdsec6
    chain: crowdsec6-chain
prometheus:
  enabled: false
  listen_addr: 127.0.0.1
  listen_port: 60601
`;
}

async function main(dir: string): Promise<void> {
  const lo = spawnSync("ip", ["link", "set", "lo", "up"], { encoding: "utf8" });
  if (lo.status !== 0) throw new Error(`ip link set lo up: ${lo.stderr || lo.error?.message}`);
  const db = await openDatabase({});
  const metrics = new MetricsRegistry();
  const app = lapiRoutes({ sql: db, metrics, logError: (e) => process.stderr.write(`lapi: ${String(e)}\n`) });
  const server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 });
  await new Promise<void>((res) => server.once("listening", () => res()));
  const port = (server.address() as AddressInfo).port;
  const logFile = join(dir, "bouncer.log");
  let bouncer: ChildProcess | undefined;

  const stopBouncer = async () => {
    const b = bouncer;
    bouncer = undefined;
    if (!b || b.exitCode !== null || b.signalCode !== null) return;
    const exited = new Promise<void>((res) => b.once("exit", () => res()));
    b.kill("SIGTERM");
    const timer = setTimeout(() => b.kill("SIGKILL"), 3000);
    await exited;
    clearTimeout(timer);
  };

  const run = async (c: HarnessCommand): Promise<unknown> => {
    switch (c.op) {
      case "start-bouncer": {
        await stopBouncer();
        const r = await addBouncer(db, { name: c.name, expandRanges: c.expandRanges }, new Date());
        if (!r.ok) throw new Error(r.error.message);
        const config = join(dir, `${c.name}.yaml`);
        writeFileSync(config, bouncerYaml({ dir, port, apiKey: r.value.apiKey }));
        const out = createWriteStream(logFile, { flags: "a" });
        // `timeout` bounds the bouncer's life even if this harness is killed without cleanup.
        const b = spawn("timeout", ["--kill-after=2", "90", BOUNCER_BINARY, "-c", config], {
          stdio: ["ignore", "pipe", "pipe"],
        });
        b.stdout.pipe(out);
        b.stderr.pipe(out);
        bouncer = b;
        return { pid: b.pid, warnings: r.value.warnings };
      }
      case "stop-bouncer":
        await stopBouncer();
        return {};
      case "add": {
        const r = await addDecision(
          db,
          {
            target: c.target,
            durationMs: c.durationMs,
            origin: "corridor-test",
            scenario: c.scenario ?? "corridor/test",
          },
          new Date(),
        );
        if (!r.ok) throw new Error(r.error.message);
        return { id: r.value.id, value: r.value.value };
      }
      case "delete": {
        const r = await deleteDecision(db, c.id, new Date());
        if (!r.ok) throw new Error(r.error.message);
        return {};
      }
      case "nft": {
        const r = spawnSync("nft", [...c.args], { encoding: "utf8" });
        return { status: r.status, stdout: r.stdout, stderr: r.stderr };
      }
      case "metrics":
        return { text: metrics.render() };
      case "log":
        try {
          return { text: readFileSync(logFile, "utf8") };
        } catch {
          return { text: "" };
        }
    }
  };

  let closing = false;
  const close = async () => {
    if (closing) return;
    closing = true;
    await stopBouncer();
    server.close();
    await db.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void close());
  process.on("SIGINT", () => void close());
  // A safety net: a forgotten harness ends itself.
  setTimeout(() => void close(), 120_000).unref();

  const lines = createInterface({ input: process.stdin });
  lines.on("line", (line) => {
    const { id, command } = JSON.parse(line) as { id: number; command: HarnessCommand };
    run(command).then(
      (result) => process.stdout.write(`${JSON.stringify({ id, ok: true, result })}\n`),
      (e: unknown) => process.stdout.write(`${JSON.stringify({ id, ok: false, error: String(e) })}\n`),
    );
  });
  lines.on("close", () => void close());
  process.stdout.write(`${JSON.stringify({ ready: true, port })}\n`);
}

if (process.argv[1]?.endsWith("lapi-harness.js")) {
  main(process.argv[2] ?? "/tmp").catch((e: unknown) => {
    process.stderr.write(`lapi-harness: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  });
}
