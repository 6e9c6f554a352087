// Split (scale-out) nodes for end-to-end tests against the real local NATS JetStream and PostgreSQL:
// reachability checks that say how to fix a skip, an isolated schema and stream per test, and a
// node of any role started in-process on them.

import { randomBytes } from "node:crypto";
import { AckPolicy, jetstreamManager, RetentionPolicy, StorageType } from "@nats-io/jetstream";
import { connect, nanos } from "@nats-io/transport-node";
import pg from "pg";
import pino from "pino";
import { eventsSubject } from "../../src/ingest/queue/jetstream.js";
import type { NodeRole } from "../../src/node/config.js";
import { type RunningNode, startNode } from "../../src/node/node.js";
import {
  DEFAULT_TEST_DATABASE_URL,
  natsSkipReason,
  postgresSkipReason,
} from "../../src/store/testing/backends.js";
import { createToken } from "../../src/store/tokens-repo.js";
import { testConfig } from "./node.js";

export const NATS_URL = process.env.NATS_URL || "nats://127.0.0.1:4222";
export const DATABASE_URL = process.env.DATABASE_URL || DEFAULT_TEST_DATABASE_URL;

/** Why split nodes cannot run here (NATS or PostgreSQL down), or undefined when they can. */
export async function splitSkipReason(): Promise<string | undefined> {
  return (await natsSkipReason(NATS_URL)) ?? (await postgresSkipReason(DATABASE_URL));
}

/** One isolated split deployment: its own node id (hence subject), stream and schema. */
export interface SplitCluster {
  readonly nodeId: string;
  readonly stream: string;
  readonly schema: string;
  /** Starts one role in this process on the cluster's stream and schema. */
  start(role: NodeRole, opts?: { workerId?: string }): Promise<RunningNode>;
  /** An admin token stored in the cluster's database. */
  adminToken(node: RunningNode): Promise<string>;
  /** Deletes the stream and drops the schema (nodes must be stopped). */
  destroy(): Promise<void>;
}

/**
 * Creates the stream and the detect workers' durable consumer before any node does (a node only
 * creates them when missing), with a short ack wait so a batch a dead worker held comes back in
 * seconds rather than the default 30 s.
 */
export async function splitCluster(opts: {
  /** Holds the nodes' (unused) data folder; relative config paths resolve here. */
  readonly dir: string;
  readonly rulesDir: string;
  readonly ackWaitMs?: number;
}): Promise<SplitCluster> {
  const tag = randomBytes(4).toString("hex");
  const nodeId = `so-${tag}`;
  const stream = `CORRIDOR_SCALEOUT_${tag}`;
  const schema = `t_scaleout_${tag}`;
  const nc = await connect({ servers: NATS_URL });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({
      name: stream,
      subjects: [eventsSubject(nodeId, stream)],
      storage: StorageType.File,
      retention: RetentionPolicy.Workqueue,
      duplicate_window: nanos(120_000),
    });
    await jsm.consumers.add(stream, {
      durable_name: "detect",
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(opts.ackWaitMs ?? 3_000),
      filter_subject: eventsSubject(nodeId, stream),
    });
  } finally {
    await nc.close();
  }
  const config = testConfig(
    {
      node: { id: nodeId, jurisdiction: "FR" },
      rules: [opts.rulesDir],
      nats: { stream },
    },
    { DATABASE_URL, NATS_URL },
  );
  return {
    nodeId,
    stream,
    schema,
    start: (role, o = {}) =>
      startNode({
        config,
        baseDir: opts.dir,
        role,
        port: 0,
        logger: pino({ level: "silent" }),
        databaseSchema: schema,
        ...(o.workerId ? { workerId: o.workerId } : {}),
      }),
    adminToken: async (node) =>
      (
        await createToken(
          node.db,
          { name: `scaleout-${tag}`, role: "admin", clearance: "secret", nationality: "FR" },
          new Date(),
        )
      ).secret,
    destroy: async () => {
      const c = await connect({ servers: NATS_URL });
      try {
        await (await jetstreamManager(c)).streams.delete(stream).catch(() => undefined);
      } finally {
        await c.close();
      }
      const client = new pg.Client({ connectionString: DATABASE_URL });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}
