// One Corridor node: storage, the event queue, detection, the HTTP API, syslog, rule reloads.
// `role` splits the node for scale-out: ingest and detect processes joined by NATS JetStream,
// all sharing PostgreSQL; "all" (the default) runs everything in one process, embedded.

import { randomUUID } from "node:crypto";
import { type FSWatcher, mkdirSync, readFileSync, watch } from "node:fs";
import type { AddressInfo } from "node:net";
import { isAbsolute, join, resolve } from "node:path";
import { serve } from "@hono/node-server";
import pino, { type Logger } from "pino";
import { buildApp } from "../api/app.js";
import { MetricsRegistry } from "../api/metrics.js";
import { openApiDocument } from "../api/openapi.js";
import type { AnyRoute } from "../api/route.js";
import { actionRoutes } from "../api/routes/actions.js";
import { adminRoutes } from "../api/routes/admin.js";
import { alertRoutes } from "../api/routes/alerts.js";
import { assistanceRoutes } from "../api/routes/assistance.js";
import { actor } from "../api/routes/common.js";
import { eventRoutes } from "../api/routes/events.js";
import { incidentRoutes } from "../api/routes/incidents.js";
import { systemRoutes } from "../api/routes/system.js";
import type { NodeServices, RulesStatus } from "../api/services.js";
import type { Problem } from "../core/index.js";
import { mapEvent } from "../detect/hunt.js";
import { loadPipelines, type Pipeline } from "../detect/mappings/index.js";
import type { CorrelatorSnapshot } from "../detect/sigma/correlation.js";
import { Ingestor } from "../ingest/accept.js";
import { JetStreamQueue } from "../ingest/queue/jetstream.js";
import type { EventQueue } from "../ingest/queue/port.js";
import type { QueuedEvent } from "../ingest/queue/record.js";
import { SegmentLogQueue } from "../ingest/queue/segment.js";
import { startSyslog } from "../ingest/syslog/index.js";
import { lapiRoutes } from "../perimeter/lapi.js";
import { loadSchemas, structuralProblems, validateStix } from "../share/stix/index.js";
import { taxiiApp } from "../share/taxii/server.js";
import { type Database, openDatabase } from "../store/database.js";
import { getState } from "../store/state-repo.js";
import { authenticate } from "../store/tokens-repo.js";
import type { NodeConfig, NodeRole } from "./config.js";
import { mappingFor } from "./detect-batch.js";
import { correlationKey, Detector } from "./detector.js";
import { executeAction } from "./execute-action.js";
import { Federation } from "./federation.js";
import { Responder } from "./respond.js";
import { buildRuleSet, type RuleSet } from "./rule-set.js";
import { auditPort, rulesStatus } from "./services.js";
import { InlineStep } from "./step.js";
import { toRuleMatch } from "./to-alert.js";
import { WorkerStep } from "./worker-step.js";

export interface NodeOptions {
  readonly config: NodeConfig;
  /** Folder the config's relative paths resolve against. */
  readonly baseDir: string;
  readonly role?: NodeRole;
  readonly logger?: Logger;
  /** Overrides the config's port (0 = any free port; tests). */
  readonly port?: number;
  readonly now?: () => Date;
  /** false: match in the main thread even when a worker thread could (tests of the inline path). */
  readonly detectionThread?: boolean;
  /** PostgreSQL only: a schema to use (test isolation, several nodes on one database). */
  readonly databaseSchema?: string;
  /** Names this process's detector state; defaults to "local" (role all) or a random worker id. */
  readonly workerId?: string;
}

export interface RunningNode {
  readonly url: string;
  readonly role: NodeRole;
  readonly services: NodeServices;
  readonly db: Database;
  readonly queue: EventQueue;
  readonly detector: Detector | undefined;
  /** The detection worker thread of the single-process node (restarted if it dies). */
  readonly detectionWorker: WorkerStep | undefined;
  /** The corridor side: partners, sharing, assistance (re-`start()` it after pairing). */
  readonly federation: Federation;
  /** Where the syslog listeners listen, when configured. */
  readonly syslog: { readonly udp?: AddressInfo; readonly tcp?: AddressInfo } | undefined;
  /** Resolves once every event accepted so far has been through detection and its follow-ups. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

const VERSION = (
  JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as {
    version: string;
  }
).version;

/**
 * What the TAXII server checks of an incoming object: the structural rules always, the official
 * schemas when the operator has them (CORRIDOR_STIX_SCHEMAS); they are not shipped.
 */
function stixCheck(o: Record<string, unknown>): string | undefined {
  let problems: readonly Problem[];
  if ("code" in loadSchemas()) problems = structuralProblems(o);
  else {
    // the structural checks come first inside validateStix
    const r = validateStix(o);
    problems = r.ok ? [] : r.error;
  }
  if (problems.length === 0) return undefined;
  return problems
    .map((p) => `${p.path ?? ""}: ${p.message}`)
    .join("; ")
    .slice(0, 500);
}

export async function startNode(o: NodeOptions): Promise<RunningNode> {
  const { config } = o;
  const role = o.role ?? "all";
  const now = o.now ?? (() => new Date());
  const log =
    o.logger ?? pino({ level: config.log.level, base: { node: config.node.id, role } }, pino.destination(2));
  const at = (p: string) => (isAbsolute(p) ? p : resolve(o.baseDir, p));
  const dataDir = at(config.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const detects = role === "all" || role === "detect";
  const ingests = role === "all" || role === "ingest";

  const db = await openDatabase({
    databaseUrl: config.storage.databaseUrl,
    ...(o.databaseSchema ? { schema: o.databaseSchema } : {}),
    ...(config.storage.databaseUrl ? {} : { dataDir: join(dataDir, "pglite") }),
  });
  let queue: EventQueue;
  if (config.nats.url) {
    queue = await JetStreamQueue.open({
      url: config.nats.url,
      stream: config.nats.stream,
      nodeId: config.node.id,
    });
  } else if (role !== "all") {
    await db.close();
    throw new Error(
      `role '${role}' shares work through NATS JetStream: set NATS_URL (or nats.url in the config)`,
    );
  } else {
    queue = await SegmentLogQueue.open(join(dataDir, "events"));
  }
  // PGlite has no autovacuum: without fresh planner statistics, queries planned for empty tables
  // (seq scans, sorts) slow down as the tables fill. ANALYZE now and then, as autovacuum would.
  const maintenance =
    db.kind === "pglite"
      ? setInterval(() => {
          db.query("ANALYZE").catch((e: unknown) => log.warn({ err: e }, "ANALYZE failed"));
        }, 20_000)
      : undefined;
  maintenance?.unref();
  const metrics = new MetricsRegistry();
  const audit = auditPort(db, now);
  const sources = {
    rules: config.rules.map(at),
    mappings: config.mappings.map(at),
    placeholders: config.placeholders,
  };

  // rules: built once, swapped whole on reload; correlation windows carried over. The
  // single-process node matches in a worker thread (its own core); split detect workers match
  // here, since their correlations are fed in the commit's transaction.
  const workerId = o.workerId ?? (role === "all" ? "local" : `worker-${randomUUID().slice(0, 8)}`);
  const offload = detects && queue.kind === "segment-log" && o.detectionThread !== false;
  let ruleSet: RuleSet | undefined;
  let status: RulesStatus | undefined;
  let pipelines: readonly Pipeline[] = [];
  const workerStep = offload ? new WorkerStep() : undefined;
  const loadHere = (previous?: CorrelatorSnapshot): RuleSet => {
    const r = buildRuleSet(sources, now(), previous);
    if (!r.ok) throw new Error(`mappings failed to load: ${r.error.map((p) => p.message).join("; ")}`);
    return r.value;
  };
  const loadPipelinesHere = () => {
    const r = loadPipelines(sources.mappings.length > 0 ? [...sources.mappings] : undefined);
    if (!r.ok) throw new Error(`mappings failed to load: ${r.error.map((p) => p.message).join("; ")}`);
    return r.value;
  };
  const saved = detects ? await getState<CorrelatorSnapshot>(db, correlationKey(workerId)) : undefined;
  if (workerStep) {
    status = await workerStep.load(sources, saved);
    workerStep.seed(saved);
    pipelines = loadPipelinesHere();
  } else if (detects) {
    ruleSet = loadHere(saved);
    status = rulesStatus(ruleSet);
    pipelines = ruleSet.pipelines;
  } else {
    pipelines = loadPipelinesHere();
  }
  if (status) log.info({ rules: status.detections, failed: status.report.failed }, "rules loaded");
  const reload = async (by: string) => {
    if (workerStep) {
      status = await workerStep.load(sources);
      pipelines = loadPipelinesHere();
    } else {
      ruleSet = loadHere(ruleSet?.correlator.snapshot());
      status = rulesStatus(ruleSet);
      pipelines = ruleSet.pipelines;
    }
    const report = status.report;
    await audit.append({
      actor: by,
      action: "rules.reload",
      outcome: report.failed === 0 ? "success" : "failure",
      details: { rules: report.rules, loaded: report.loaded, failed: report.failed },
    });
    log.info({ loaded: report.loaded, failed: report.failed, by }, "rules reloaded");
    return status;
  };

  const federation = new Federation({
    db,
    node: {
      id: config.node.id,
      name: config.node.name ?? config.node.id,
      jurisdiction: config.node.jurisdiction,
    },
    dataDir,
    audit,
    log,
    now,
    importBlockMs: config.sharing.importBlock,
    importBlocks: config.sharing.importBlocks,
  });
  const fed = await federation.start();
  const outbox = federation.startOutbox();
  const puller = federation.startPulling(config.sharing.pullEvery);
  log.info(fed, "federation ready");

  let sharing: Promise<void> = Promise.resolve();
  const responder = new Responder({
    db,
    autoIncident: config.detection.autoIncident,
    playbookDirs: config.playbooks.map(at),
    now,
    audit,
    log,
    fieldsOf: (source, raw) => {
      const choice = mappingFor(source, pipelines);
      return (choice ? mapEvent(choice, pipelines, raw, {})?.fields : undefined) ?? raw;
    },
    services: () => services,
    // sharing runs on its own chain: a slow partner never holds up the next alert's follow-ups
    onIncident: config.sharing.auto
      ? async (incident) => {
          sharing = sharing
            .then(() => federation.shareIncident(incident, "system (auto-share)"))
            .then(() => undefined)
            .catch((e: unknown) => log.error({ err: e, incident: incident.id }, "auto-share failed"));
        }
      : undefined,
  });
  const playbooks = responder.load();
  log.info({ playbooks: playbooks.loaded }, "playbooks loaded");

  let detector: Detector | undefined;
  if (detects) {
    detector = new Detector({
      db,
      queue,
      step: workerStep ?? new InlineStep(() => ruleSet!),
      rules: () => ruleSet!,
      dedupWindowMs: config.detection.dedupWindow,
      workerId,
      sharedCorrelations: queue.kind === "jetstream",
      toRuleMatch,
      afterCommit: (touched) => responder.onAlerts(touched),
      metrics: {
        events: metrics.counter("corridor_detect_events_total", "Events through detection"),
        matches: metrics.counter("corridor_detect_matches_total", "Rule matches"),
        alertLatency: metrics.histogram(
          "corridor_alert_latency_seconds",
          "From an event's 202 to its alert committed",
          [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
        ),
      },
      onError: (e) => log.error({ err: e }, "after-commit follow-up failed"),
      now,
    });
    await detector.start();
  }

  const accepted = metrics.counter("corridor_events_accepted_total", "Events accepted (durable), by source");
  const ingest = ingests
    ? new Ingestor(
        queue,
        { ...config.ingest, maxInFlight: 64 },
        () => new Set(["auto", "none", ...pipelines.map((p) => p.name)]),
        { accepted, rejected: metrics.counter("corridor_events_rejected_total", "Events rejected") },
        () => now().getTime(),
      )
    : undefined;
  metrics.gauge("corridor_detect_lag_events", "Events accepted but not yet detected").collect(() => lastLag);
  let lastLag = 0;

  const services: NodeServices = {
    node: {
      id: config.node.id,
      jurisdiction: config.node.jurisdiction,
      name: config.node.name,
      role,
      version: VERSION,
      startedAt: now(),
    },
    db,
    ingest,
    audit,
    metrics,
    now,
    rules: () => (detects ? status : undefined),
    reloadRules: async (by) => {
      if (!detects) throw new Error("this role does not detect");
      return reload(`${by.name} (${by.role})`);
    },
    ready: async () => {
      const checks: Record<string, string> = {};
      try {
        await db.query("SELECT 1");
        checks.database = "ok";
      } catch (e) {
        checks.database = (e as Error).message;
      }
      try {
        lastLag = await queue.lag();
        checks.queue = "ok";
      } catch (e) {
        checks.queue = (e as Error).message;
      }
      if (detects) checks.rules = status ? "ok" : "not loaded";
      return { ok: Object.values(checks).every((v) => v === "ok"), checks };
    },
    shareIncident: (incident, by) => federation.shareIncident(incident, by),
    sendAssistance: (partner, requestId, event) => federation.sendAssistance(partner, requestId, event),
    executeAction: (a, by) =>
      executeAction({ db, nodeId: config.node.id, now, connectors: config.connectors }, a, by),
    lag: async () => {
      lastLag = await queue.lag();
      return lastLag;
    },
  };

  const routes: AnyRoute<NodeServices>[] = [];
  const api = role === "all" || role === "api";
  routes.push(...systemRoutes(() => document));
  if (ingests) routes.push(...eventRoutes.filter((r) => r.operationId === "ingestEvents"));
  if (api) {
    routes.push(...eventRoutes.filter((r) => r.operationId !== "ingestEvents"));
    routes.push(...alertRoutes, ...incidentRoutes, ...actionRoutes, ...assistanceRoutes, ...adminRoutes);
  }
  const document = openApiDocument(routes, {
    title: `Corridor node ${config.node.id}`,
    version: VERSION,
    description:
      "The API of one Corridor node (SOC): events, alerts, incidents, actions, rules, tokens, audit.",
  });
  const app = buildApp<NodeServices>({
    services,
    routes,
    authenticate: (token) => authenticate(db, token, now()),
    onAccessRefused: async (e) => {
      await audit.append({
        actor: e.principal ? actor(e.principal) : `anonymous${e.remote ? `@${e.remote}` : ""}`,
        action: e.outcome === "unauthenticated" ? "auth.failure" : "auth.denied",
        target: `${e.method} ${e.path}`,
        outcome: e.outcome === "unauthenticated" ? "failure" : "denied",
        details: { reason: e.reason },
      });
    },
    metrics,
    mounts: api
      ? [
          federation.routes(),
          taxiiApp({
            db,
            title: `Corridor ${config.node.id}`,
            description: config.node.name ?? "",
            authenticate: async (secret) =>
              (await authenticate(db, secret, now())) ?? (await federation.authenticatePartner(secret)),
            now,
            validate: stixCheck,
            verifyWrite: (w) => federation.verifyPush(w),
            signPage: (page, who) => federation.signPage(page, who),
            onAdded: (c, objects, by) => federation.imported(c, objects, by),
            onRefused: async (r) => {
              await audit.append({
                actor: r.principal ? actor(r.principal) : "anonymous",
                action: "taxii.refused",
                target: r.path,
                outcome: "denied",
                details: { reason: r.reason },
              });
            },
          }),
          lapiRoutes({
            sql: db,
            now,
            metrics,
            logError: (err, context) => log.error({ err, ...context }, "lapi failed"),
            onRefused: async (r) => {
              await audit.append({
                actor: `bouncer${r.remote ? `@${r.remote}` : ""}`,
                action: "lapi.refused",
                target: r.path,
                outcome: "denied",
              });
            },
          }),
        ]
      : [],
    maxBodyBytes: config.ingest.maxBodyBytes,
    logError: (err, context) => log.error({ err, ...context }, "request failed"),
  });

  const server = serve({
    fetch: app.fetch,
    hostname: config.listen.host,
    port: o.port ?? config.listen.port,
  });
  await new Promise<void>((res, rej) => {
    server.once("listening", () => res());
    server.once("error", rej);
  });
  const addr = server.address() as AddressInfo;
  const url = `http://${addr.family === "IPv6" ? `[${addr.address}]` : addr.address}:${addr.port}`;

  // syslog listeners feed the same queue
  const syslog =
    ingests && config.syslog
      ? await startSyslog({
          ...(config.syslog.udp ? { udp: config.syslog.udp } : {}),
          ...(config.syslog.tcp ? { tcp: config.syslog.tcp } : {}),
          onEvents: async (events) => {
            const receivedAt = now().getTime();
            const records: QueuedEvent[] = events.map((event) => ({
              id: randomUUID(),
              source: config.syslog!.source,
              receivedAt,
              event,
            }));
            await queue.publish(records);
            accepted.inc({ source: config.syslog!.source }, records.length);
          },
          onProblem: (p) => log.warn({ problem: p }, "syslog message refused"),
          maxMessageBytes: config.ingest.maxEventBytes,
        })
      : undefined;

  // rule folders are watched: a change reloads after a quiet half second
  const watchers: FSWatcher[] = [];
  if (detects && config.detection.watchRules) {
    let timer: NodeJS.Timeout | undefined;
    for (const dir of sources.rules) {
      try {
        watchers.push(
          watch(dir, { recursive: true }, () => {
            clearTimeout(timer);
            timer = setTimeout(() => {
              reload("file-watch").catch((e: unknown) => log.error({ err: e }, "rule reload failed"));
            }, 500);
          }),
        );
      } catch (e) {
        log.warn({ dir, err: e }, "cannot watch rule folder; reload with POST /api/v1/rules/reload");
      }
    }
  }

  await audit.append({
    actor: "system",
    action: "node.start",
    outcome: "success",
    details: { role, version: VERSION, storage: db.kind, queue: queue.kind },
  });
  log.info({ url, storage: db.kind, queue: queue.kind }, "node started");

  return {
    url,
    role,
    services,
    db,
    queue,
    detector,
    syslog: syslog?.addresses,
    detectionWorker: workerStep,
    federation,
    settled: async () => {
      await detector?.idle();
      await responder.idle();
      await sharing;
    },
    stop: async () => {
      for (const w of watchers) w.close();
      clearInterval(maintenance);
      outbox.stop();
      puller.stop();
      await syslog?.close();
      await new Promise<void>((res) => {
        server.close(() => res());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await detector?.stop();
      await responder.idle();
      await sharing;
      await workerStep?.close();
      await queue.close();
      await audit.append({ actor: "system", action: "node.stop", outcome: "success" }).catch(() => undefined);
      await db.close();
    },
  };
}
