// `corridor keys init|show`: the node's Ed25519 signing key pair in <dataDir>/keys. Partners pin
// its public key, compared by fingerprint over another channel.

import { appendAudit } from "../audit/index.js";
import { loadConfig } from "../node/config.js";
import { dataDirOf, openNodeDatabase } from "../node/storage.js";
import {
  formatFingerprint,
  generateKeyPair,
  keysDir,
  loadKeyPair,
  type PublicKeyInfo,
  saveKeyPair,
} from "../share/signing/index.js";
import { parse, format as pickFormat, UsageError } from "./args.js";
import { bold, dim } from "./output.js";

export const KEYS_HELP = `Usage: corridor keys init [--force] [--format text|json]
       corridor keys show [--format text|json]
  (both take --config FILE, default ./corridor.yaml)

init creates the node's Ed25519 key pair in <dataDir>/keys (node.key, mode 0600; node.pub) and
prints the public key with its fingerprint. Give the public key to each partner; they pin it with
'corridor partner add' and read the fingerprint back to you over another channel (phone, in person).
An existing pair is kept: --force replaces it, which breaks every partner's pin until they re-add
this node. With embedded storage the node must be stopped (the replacement is audited).

show prints the public key and fingerprint of the existing pair.`;

export async function keysCommand(argv: readonly string[]): Promise<number> {
  const [verb, ...rest] = argv;
  const { values } = parse(rest, {
    config: { type: "string" },
    force: { type: "boolean" },
    format: { type: "string" },
  });
  if (values.help || verb === undefined || verb === "-h" || verb === "--help") {
    process.stdout.write(`${KEYS_HELP}\n`);
    return verb === undefined ? 2 : 0;
  }
  if (verb !== "init" && verb !== "show")
    throw new UsageError(`unknown keys command '${verb}': init or show`);
  const loaded = loadConfig(values.config ?? "corridor.yaml");
  if (!loaded.ok) throw new UsageError(loaded.error.map((p) => p.message).join("; "));
  const fmt = pickFormat(values.format, ["text", "json"] as const, process.stdout.isTTY ? "text" : "json");
  const dataDir = dataDirOf(loaded.value);
  const nodeId = loaded.value.config.node.id;

  if (verb === "show") {
    const pair = loadKeyPair(dataDir);
    if (!pair.ok) {
      process.stderr.write(`corridor keys: ${pair.error.message}\n`);
      return 1;
    }
    print(nodeId, pair.value.info, fmt, false);
    return 0;
  }

  // Opened first: a node running on embedded storage refuses, and must not keep signing with a
  // key that has just been replaced under it.
  const db = await openNodeDatabase(loaded.value);
  try {
    const previous = loadKeyPair(dataDir);
    const saved = saveKeyPair(dataDir, generateKeyPair(), { force: values.force === true });
    if (!saved.ok) {
      process.stderr.write(`corridor keys: ${saved.error.message}\n`);
      return 1;
    }
    await appendAudit(
      db,
      {
        actor: "cli",
        action: previous.ok ? "keys.replace" : "keys.init",
        target: nodeId,
        outcome: "success",
        details: {
          kid: saved.value.kid,
          fingerprint: saved.value.fingerprint,
          ...(previous.ok ? { previousFingerprint: previous.value.info.fingerprint } : {}),
          dir: keysDir(dataDir),
        },
      },
      new Date(),
    );
    print(nodeId, saved.value, fmt, true);
    return 0;
  } finally {
    await db.close();
  }
}

function print(nodeId: string, info: PublicKeyInfo, fmt: "text" | "json", created: boolean): void {
  if (fmt === "json") {
    process.stdout.write(
      `${JSON.stringify({ node: nodeId, kid: info.kid, fingerprint: info.fingerprint, publicKey: info.pem, raw: info.raw })}\n`,
    );
    return;
  }
  process.stdout.write(
    `${info.pem.trimEnd()}\n${bold("fingerprint")} ${formatFingerprint(info.fingerprint)}\n${dim(
      `node ${nodeId}, kid ${info.kid}${created ? "; give the public key to each partner and confirm the fingerprint out of band" : ""}`,
    )}\n`,
  );
}
