// `corridor demo`: two nodes, fr and de, paired on embedded storage, and the sample intrusion
// played through them: detection, incident, policy-filtered signed sharing, de's perimeter, and
// mutual assistance. Stays up until Ctrl-C unless --once.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startCorridor } from "../demo/corridor.js";
import { type DemoStep, runScenario } from "../demo/scenario.js";
import { parse, format as pickFormat } from "./args.js";
import { bold, cyan, dim, green, magenta, yellow } from "./output.js";

export const DEMO_HELP = `Usage: corridor demo [--once] [--format table|json] [--fr-port N] [--de-port N]

Starts two Corridor nodes, fr (FR) and de (DE), on embedded storage in a temporary folder, pairs
them (Ed25519 keys pinned, sharing policies, partner tokens, a CrowdSec bouncer at de), replays the
project's own multi-stage attack sample into fr, and shows as it happens: detection -> incident ->
shared indicator (and what the policy removed) -> import at de -> de's decision on its bouncer
stream -> an assistance request and its answer.

Options:
  --once            run the scenario, print the summary and exit (0 when every step happened)
  --format F        table (default on a terminal) or json (a summary with timestamps and latency)
  --fr-port N       fr's port (default 8441; 0 picks a free one)
  --de-port N       de's port (default 8442)
  -h, --help        this help

Without --once both nodes keep running (APIs, TAXII at /taxii2/, the LAPI stream, /metrics)
until Ctrl-C; their URLs and an admin token for each are printed.`;

const colourOf = (node: DemoStep["node"]) => (node === "fr" ? cyan : node === "de" ? yellow : magenta);

export async function demoCommand(argv: readonly string[]): Promise<number> {
  const { values } = parse(argv, {
    once: { type: "boolean" },
    format: { type: "string" },
    "fr-port": { type: "string" },
    "de-port": { type: "string" },
  });
  if (values.help) {
    process.stdout.write(`${DEMO_HELP}\n`);
    return 0;
  }
  const fmt = pickFormat(values.format, ["table", "json"] as const, process.stdout.isTTY ? "table" : "json");
  const once = values.once === true;
  const dir = mkdtempSync(join(tmpdir(), "corridor-demo-"));
  const ports = {
    fr: Number(values["fr-port"] ?? (once ? 0 : 8441)),
    de: Number(values["de-port"] ?? (once ? 0 : 8442)),
  };
  const table = fmt === "table";
  if (table)
    process.stdout.write(
      `${bold("Corridor demo")}: fr (FR) and de (DE), embedded storage in ${dim(dir)}\n\n`,
    );
  const corridor = await startCorridor({ dir, ports });
  let code = 0;
  try {
    const summary = await runScenario(corridor, (s) => {
      if (!table) return;
      const t = `${(s.t / 1000).toFixed(3).padStart(7)} s`;
      process.stdout.write(
        `${dim(t)}  ${colourOf(s.node)(s.node.padEnd(6))} ${bold(s.step.padEnd(11))} ${s.detail}\n`,
      );
    });
    if (table) {
      process.stdout.write(
        `\n${green("✓")} ${summary.blocked} reached de's perimeter ${bold(`${summary.propagationMs} ms`)} after fr shared it.\n`,
      );
    } else {
      process.stdout.write(
        `${JSON.stringify({ ok: true, dir, nodes: { fr: corridor.fr.url, de: corridor.de.url }, ...summary }, null, 2)}\n`,
      );
    }
  } catch (e) {
    code = 1;
    if (table) process.stderr.write(`demo failed: ${(e as Error).message}\n`);
    else process.stdout.write(`${JSON.stringify({ ok: false, error: (e as Error).message })}\n`);
  }
  if (once || code !== 0) {
    await corridor.stop();
    rmSync(dir, { recursive: true, force: true });
    return code;
  }
  process.stdout.write(
    `\n${bold("Both nodes keep running")} (Ctrl-C stops them):\n` +
      `  fr  ${corridor.fr.url}  admin token ${corridor.fr.tokens.admin}\n` +
      `  de  ${corridor.de.url}  admin token ${corridor.de.tokens.admin}\n` +
      `  de bouncer stream: ${corridor.de.url}/v1/decisions/stream  X-Api-Key: ${corridor.bouncerKey}\n` +
      `  try: curl -H "Authorization: Bearer ${corridor.fr.tokens.admin}" ${corridor.fr.url}/api/v1/incidents\n`,
  );
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await corridor.stop();
  rmSync(dir, { recursive: true, force: true });
  return 0;
}
