// corridor.yaml: one validated file with defaults that work on one machine, plus environment
// overrides (DATABASE_URL, NATS_URL, CORRIDOR_LISTEN) so a deployment changes nothing else.
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { type ClassificationLevel, err, Jurisdiction, ok, type Problem, type Result } from "../core/index.js";

const DURATION = /^(\d+)(ms|s|m|h|d)$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** "500ms", "30s", "15m", "4h", "7d" in milliseconds; undefined for anything else. */
export function parseDurationMs(text: string): number | undefined {
  const m = DURATION.exec(text);
  return m ? Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS] : undefined;
}

const Duration = z
  .string()
  .regex(DURATION, "a duration like 500ms, 30s, 15m, 4h or 7d")
  .transform((s) => parseDurationMs(s)!);

const Listen = z.object({
  host: z.string().min(1).default("127.0.0.1"),
  port: z.number().int().min(0).max(65535).default(8440),
});

const SyslogListen = z.object({
  host: z.string().default("127.0.0.1"),
  port: z.number().int().min(0).max(65535),
});

export const NodeConfigSchema = z
  .object({
    node: z.object({
      id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, "lower-case letters, digits and dashes, e.g. fr"),
      jurisdiction: Jurisdiction,
      name: z.string().max(200).optional(),
    }),
    listen: Listen.default({ host: "127.0.0.1", port: 8440 }),
    /** Folder for the embedded database and the event log; relative to the config file. */
    dataDir: z.string().default(".corridor/data"),
    storage: z.object({ databaseUrl: z.string().url().optional() }).default({}),
    nats: z
      .object({
        url: z.string().optional(),
        stream: z
          .string()
          .regex(/^[A-Za-z0-9_-]+$/)
          .default("CORRIDOR_EVENTS"),
      })
      .default({ stream: "CORRIDOR_EVENTS" }),
    rules: z.array(z.string()).default(["rules"]),
    mappings: z.array(z.string()).default([]),
    playbooks: z.array(z.string()).default(["playbooks"]),
    placeholders: z.record(z.string(), z.array(z.string())).default({}),
    ingest: z
      .object({
        maxBodyBytes: z
          .number()
          .int()
          .positive()
          .default(32 * 1024 * 1024),
        maxEventBytes: z
          .number()
          .int()
          .positive()
          .default(1024 * 1024),
        maxEvents: z.number().int().positive().default(20_000),
        maxDecompressedBytes: z
          .number()
          .int()
          .positive()
          .default(128 * 1024 * 1024),
        /** Events written but not yet detected beyond which ingest answers 429. */
        maxLag: z.number().int().positive().default(500_000),
      })
      .default({
        maxBodyBytes: 32 * 1024 * 1024,
        maxEventBytes: 1024 * 1024,
        maxEvents: 20_000,
        maxDecompressedBytes: 128 * 1024 * 1024,
        maxLag: 500_000,
      }),
    syslog: z
      .object({
        udp: SyslogListen.optional(),
        tcp: SyslogListen.optional(),
        source: z.string().default("syslog"),
      })
      .optional(),
    detection: z
      .object({
        dedupWindow: Duration.default(15 * 60_000),
        watchRules: z.boolean().default(true),
        /** Alerts at or above this severity open an incident by themselves. */
        autoIncident: z.enum(["off", "low", "medium", "high", "critical"]).default("high"),
        batch: z.number().int().positive().default(2000),
      })
      .default({ dedupWindow: 15 * 60_000, watchRules: true, autoIncident: "high", batch: 2000 }),
    /** Cross-border sharing: partners and their policies are pinned with `corridor partner add`. */
    sharing: z
      .object({
        /** Share an incident with every partner as soon as it is opened (policy permitting). */
        auto: z.boolean().default(true),
        /** How long a block taken from a partner's indicator lasts when the indicator names no end. */
        importBlock: Duration.default(4 * 3_600_000),
        /** Local policy for what partners share: their indicators' public addresses become blocks here. */
        importBlocks: z.boolean().default(true),
        /** How often partners' shared collections are pulled (repairs missed pushes). */
        pullEvery: Duration.default(60_000),
      })
      .default({ auto: true, importBlock: 4 * 3_600_000, importBlocks: true, pullEvery: 60_000 }),
    /** Where actions without a built-in executor go: a webhook per kind (EDR, IAM...). */
    connectors: z
      .object({
        "disable-account": z.object({ url: z.string().url() }).optional(),
        "isolate-host": z.object({ url: z.string().url() }).optional(),
      })
      .strict()
      .default({}),
    log: z
      .object({ level: z.enum(["debug", "info", "warn", "error", "silent"]).default("info") })
      .default({ level: "info" }),
  })
  .strict();

export type NodeConfig = z.infer<typeof NodeConfigSchema>;
export type NodeRole = "all" | "ingest" | "detect" | "api";

export interface LoadedConfig {
  readonly config: NodeConfig;
  /** Folder the config's relative paths are resolved against. */
  readonly baseDir: string;
}

/** Validates a config object (already parsed) and applies the environment overrides. */
export function parseConfig(
  input: unknown,
  env: Readonly<Record<string, string | undefined>>,
  where = "corridor.yaml",
): Result<NodeConfig, Problem[]> {
  const parsed = NodeConfigSchema.safeParse(input ?? {});
  if (!parsed.success) {
    return err(
      parsed.error.issues.map((i) => ({
        code: "invalid-config",
        path: where,
        message: `${i.path.join(".") || "(root)"}: ${i.message}`,
      })),
    );
  }
  const c = parsed.data;
  const databaseUrl = env.DATABASE_URL || c.storage.databaseUrl;
  const natsUrl = env.NATS_URL || c.nats.url;
  let listen = c.listen;
  if (env.CORRIDOR_LISTEN) {
    const m = /^(.*):(\d+)$/.exec(env.CORRIDOR_LISTEN);
    if (!m)
      return err([{ code: "invalid-env", message: "CORRIDOR_LISTEN must be host:port, e.g. 0.0.0.0:8440" }]);
    listen = { host: m[1]!, port: Number(m[2]) };
  }
  return ok({
    ...c,
    listen,
    storage: databaseUrl ? { databaseUrl } : {},
    nats: natsUrl ? { ...c.nats, url: natsUrl } : { stream: c.nats.stream },
  });
}

/** Reads and validates a YAML config file; problems carry the file and, when known, the line. */
export function loadConfig(path: string, env = process.env): Result<LoadedConfig, Problem[]> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    return err([{ code: "config-unreadable", path, message: (e as Error).message }]);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (doc.errors.length > 0) {
    return err(
      doc.errors.map((e) => ({
        code: "invalid-yaml",
        path,
        line: lines.linePos(e.pos[0]).line,
        message: e.message.split("\n")[0] ?? e.message,
      })),
    );
  }
  const r = parseConfig(doc.toJS(), env, path);
  return r.ok ? ok({ config: r.value, baseDir: dirname(resolve(path)) }) : r;
}

export const DEFAULT_CLEARANCE: ClassificationLevel = "restricted";
