// The real crowdsec-firewall-bouncer (Debian package) against our LAPI: in its own network
// namespace, beside a harness serving the decision stream, it must put shared decisions into its
// nftables sets and take them out when they are deleted or expire; with expandRanges, a range
// reaches the set as every one of its addresses, and a too-wide range is withheld and counted.
import assert from "node:assert/strict";
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { BOUNCER_BINARY, type HarnessCommand } from "../src/perimeter/testing/lapi-harness.js";

const HARNESS = fileURLToPath(new URL("../src/perimeter/testing/lapi-harness.js", import.meta.url));

/** How to enter a fresh network namespace here (root: -n; otherwise a user namespace), or why not. */
function namespaceArgs(): { args: string[] } | { skip: string } {
  if (process.platform !== "linux") return { skip: "needs Linux network namespaces" };
  if (!existsSync(BOUNCER_BINARY))
    return {
      skip: `${BOUNCER_BINARY} missing: install the Debian package crowdsec-firewall-bouncer (.ci/run does)`,
    };
  if (spawnSync("nft", ["--version"]).status !== 0) return { skip: "nft missing (Debian package nftables)" };
  if (spawnSync("ip", ["-V"]).status !== 0) return { skip: "ip missing (Debian package iproute2)" };
  for (const args of [["-n"], ["-rn"]]) {
    const probe = spawnSync("unshare", [...args, "nft", "list", "ruleset"], { encoding: "utf8" });
    if (probe.status === 0) return { args };
  }
  return { skip: "cannot create a network namespace with nftables (unshare -n / -rn refused)" };
}

class Harness {
  private next = 1;
  private readonly waiting = new Map<
    number,
    (r: { ok: boolean; result?: unknown; error?: string }) => void
  >();
  private constructor(readonly proc: ChildProcessWithoutNullStreams) {}

  static async start(nsArgs: string[], dir: string): Promise<Harness> {
    const proc = spawn("unshare", [...nsArgs, process.execPath, HARNESS, dir], { stdio: "pipe" });
    let stderr = "";
    proc.stderr.on("data", (b: Buffer) => {
      stderr += b.toString();
    });
    const h = new Harness(proc);
    const lines = createInterface({ input: proc.stdout });
    const ready = new Promise<void>((res, rej) => {
      proc.once("exit", (code) => rej(new Error(`harness exited (${code}) before ready: ${stderr}`)));
      lines.on("line", (line) => {
        const m = JSON.parse(line) as { ready?: boolean; id?: number; ok: boolean };
        if (m.ready) res();
        else if (m.id !== undefined) h.waiting.get(m.id)?.(m);
      });
    });
    await ready;
    return h;
  }

  async call<T = Record<string, unknown>>(command: HarnessCommand): Promise<T> {
    const id = this.next++;
    const reply = new Promise<{ ok: boolean; result?: unknown; error?: string }>((res) =>
      this.waiting.set(id, res),
    );
    this.proc.stdin.write(`${JSON.stringify({ id, command })}\n`);
    const r = await reply;
    this.waiting.delete(id);
    if (!r.ok) throw new Error(`harness ${command.op}: ${r.error}`);
    return r.result as T;
  }

  /** Addresses in one of the bouncer's sets (empty while the set does not exist). */
  async setElements(family: "ip" | "ip6"): Promise<string[]> {
    const [table, set] =
      family === "ip" ? ["crowdsec", "crowdsec-blacklists"] : ["crowdsec6", "crowdsec6-blacklists"];
    const r = await this.call<{ status: number; stdout: string }>({
      op: "nft",
      args: ["-j", "list", "set", family, table, set],
    });
    if (r.status !== 0) return [];
    const doc = JSON.parse(r.stdout) as { nftables: { set?: { elem?: unknown[] } }[] };
    const elems = doc.nftables.find((x) => x.set)?.set?.elem ?? [];
    return elems.map((e) =>
      typeof e === "string" ? e : String((e as { elem: { val: unknown } }).elem?.val ?? JSON.stringify(e)),
    );
  }

  async waitFor(what: string, check: () => Promise<boolean>, ms = 8000): Promise<void> {
    const end = Date.now() + ms;
    for (;;) {
      if (await check()) return;
      if (Date.now() > end) {
        const log = await this.call<{ text: string }>({ op: "log" });
        const rules = await this.call<{ stdout: string }>({ op: "nft", args: ["list", "ruleset"] });
        throw new Error(
          `timed out waiting for ${what}\n--- nft ruleset\n${rules.stdout}\n--- bouncer log (tail)\n${log.text.slice(-3000)}`,
        );
      }
      await new Promise((r) => setTimeout(r, 150));
    }
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const exited = new Promise<void>((res) => this.proc.once("exit", () => res()));
    this.proc.stdin.end();
    const timer = setTimeout(() => this.proc.kill("SIGKILL"), 6000);
    await exited;
    clearTimeout(timer);
  }
}

const ns = namespaceArgs();

describe("crowdsec-firewall-bouncer against the corridor LAPI", {
  skip: "skip" in ns ? ns.skip : false,
}, () => {
  let h: Harness;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "corridor-bouncer-"));
    h = await Harness.start((ns as { args: string[] }).args, dir);
  });
  after(async () => {
    await h?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("bans shared addresses (IPv4 and IPv6) within seconds, unbans deleted and expired ones", async () => {
    await h.call({ op: "start-bouncer", name: "fw-plain", expandRanges: false });
    const v4 = await h.call<{ id: string }>({ op: "add", target: "192.0.2.10", durationMs: 4 * 3_600_000 });
    await h.call({ op: "add", target: "2001:db8::bad", durationMs: 3_600_000 });
    await h.waitFor("192.0.2.10 and 2001:db8::bad in the sets", async () => {
      const [a, b] = [await h.setElements("ip"), await h.setElements("ip6")];
      return a.includes("192.0.2.10") && b.includes("2001:db8::bad");
    });

    // A decision made while the bouncer runs arrives as a delta, not only at startup.
    const late = await h.call<{ id: string }>({ op: "add", target: "203.0.113.7", durationMs: 3_600_000 });
    await h.waitFor("203.0.113.7 added by a delta", async () =>
      (await h.setElements("ip")).includes("203.0.113.7"),
    );

    await h.call({ op: "delete", id: v4.id });
    await h.waitFor("192.0.2.10 removed after its deletion", async () => {
      const a = await h.setElements("ip");
      return !a.includes("192.0.2.10") && a.includes("203.0.113.7");
    });
    assert.ok((await h.setElements("ip6")).includes("2001:db8::bad"), "other decisions stay");

    // Expiry: a 2 s decision comes and goes; the bouncer keeps working afterwards.
    await h.call({ op: "add", target: "192.0.2.77", durationMs: 2500 });
    await h.waitFor("192.0.2.77 in the set", async () => (await h.setElements("ip")).includes("192.0.2.77"));
    const logBefore = (await h.call<{ text: string }>({ op: "log" })).text.length;
    await h.waitFor(
      "192.0.2.77 gone after expiry",
      async () => !(await h.setElements("ip")).includes("192.0.2.77"),
    );
    // nft's own element timeout also removes it; the stream must still report the expiry.
    await h.waitFor("the expiry streamed as a deletion", async () =>
      /decisions? deleted/.test((await h.call<{ text: string }>({ op: "log" })).text.slice(logBefore)),
    );
    await h.call({ op: "delete", id: late.id });
    await h.waitFor(
      "the bouncer still applies deletions after an expiry",
      async () => !(await h.setElements("ip")).includes("203.0.113.7"),
    );
    await h.call({ op: "stop-bouncer" });
  });

  it("with expandRanges, a /30 is banned address by address; a /16 is withheld and counted", async () => {
    await h.call({ op: "nft", args: ["flush", "ruleset"] });
    const started = await h.call<{ warnings: string[] }>({
      op: "start-bouncer",
      name: "fw-expand",
      expandRanges: true,
    });
    assert.match(started.warnings.join("\n"), /wider than \/24/);
    const range = await h.call<{ id: string }>({
      op: "add",
      target: "198.51.100.4/30",
      durationMs: 3_600_000,
    });
    await h.call({ op: "add", target: "203.0.0.0/16", durationMs: 3_600_000 });
    const want = ["198.51.100.4", "198.51.100.5", "198.51.100.6", "198.51.100.7"];
    await h.waitFor("the /30's four addresses in the set", async () => {
      const a = await h.setElements("ip");
      return want.every((x) => a.includes(x));
    });
    const set = await h.setElements("ip");
    assert.ok(!set.includes("203.0.0.0"), "the /16 is not sent truncated to its network address");
    const metrics = await h.call<{ text: string }>({ op: "metrics" });
    assert.match(metrics.text, /corridor_lapi_ranges_withheld_total\{bouncer="fw-expand"\} [1-9]/);

    await h.call({ op: "delete", id: range.id });
    await h.waitFor("the /30's addresses removed", async () => {
      const a = await h.setElements("ip");
      return want.every((x) => !a.includes(x));
    });
    await h.call({ op: "stop-bouncer" });
  });
});
