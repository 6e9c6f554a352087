// `corridor token create|list|revoke`: API tokens, stored hashed; the secret is shown once.

import { appendAudit } from "../audit/index.js";
import { ClassificationLevel, Jurisdiction, Role } from "../core/index.js";
import { loadConfig } from "../node/config.js";
import { openNodeDatabase } from "../node/storage.js";
import { createToken, listTokens, revokeToken } from "../store/tokens-repo.js";
import { parse, format as pickFormat, UsageError } from "./args.js";
import { bold, dim, table } from "./output.js";

export const TOKEN_HELP = `Usage: corridor token create --role ROLE --name NAME [--clearance LEVEL] [--nationality CC]
       corridor token list [--format table|json]
       corridor token revoke ID
  (all take --config FILE, default ./corridor.yaml)

Creates, lists and revokes API tokens. The secret is printed once, by create; only its SHA-256 is
stored. Roles: admin, analyst, responder, crisis-officer, auditor, partner, read-only.
Clearance (what marked incidents the holder sees): unclassified, restricted (default),
confidential, secret, top-secret. Nationality: the holder's ISO country code (default: the
node's jurisdiction), checked against caveats such as SPÉCIAL FRANCE.

With embedded storage the node must be stopped (or use POST /api/v1/tokens with an admin token).`;

export async function tokenCommand(argv: readonly string[]): Promise<number> {
  const [verb, ...rest] = argv;
  const { values, positionals } = parse(rest, {
    config: { type: "string" },
    role: { type: "string" },
    name: { type: "string" },
    clearance: { type: "string" },
    nationality: { type: "string" },
    format: { type: "string" },
  });
  if (values.help || verb === undefined || verb === "-h" || verb === "--help") {
    process.stdout.write(`${TOKEN_HELP}\n`);
    return verb === undefined ? 2 : 0;
  }
  const loaded = loadConfig(values.config ?? "corridor.yaml");
  if (!loaded.ok) throw new UsageError(loaded.error.map((p) => p.message).join("; "));
  const fmt = pickFormat(values.format, ["table", "json"] as const, process.stdout.isTTY ? "table" : "json");
  const db = await openNodeDatabase(loaded.value);
  try {
    const now = new Date();
    if (verb === "create") {
      const role = Role.safeParse(values.role);
      if (!role.success) throw new UsageError(`--role must be one of ${Role.options.join(", ")}`);
      if (!values.name) throw new UsageError("--name is required (who or what holds the token)");
      const clearance = ClassificationLevel.safeParse(values.clearance ?? "restricted");
      if (!clearance.success)
        throw new UsageError(`--clearance must be one of ${ClassificationLevel.options.join(", ")}`);
      const nationality = Jurisdiction.safeParse(values.nationality ?? loaded.value.config.node.jurisdiction);
      if (!nationality.success)
        throw new UsageError("--nationality is an ISO country code in capitals, e.g. FR");
      const t = await createToken(
        db,
        { name: values.name, role: role.data, clearance: clearance.data, nationality: nationality.data },
        now,
      );
      await appendAudit(
        db,
        {
          actor: "cli",
          action: "token.create",
          target: t.id,
          outcome: "success",
          details: { name: values.name, role: role.data },
        },
        now,
      );
      if (fmt === "json")
        process.stdout.write(`${JSON.stringify({ id: t.id, secret: t.secret, role: role.data })}\n`);
      else
        process.stdout.write(
          `${t.secret}\n${dim(`token ${t.id} (${role.data}, ${values.name}); shown once`)}\n`,
        );
      return 0;
    }
    if (verb === "list") {
      const tokens = await listTokens(db);
      if (fmt === "json") process.stdout.write(`${JSON.stringify(tokens, null, 2)}\n`);
      else {
        process.stdout.write(
          `${table(
            ["id", "name", "role", "clearance", "nat.", "created", "state"],
            tokens.map((t) => [
              t.id,
              t.name,
              t.role,
              t.clearance,
              t.nationality,
              t.createdAt.toISOString().slice(0, 19),
              t.revokedAt ? "revoked" : bold("active"),
            ]),
          )}\n`,
        );
      }
      return 0;
    }
    if (verb === "revoke") {
      const id = positionals[0];
      if (!id) throw new UsageError("token revoke needs the token's id (corridor token list)");
      if (!(await revokeToken(db, id, now))) {
        process.stderr.write(`corridor token: no active token ${id}\n`);
        return 1;
      }
      await appendAudit(db, { actor: "cli", action: "token.revoke", target: id, outcome: "success" }, now);
      process.stdout.write(`revoked ${id}\n`);
      return 0;
    }
    throw new UsageError(`unknown token command '${verb}': create, list or revoke`);
  } finally {
    await db.close();
  }
}
