// Runs `corridor node` as a real child process (what an operator runs), for tests that must kill it
// with SIGKILL: a temporary config, a free port, an admin token made with the CLI before the start.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { stringify } from "yaml";
import { REPO } from "./node.js";

const run = promisify(execFile);
const CLI = join(REPO, "bin/corridor.js");

/** The environment a child node gets: embedded storage, whatever the test runner's DATABASE_URL says. */
export function embeddedEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  delete env.NATS_URL;
  delete env.CORRIDOR_LISTEN;
  return env;
}

/** A port nobody listens on right now (bound once on port 0, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Writes dir/corridor.yaml for an embedded node keeping its data in dir/data. */
export function writeNodeConfig(dir: string, port: number, extra: Record<string, unknown> = {}): string {
  const path = join(dir, "corridor.yaml");
  writeFileSync(
    path,
    stringify({
      node: { id: "fr", jurisdiction: "FR" },
      listen: { host: "127.0.0.1", port },
      dataDir: "data",
      rules: [join(REPO, "rules")],
      playbooks: [join(REPO, "playbooks")],
      detection: { watchRules: false },
      log: { level: "warn" },
      ...extra,
    }),
  );
  return path;
}

/** `corridor token create` through the CLI; the node must not be running (embedded storage). */
export async function createTokenCli(configPath: string, role = "admin"): Promise<string> {
  const { stdout } = await run(
    process.execPath,
    [
      CLI,
      "token",
      "create",
      "--config",
      configPath,
      "--role",
      role,
      "--name",
      `test-${role}`,
      "--format",
      "json",
    ],
    { cwd: REPO, env: embeddedEnv() },
  );
  return (JSON.parse(stdout) as { secret: string }).secret;
}

export interface ChildNode {
  readonly child: ChildProcess;
  readonly url: string;
  /** stderr so far (logs), for failure messages. */
  stderr(): string;
  /** Resolves with the exit code or signal once the process is gone. */
  readonly exited: Promise<number | NodeJS.Signals | null>;
}

/** Spawns `corridor node --config F` and waits until /readyz answers 200. */
export async function spawnNode(configPath: string, port: number, timeoutMs = 20_000): Promise<ChildNode> {
  const child = spawn(process.execPath, [CLI, "node", "--config", configPath], {
    cwd: REPO,
    env: embeddedEnv(),
    stdio: ["ignore", "ignore", "pipe"],
  });
  let err = "";
  child.stderr?.setEncoding("utf8").on("data", (d: string) => {
    err = (err + d).slice(-20_000);
  });
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.once("exit", (code, signal) => resolve(signal ?? code)),
  );
  const url = `http://127.0.0.1:${port}`;
  const node: ChildNode = { child, url, stderr: () => err, exited };
  const deadline = Date.now() + timeoutMs;
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  while (Date.now() < deadline) {
    if (gone) throw new Error(`corridor node exited before it was ready:\n${err}`);
    const r = await fetch(`${url}/readyz`).catch(() => undefined);
    if (r?.status === 200) return node;
    await r?.body?.cancel();
    await new Promise((res) => setTimeout(res, 50));
  }
  child.kill("SIGKILL");
  throw new Error(`corridor node not ready within ${timeoutMs} ms:\n${err}`);
}

/** SIGKILL, no goodbye: the crash under test. */
export async function killNode(node: ChildNode): Promise<void> {
  if (node.child.exitCode === null && node.child.signalCode === null) node.child.kill("SIGKILL");
  await node.exited;
}

/** SIGTERM and wait for the clean stop. */
export async function stopNode(node: ChildNode): Promise<number | NodeJS.Signals | null> {
  if (node.child.exitCode === null && node.child.signalCode === null) node.child.kill("SIGTERM");
  return node.exited;
}
