// `corridor node`: runs one node (or one role of a split node) until SIGINT/SIGTERM.
import { loadConfig } from "../node/config.js";
import { startNode } from "../node/node.js";
import { dataDirOf, holdDataDir, runningNodePid } from "../node/storage.js";
import { parse, UsageError } from "./args.js";
import { bold, dim, red } from "./output.js";

export const NODE_HELP = `Usage: corridor node [--config corridor.yaml] [--role all|ingest|detect|api]

Starts a Corridor node: event ingest (HTTP and syslog), streaming Sigma detection, alerts,
incidents, playbooks, the API with its OpenAPI document, Prometheus metrics and the audit log.

Options:
  --config FILE     the node's configuration (default ./corridor.yaml)
  --role ROLE       all (default, one process, embedded storage) or one role of a split node:
                    ingest, detect or api; split roles need NATS_URL and DATABASE_URL
  -h, --help        this help

Environment: DATABASE_URL (PostgreSQL instead of embedded PGlite), NATS_URL (JetStream queue),
CORRIDOR_LISTEN (host:port). Logs are JSON lines on stderr.`;

const ROLES = ["all", "ingest", "detect", "api"] as const;

export async function nodeCommand(argv: readonly string[]): Promise<number> {
  const { values } = parse(argv, { config: { type: "string" }, role: { type: "string" } });
  if (values.help) {
    process.stdout.write(`${NODE_HELP}\n`);
    return 0;
  }
  const role = (values.role ?? "all") as (typeof ROLES)[number];
  if (!ROLES.includes(role)) throw new UsageError(`--role must be one of ${ROLES.join(", ")}`);
  const loaded = loadConfig(values.config ?? "corridor.yaml");
  if (!loaded.ok) {
    for (const p of loaded.error) {
      process.stderr.write(`${red("config")} ${p.path ?? ""}${p.line ? `:${p.line}` : ""}: ${p.message}\n`);
    }
    return 2;
  }
  const embedded = !loaded.value.config.storage.databaseUrl;
  const dir = dataDirOf(loaded.value);
  if (embedded) {
    const pid = runningNodePid(dir);
    if (pid !== undefined) {
      process.stderr.write(`corridor node: pid ${pid} already runs a node on ${dir}\n`);
      return 1;
    }
  }
  const node = await startNode({ config: loaded.value.config, baseDir: loaded.value.baseDir, role });
  const release = embedded ? holdDataDir(dir) : () => undefined;
  process.stderr.write(
    `${bold(`corridor node ${loaded.value.config.node.id}`)} (${role}) listening on ${node.url} ${dim(
      `storage ${node.db.kind}, queue ${node.queue.kind}`,
    )}\n`,
  );
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  process.stderr.write("stopping...\n");
  await node.stop();
  release();
  return 0;
}
