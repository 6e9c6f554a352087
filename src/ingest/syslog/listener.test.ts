import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { connect } from "node:net";
import { after, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { JsonObject } from "../../core/event.js";
import { type SyslogListener, type SyslogProblem, startSyslog } from "./index.js";

const LOCAL = { host: "127.0.0.1", port: 0 };

interface Harness {
  listener: SyslogListener;
  events: JsonObject[];
  batches: number[];
  problems: SyslogProblem[];
  /** While true, onEvents waits for release(). */
  gate: boolean;
  release?: () => void;
}

const listeners: SyslogListener[] = [];
after(() => Promise.all(listeners.map((l) => l.close())));

async function start(opts: { gate?: boolean } = {}): Promise<Harness> {
  const h = { events: [], batches: [], problems: [], gate: opts.gate ?? false } as unknown as Harness;
  h.listener = await startSyslog({
    udp: LOCAL,
    tcp: LOCAL,
    maxMessageBytes: 2048,
    onProblem: (p) => h.problems.push(p),
    onEvents: async (batch) => {
      h.batches.push(batch.length);
      h.events.push(...batch);
      if (h.gate) await new Promise<void>((resolve) => (h.release = resolve));
    },
  });
  listeners.push(h.listener);
  return h;
}

const until = async (what: string, cond: () => boolean): Promise<void> => {
  for (let i = 0; i < 400 && !cond(); i++) await sleep(5);
  assert.ok(cond(), `timed out waiting for ${what}`);
};

const sendTcp = async (port: number, chunks: (string | Buffer)[], gapMs = 15): Promise<void> => {
  const socket = connect(port, "127.0.0.1");
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  for (const c of chunks) {
    socket.write(c);
    await sleep(gapMs);
  }
  await new Promise<void>((resolve) => socket.end(resolve));
};

const m5424 = (n: number) => `<34>1 2003-10-11T22:14:15.003Z host app ${n} ID47 [x@1 n="${n}"] message ${n}`;
const counted = (s: string) => `${Buffer.byteLength(s)} ${s}`;

test("UDP: one datagram is one message, a malformed one is reported and skipped", async () => {
  const h = await start();
  const udp = createSocket("udp4");
  const port = h.listener.addresses.udp!.port;
  const send = (s: string) => new Promise<void>((resolve) => udp.send(s, port, "127.0.0.1", () => resolve()));
  await send(m5424(1));
  await send("garbage without pri");
  await send("<13>Mar 10 11:00:00 web-1 sshd[7]: Accepted password\n");
  await send(`<13>${"x".repeat(3000)}`);
  await until("two UDP events", () => h.events.length === 2 && h.problems.length === 2);
  udp.close();
  assert.deepEqual(
    h.events.map((e) => [e.format, e.message, e.transport, e.source_ip]),
    [
      ["rfc5424", "message 1", "udp", "127.0.0.1"],
      ["rfc3164", "Accepted password", "udp", "127.0.0.1"],
    ],
  );
  assert.deepEqual((h.events[0]!.structured_data as JsonObject)["x@1"], { n: "1" });
  assert.equal(typeof h.events[0]?.received_at, "string");
  assert.deepEqual(h.problems.map((p) => p.code).sort(), ["message-too-large", "missing-pri"]);
});

test("TCP: octet counting and LF framing, split across chunks, malformed frames in between", async () => {
  const h = await start();
  const port = h.listener.addresses.tcp!.port;
  const a = counted(m5424(1));
  const b = counted(m5424(2));
  // Octet counting on one connection: a frame split mid-length and mid-message, then a bad frame.
  const octets = sendTcp(port, [
    a.slice(0, 1),
    a.slice(1, 20),
    a.slice(20) + b.slice(0, 30),
    b.slice(30),
    "x12 junk\n",
    counted(m5424(3)),
  ]);
  // LF framing on another connection, concurrently: split mid-line, CRLF, a garbage line, a last line without LF.
  const lines = sendTcp(port, [
    `${m5424(10)}\n${m5424(11).slice(0, 25)}`,
    `${m5424(11).slice(25)}\r\n`,
    "not syslog\n",
    m5424(12),
  ]);
  await Promise.all([octets, lines]);
  await until("six TCP events", () => h.events.length === 6);
  const got = h.events.map((e) => e.procid).sort();
  assert.deepEqual(got, ["1", "10", "11", "12", "2", "3"]);
  assert.ok(h.events.every((e) => e.transport === "tcp" && String(e.message).startsWith("message ")));
  assert.deepEqual(h.problems.map((p) => p.code).sort(), ["malformed-frame", "malformed-frame"]);
});

test("TCP: an oversized counted frame is skipped by its length; parse failures do not stop the connection", async () => {
  const h = await start();
  const port = h.listener.addresses.tcp!.port;
  const huge = `<13>${"y".repeat(5000)}`;
  await sendTcp(port, [counted(huge), counted("<999>1 - - - - - -"), counted(m5424(4))]);
  await until("one event", () => h.events.length === 1 && h.problems.length === 2);
  assert.equal(h.events[0]?.procid, "4");
  assert.deepEqual(
    h.problems.map((p) => p.code),
    ["frame-too-large", "invalid-pri"],
  );
});

test("TCP backpressure: the socket is paused while onEvents is pending", async () => {
  const h = await start({ gate: true });
  const port = h.listener.addresses.tcp!.port;
  const socket = connect(port, "127.0.0.1");
  await new Promise<void>((resolve) => socket.once("connect", resolve));
  socket.write(`${m5424(1)}\n`);
  await until("first batch", () => h.batches.length === 1);
  for (let i = 2; i <= 50; i++) socket.write(`${m5424(i)}\n`);
  await sleep(100);
  assert.equal(h.batches.length, 1, "a second batch was delivered while the first was pending");
  h.gate = false;
  h.release?.();
  await until("the rest", () => h.events.length === 50);
  socket.end();
  assert.deepEqual(
    h.events.map((e) => Number(e.procid)),
    Array.from({ length: 50 }, (_, i) => i + 1),
  );
});

test("close() stops both listeners and drops open connections", async () => {
  const h = await start();
  const socket = connect(h.listener.addresses.tcp!.port, "127.0.0.1");
  await new Promise<void>((resolve) => socket.once("connect", resolve));
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  socket.on("error", () => {});
  await h.listener.close();
  await closed;
  await assert.rejects(sendTcp(h.listener.addresses.tcp!.port, ["x"]));
});
