// `corridor partner add|list|remove`: the partner nodes this node trusts, each with its pinned
// Ed25519 key, its base URL, its sharing policy and the tokens each side presents.

import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { appendAudit } from "../audit/index.js";
import { Jurisdiction } from "../core/index.js";
import { loadConfig } from "../node/config.js";
import { dataDirOf, openNodeDatabase } from "../node/storage.js";
import {
  equivalentLabel,
  type PartnerPolicy,
  PartnerPolicySchema,
  SHARE_KINDS,
} from "../share/policy/index.js";
import {
  addPartner,
  formatFingerprint,
  issueInboundToken,
  listPartners,
  parsePublicKey,
  removePartner,
  SecretBox,
} from "../share/signing/index.js";
import { parse, format as pickFormat, UsageError } from "./args.js";
import { bold, dim, green, table, yellow } from "./output.js";

export const PARTNER_HELP = `Usage: corridor partner add --id ID --name NAME --jurisdiction CC --url URL --public-key FILE|-
                           [--max-tlp clear|green|amber] [--max-classification LABEL]
                           [--personal-data remove|pseudonymise] [--kinds KIND,...]
                           [--outbound-token-file FILE] [--no-inbound-token] [--format text|json]
       corridor partner list [--format table|json]
       corridor partner remove ID
  (all take --config FILE, default ./corridor.yaml)

add pins a partner node's Ed25519 public key (PEM, or the raw 32 bytes in base64; '-' reads it from
standard input) and prints its fingerprint: read it back to the partner over another channel before
trusting it. Envelopes from the partner are accepted only when signed by this key.

The sharing policy stored with the partner starts conservative and can only be narrowed by the
border rules (TLP:RED and AMBER+STRICT never leave; nothing above DR / VS-NfD):
  --max-tlp             highest TLP sent (default green)
  --max-classification  highest level sent, in the partner's own label (default: its unclassified
                        label, e.g. offen for DE, NP for FR)
  --personal-data       remove (default) or pseudonymise (per-partner keyed HMAC, key generated here)
  --kinds               object kinds sent (default all: ${SHARE_KINDS.join(", ")})
A partner whose jurisdiction has no known labels gets no policy: nothing is shared with it.

add also issues the token the partner presents when calling this node (printed once, stored as its
SHA-256; --no-inbound-token to skip) and stores the token this node presents to the partner, read
from --outbound-token-file. That token and the pseudonym key must be read back, so they are stored
sealed (AES-256-GCM, under a key derived from the node key): run 'corridor keys init' first; after
'keys init --force' they no longer open and must be set again.

remove unpins the partner and forgets its replay cache. With embedded storage the node must be stopped.`;

export async function partnerCommand(argv: readonly string[]): Promise<number> {
  const [verb, ...rest] = argv;
  const { values, positionals } = parse(rest, {
    config: { type: "string" },
    id: { type: "string" },
    name: { type: "string" },
    jurisdiction: { type: "string" },
    url: { type: "string" },
    "public-key": { type: "string" },
    "max-tlp": { type: "string" },
    "max-classification": { type: "string" },
    "personal-data": { type: "string" },
    kinds: { type: "string" },
    "outbound-token-file": { type: "string" },
    "no-inbound-token": { type: "boolean" },
    format: { type: "string" },
  });
  if (values.help || verb === undefined || verb === "-h" || verb === "--help") {
    process.stdout.write(`${PARTNER_HELP}\n`);
    return verb === undefined ? 2 : 0;
  }
  if (!["add", "list", "remove"].includes(verb))
    throw new UsageError(`unknown partner command '${verb}': add, list or remove`);
  const loaded = loadConfig(values.config ?? "corridor.yaml");
  if (!loaded.ok) throw new UsageError(loaded.error.map((p) => p.message).join("; "));
  const tty = process.stdout.isTTY === true;

  if (verb === "add") {
    const fmt = pickFormat(values.format, ["text", "json"] as const, tty ? "text" : "json");
    const id = values.id;
    if (!id || !/^[a-z0-9][a-z0-9-]{0,31}$/.test(id))
      throw new UsageError("--id is the partner's node id: lower-case letters, digits and dashes, e.g. de");
    if (id === loaded.value.config.node.id) throw new UsageError(`--id ${id} is this node's own id`);
    if (!values.name) throw new UsageError("--name is required (the partner organisation)");
    const jurisdiction = Jurisdiction.safeParse(values.jurisdiction);
    if (!jurisdiction.success)
      throw new UsageError("--jurisdiction is an ISO country code in capitals, e.g. DE");
    if (!values.url || !/^https?:\/\/\S+$/.test(values.url))
      throw new UsageError("--url is the partner's base URL, e.g. http://127.0.0.1:8442");
    if (!values["public-key"])
      throw new UsageError("--public-key FILE (or - for standard input) is required");
    const keyText = readInput(values["public-key"]);
    const key = parsePublicKey(keyText);
    if (!key.ok) throw new UsageError(`--public-key: ${key.error.message}`);
    const policy = makePolicy(id, jurisdiction.data, values);
    const outboundToken = values["outbound-token-file"]
      ? readInput(values["outbound-token-file"]).trim()
      : undefined;
    if (outboundToken === "") throw new UsageError("--outbound-token-file is empty");

    // the partner's secrets (our token for it, its pseudonym key) are stored sealed with the node key
    const sealing = SecretBox.load(dataDirOf(loaded.value));
    if (!sealing.ok)
      throw new UsageError(
        `${sealing.error.message} (the partner's token and pseudonym key are sealed with it)`,
      );
    const box = sealing.value;
    const db = await openNodeDatabase(loaded.value);
    try {
      const now = new Date();
      const r = await db.transaction(async (tx) => {
        const added = await addPartner(
          tx,
          box,
          {
            id,
            name: values.name!,
            jurisdiction: jurisdiction.data,
            baseUrl: values.url!,
            publicKey: key.value,
            policy: policy ?? null,
            outboundToken: outboundToken ?? null,
          },
          now,
        );
        if (!added.ok) return added;
        const token = values["no-inbound-token"] ? undefined : await issueInboundToken(tx, id);
        await appendAudit(
          tx,
          {
            actor: "cli",
            action: "partner.add",
            target: id,
            outcome: "success",
            details: {
              jurisdiction: jurisdiction.data,
              url: values.url!,
              kid: added.value.kid,
              fingerprint: added.value.fingerprint,
              policy: policy === undefined ? null : { ...policy, pseudonymKey: "(set)" },
            },
          },
          now,
        );
        return { ok: true as const, value: { partner: added.value, token } };
      });
      if (!r.ok) {
        process.stderr.write(`corridor partner: ${r.error.message}\n`);
        return 1;
      }
      const { partner, token } = r.value;
      if (fmt === "json") {
        process.stdout.write(
          `${JSON.stringify({ id, kid: partner.kid, fingerprint: partner.fingerprint, policy: policy !== undefined, inboundToken: token ?? null })}\n`,
        );
      } else {
        process.stdout.write(
          `pinned ${bold(id)} (${values.name}, ${jurisdiction.data}) at ${values.url}\n` +
            `${bold("fingerprint")} ${formatFingerprint(partner.fingerprint)}\n` +
            `${dim("read it back to the partner over another channel before relying on it")}\n` +
            (policy === undefined
              ? `${yellow(`no sharing policy: no labels are known for ${jurisdiction.data}; nothing will be shared`)}\n`
              : `${dim(`policy: TLP up to ${policy.maxTlp}, classification up to ${policy.maxClassification}, personal data ${policy.personalData === "remove" ? "removed" : "pseudonymised"}`)}\n`) +
            (token === undefined
              ? ""
              : `${bold("token for the partner")} ${token}\n${dim("shown once: give it to the partner for calls to this node")}\n`),
        );
      }
      return 0;
    } finally {
      await db.close();
    }
  }

  const db = await openNodeDatabase(loaded.value);
  try {
    if (verb === "list") {
      const fmt = pickFormat(values.format, ["table", "json"] as const, tty ? "table" : "json");
      // without the node key the list still shows, the sealed secrets as unreadable
      const box = SecretBox.load(dataDirOf(loaded.value));
      const partners = await listPartners(db, box.ok ? box.value : undefined);
      if (fmt === "json") {
        process.stdout.write(
          `${JSON.stringify(
            partners.map((p) => ({
              id: p.id,
              name: p.name,
              jurisdiction: p.jurisdiction,
              url: p.baseUrl,
              kid: p.kid,
              fingerprint: p.fingerprint,
              addedAt: p.addedAt.toISOString(),
              enabled: p.enabled,
              policy: p.policy === null ? null : { ...p.policy, pseudonymKey: "(set)" },
              policyProblem: p.policyProblem,
              inboundToken: p.hasInboundToken,
              outboundToken: p.outboundToken !== null,
              outboundTokenProblem: p.outboundTokenProblem,
            })),
            null,
            2,
          )}\n`,
        );
      } else {
        process.stdout.write(
          `${table(
            ["id", "name", "jur.", "url", "fingerprint", "policy", "state"],
            partners.map((p) => [
              p.id,
              p.name,
              p.jurisdiction,
              p.baseUrl,
              `${p.fingerprint.slice(0, 16)}…`,
              p.policy === null
                ? yellow(p.policyProblem === null ? "none" : "invalid")
                : `≤${p.policy.maxTlp}`,
              !p.enabled
                ? dim("disabled")
                : p.outboundTokenProblem === null
                  ? green("enabled")
                  : yellow("enabled, token unreadable"),
            ]),
          )}\n`,
        );
      }
      return 0;
    }
    const id = positionals[0];
    if (!id) throw new UsageError("partner remove needs the partner's id (corridor partner list)");
    const now = new Date();
    const removed = await db.transaction(async (tx) => {
      if (!(await removePartner(tx, id))) return false;
      await appendAudit(tx, { actor: "cli", action: "partner.remove", target: id, outcome: "success" }, now);
      return true;
    });
    if (!removed) {
      process.stderr.write(`corridor partner: no partner ${id}\n`);
      return 1;
    }
    process.stdout.write(`removed ${id}\n`);
    return 0;
  } finally {
    await db.close();
  }
}

function readInput(pathOrDash: string): string {
  try {
    return readFileSync(pathOrDash === "-" ? 0 : pathOrDash, "utf8");
  } catch (e) {
    throw new UsageError(
      `cannot read ${pathOrDash === "-" ? "standard input" : pathOrDash}: ${(e as Error).message}`,
    );
  }
}

/** The stored policy from the options; undefined when the jurisdiction's labels are unknown. */
function makePolicy(
  id: string,
  jurisdiction: string,
  values: { "max-tlp"?: string; "max-classification"?: string; "personal-data"?: string; kinds?: string },
): PartnerPolicy | undefined {
  const floor = equivalentLabel("unclassified", jurisdiction);
  if (!floor.ok) {
    if (values["max-classification"] !== undefined || values["max-tlp"] !== undefined)
      throw new UsageError(`no classification labels are known for ${jurisdiction}: no policy can be set`);
    return undefined;
  }
  const r = PartnerPolicySchema.safeParse({
    partner: id,
    jurisdiction,
    allowedKinds:
      values.kinds === undefined ? [...SHARE_KINDS] : values.kinds.split(",").map((k) => k.trim()),
    maxTlp: values["max-tlp"] ?? "green",
    maxClassification: values["max-classification"] ?? floor.value,
    personalData: values["personal-data"] ?? "remove",
    pseudonymKey: randomBytes(32).toString("base64"),
  });
  if (!r.success)
    throw new UsageError(
      r.error.issues.map((i) => `${i.path.join(".") || "policy"}: ${i.message}`).join("; "),
    );
  return r.data;
}
