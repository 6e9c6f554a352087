// Two sovereign nodes, fr and de, paired in one process on embedded storage: keys, pinned
// partners, sharing policies, tokens, and a bouncer at de. Used by `corridor demo`, its test and
// bench/propagation.
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import pino from "pino";
import { ROLES, type Role } from "../core/index.js";
import { type NodeConfig, parseConfig } from "../node/config.js";
import { type RunningNode, startNode } from "../node/node.js";
import { addBouncer } from "../perimeter/bouncers.js";
import { PartnerPolicySchema } from "../share/policy/index.js";
import {
  addPartner,
  describePublicKey,
  generateKeyPair,
  issueInboundToken,
  SecretBox,
  saveKeyPair,
  setOutboundToken,
} from "../share/signing/index.js";
import { createToken } from "../store/tokens-repo.js";

export const PACKAGE_ROOT = resolve(import.meta.dirname, "../../..");

export interface DemoNode {
  readonly id: "fr" | "de";
  readonly node: RunningNode;
  readonly url: string;
  readonly tokens: Readonly<Record<Role, string>>;
}

export interface Corridor {
  readonly fr: DemoNode;
  readonly de: DemoNode;
  /** The API key of the bouncer registered at de. */
  readonly bouncerKey: string;
  stop(): Promise<void>;
}

const NAMES = { fr: "Corridor SOC France", de: "Corridor SOC Deutschland" } as const;
const JURISDICTION = { fr: "FR", de: "DE" } as const;
/** The highest marking each side accepts, in its own words. */
const MAX_LABEL = { fr: "DR", de: "VS-NfD" } as const;

function config(id: "fr" | "de", dataDir: string, overrides: Record<string, unknown>): NodeConfig {
  const r = parseConfig(
    {
      node: { id, jurisdiction: JURISDICTION[id], name: NAMES[id] },
      dataDir,
      rules: [join(PACKAGE_ROOT, "rules")],
      playbooks: [join(PACKAGE_ROOT, "playbooks")],
      detection: { watchRules: false },
      log: { level: "silent" },
      ...overrides,
    },
    {},
  );
  if (!r.ok) throw new Error(r.error.map((p) => p.message).join("; "));
  return r.value;
}

/** Starts fr and de under `dir` and pairs them. Ports 0 pick free ones. */
export async function startCorridor(opts: {
  readonly dir: string;
  readonly ports?: { readonly fr: number; readonly de: number };
  readonly overrides?: Record<string, unknown>;
}): Promise<Corridor> {
  const started: Partial<Record<"fr" | "de", DemoNode>> = {};
  const keys = { fr: generateKeyPair(), de: generateKeyPair() };
  for (const id of ["fr", "de"] as const) {
    const dataDir = join(opts.dir, id);
    mkdirSync(dataDir, { recursive: true });
    const saved = saveKeyPair(dataDir, keys[id], { force: true });
    if (!saved.ok) throw new Error(saved.error.message);
    const node = await startNode({
      config: config(id, dataDir, opts.overrides ?? {}),
      baseDir: dataDir,
      port: opts.ports?.[id] ?? 0,
      logger: pino({ level: "silent" }),
    });
    const tokens = {} as Record<Role, string>;
    for (const role of ROLES) {
      tokens[role] = (
        await createToken(
          node.db,
          { name: `${id}-${role}`, role, clearance: "restricted", nationality: JURISDICTION[id] },
          new Date(),
        )
      ).secret;
    }
    started[id] = { id, node, url: node.url, tokens };
  }
  const fr = started.fr!;
  const de = started.de!;
  // each pins the other's key, with the policy for what it may send there
  for (const [self, other] of [
    [fr, de],
    [de, fr],
  ] as const) {
    const policy = PartnerPolicySchema.parse({
      partner: other.id,
      jurisdiction: JURISDICTION[other.id],
      allowedKinds: ["incident", "indicator", "relationship", "identity", "sighting", "assistance-request"],
      maxTlp: "amber",
      maxClassification: MAX_LABEL[other.id],
      personalData: "pseudonymise",
      pseudonymKey: randomBytes(32).toString("base64"),
    });
    const r = await addPartner(
      self.node.db,
      SecretBox.fromNodeKey(keys[self.id].privateKey),
      {
        id: other.id,
        name: NAMES[other.id],
        jurisdiction: JURISDICTION[other.id],
        baseUrl: other.url,
        publicKey: describePublicKey(keys[other.id].publicKey).publicKey,
        policy,
      },
      new Date(),
    );
    if (!r.ok) throw new Error(r.error.message);
  }
  // the token each node gives the other, handed over out of band
  for (const [issuer, holder] of [
    [fr, de],
    [de, fr],
  ] as const) {
    const token = await issueInboundToken(issuer.node.db, holder.id);
    if (!token) throw new Error(`no partner ${holder.id} at ${issuer.id}`);
    await setOutboundToken(
      holder.node.db,
      SecretBox.fromNodeKey(keys[holder.id].privateKey),
      issuer.id,
      token,
    );
  }
  await fr.node.federation.start();
  await de.node.federation.start();
  const bouncer = await addBouncer(de.node.db, { name: "de-perimeter-fw" }, new Date());
  if (!bouncer.ok) throw new Error(bouncer.error.message);
  return {
    fr,
    de,
    bouncerKey: bouncer.value.apiKey,
    stop: async () => {
      await fr.node.stop();
      await de.node.stop();
    },
  };
}
