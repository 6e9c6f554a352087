// Starts real nodes for end-to-end tests: a temporary data folder, the repo's own rules and
// playbooks, a free port, and one token per role.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pino from "pino";
import { ROLES, type Role } from "../../src/core/index.js";
import { type NodeConfig, parseConfig } from "../../src/node/config.js";
import { type NodeOptions, type RunningNode, startNode } from "../../src/node/node.js";
import { createToken } from "../../src/store/tokens-repo.js";

export const REPO = resolve(import.meta.dirname, "../../..");

export interface TestNode {
  readonly node: RunningNode;
  readonly url: string;
  readonly dir: string;
  readonly tokens: Readonly<Record<Role, string>>;
  /** fetch against the node with a role's token (or none). */
  call(
    role: Role | null,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Response>;
  stop(): Promise<void>;
}

export function testConfig(
  overrides: Record<string, unknown> = {},
  env: Record<string, string> = {},
): NodeConfig {
  const r = parseConfig(
    {
      node: { id: "fr", jurisdiction: "FR" },
      rules: [join(REPO, "rules")],
      playbooks: [join(REPO, "playbooks")],
      detection: { watchRules: false },
      log: { level: "silent" },
      ...overrides,
    },
    env,
  );
  if (!r.ok) throw new Error(r.error.map((p) => p.message).join("; "));
  return r.value;
}

export async function startTestNode(
  opts: { config?: NodeConfig; dir?: string; extra?: Partial<NodeOptions> } = {},
): Promise<TestNode> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), "corridor-node-"));
  const config = opts.config ?? testConfig();
  const node = await startNode({
    config: { ...config, dataDir: dir },
    baseDir: dir,
    port: 0,
    logger: pino({ level: "silent" }),
    ...opts.extra,
  });
  const tokens = {} as Record<Role, string>;
  for (const role of ROLES) {
    tokens[role] = (
      await createToken(
        node.db,
        { name: `test-${role}`, role, clearance: "secret", nationality: "FR" },
        new Date(),
      )
    ).secret;
  }
  return {
    node,
    url: node.url,
    dir,
    tokens,
    call: (role, method, path, body, headers = {}) =>
      fetch(`${node.url}${path}`, {
        method,
        headers: {
          ...(role ? { authorization: `Bearer ${tokens[role]}` } : {}),
          ...(body !== undefined && !(body instanceof Uint8Array) && typeof body !== "string"
            ? { "content-type": "application/json" }
            : {}),
          ...headers,
        },
        ...(body === undefined
          ? {}
          : { body: body instanceof Uint8Array || typeof body === "string" ? body : JSON.stringify(body) }),
      }),
    stop: async () => {
      await node.stop();
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
