// The JetStream queue against the real local NATS server: durable publish, two consumers sharing
// one durable consumer, redelivery of a batch whose handler failed.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { natsSkipReason } from "../../store/testing/backends.js";
import { JetStreamQueue } from "./jetstream.js";
import { decodeRecord, type QueuedEvent } from "./record.js";

const NATS_URL = process.env.NATS_URL ?? "nats://127.0.0.1:4222";

const events = (n: number, pad = 0): QueuedEvent[] =>
  Array.from({ length: n }, (_, i) => ({
    id: randomUUID(),
    source: "auto",
    receivedAt: 1_700_000_000_000 + i,
    event: { n: i, pad: "x".repeat(pad) },
  }));

let skip: string | undefined = "not checked yet";
before(async () => {
  skip = await natsSkipReason(NATS_URL);
});

const stream = () => `CORRIDOR_TEST_${randomUUID().slice(0, 8)}`;
const opened: JetStreamQueue[] = [];
after(async () => {
  for (const q of opened) {
    await q.destroy();
    await q.close();
  }
});

test("two consumers share the work: every event exactly once, none lost", async (t) => {
  if (skip !== undefined) return t.skip(skip);
  const name = stream();
  const q = await JetStreamQueue.open({ url: NATS_URL, stream: name, nodeId: "t1" });
  opened.push(q);
  const q2 = await JetStreamQueue.open({ url: NATS_URL, stream: name, nodeId: "t1" });
  const sent = events(3000, 600); // ~2 MB: several chunks
  await q.publish(sent.slice(0, 1500));
  await q.publish(sent.slice(1500));
  const seen = new Map<string, number>();
  const byWorker = [0, 0];
  const worker = (queue: JetStreamQueue, w: number) =>
    queue.consume(async (b) => {
      byWorker[w]! += b.records.length;
      for (const e of b.records.map(decodeRecord)) seen.set(e.id, (seen.get(e.id) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, 30));
    });
  const c1 = worker(q, 0);
  const c2 = worker(q2, 1);
  await c1.idle();
  await c1.stop();
  await c2.stop();
  await q2.close();
  assert.equal(seen.size, sent.length);
  assert.ok(
    [...seen.values()].every((n) => n === 1),
    "no event delivered twice",
  );
  assert.deepEqual(
    sent.map((e) => e.id).filter((id) => !seen.has(id)),
    [],
  );
  assert.ok(byWorker[0]! > 0 && byWorker[1]! > 0, `both workers got work: ${byWorker.join("/")}`);
});

test("a batch whose handler fails is delivered again", async (t) => {
  if (skip !== undefined) return t.skip(skip);
  const q = await JetStreamQueue.open({ url: NATS_URL, stream: stream(), nodeId: "t2" });
  opened.push(q);
  const sent = events(10);
  await q.publish(sent);
  let attempts = 0;
  const got: string[] = [];
  const c = q.consume(async (b) => {
    attempts++;
    if (attempts === 1) throw new Error("database down");
    got.push(...b.records.map((r) => decodeRecord(r).id));
  });
  await c.idle();
  await c.stop();
  assert.equal(attempts, 2);
  assert.deepEqual(
    got,
    sent.map((e) => e.id),
  );
});
