// Opening a node's database from outside the node process (CLI commands). Embedded PGlite allows
// one process at a time, so the running node holds a lock file and the CLI refuses to open it.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { type Database, openDatabase } from "../store/database.js";
import type { LoadedConfig } from "./config.js";

export const dataDirOf = (c: LoadedConfig) =>
  isAbsolute(c.config.dataDir) ? c.config.dataDir : resolve(c.baseDir, c.config.dataDir);

const lockFile = (dataDir: string) => join(dataDir, "node.pid");

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
};

/** The pid of a live node holding this data folder's embedded database, if any. */
export function runningNodePid(dataDir: string): number | undefined {
  const f = lockFile(dataDir);
  if (!existsSync(f)) return undefined;
  const pid = Number(readFileSync(f, "utf8").trim());
  return Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid) ? pid : undefined;
}

export function holdDataDir(dataDir: string): () => void {
  writeFileSync(lockFile(dataDir), String(process.pid));
  return () => rmSync(lockFile(dataDir), { force: true });
}

/** The node's database for a CLI command; embedded storage in use by a running node is refused. */
export async function openNodeDatabase(c: LoadedConfig): Promise<Database> {
  const url = c.config.storage.databaseUrl;
  if (url) return openDatabase({ databaseUrl: url });
  const dir = dataDirOf(c);
  const pid = runningNodePid(dir);
  if (pid !== undefined) {
    throw new Error(
      `node ${c.config.node.id} (pid ${pid}) is running on ${dir}; embedded storage takes one process: use the API (POST /api/v1/tokens, GET /api/v1/audit/verify) or stop the node`,
    );
  }
  mkdirSync(dir, { recursive: true });
  return openDatabase({ dataDir: join(dir, "pglite") });
}
