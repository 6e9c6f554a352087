// `corridor audit verify`: walks the audit log's hash chain and names the first broken entry.
import { verifyAudit } from "../audit/index.js";
import { loadConfig } from "../node/config.js";
import { openNodeDatabase } from "../node/storage.js";
import { parse, format as pickFormat, UsageError } from "./args.js";
import { green, red } from "./output.js";

export const AUDIT_HELP = `Usage: corridor audit verify [--config FILE] [--format table|json]

Verifies the audit log: every entry's hash covers its content and the previous entry's hash, and
sequence numbers have no gap. Exits 0 when the chain is intact, 1 at the first broken entry
(named with its sequence number and why: hash-mismatch, prev-mismatch, gap, head-mismatch).`;

export async function auditCommand(argv: readonly string[]): Promise<number> {
  const [verb, ...rest] = argv;
  const { values } = parse(rest, { config: { type: "string" }, format: { type: "string" } });
  if (values.help || verb === undefined || verb === "-h" || verb === "--help") {
    process.stdout.write(`${AUDIT_HELP}\n`);
    return verb === undefined ? 2 : 0;
  }
  if (verb !== "verify") throw new UsageError(`unknown audit command '${verb}': verify`);
  const loaded = loadConfig(values.config ?? "corridor.yaml");
  if (!loaded.ok) throw new UsageError(loaded.error.map((p) => p.message).join("; "));
  const fmt = pickFormat(values.format, ["table", "json"] as const, process.stdout.isTTY ? "table" : "json");
  const db = await openNodeDatabase(loaded.value);
  try {
    const r = await verifyAudit(db);
    if (fmt === "json") process.stdout.write(`${JSON.stringify(r)}\n`);
    else if (r.ok) process.stdout.write(`${green("intact")}: ${r.entries} entries, head ${r.head}\n`);
    else
      process.stdout.write(
        `${red("broken")} at entry ${r.firstBroken.seq} (${r.firstBroken.reason}); ${r.entries} entries intact before it\n`,
      );
    return r.ok ? 0 : 1;
  } finally {
    await db.close();
  }
}
