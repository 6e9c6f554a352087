// Syslog over UDP (one datagram, one message) and TCP (octet counting or LF framing, per frame), parsed
// into events and handed to `onEvents` in batches. TCP sockets pause while a batch is being taken, so
// a slow sink pushes back on the sender; UDP cannot push back, so a bounded queue drops and reports.
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { type AddressInfo, createServer, type Server, type Socket } from "node:net";
import type { JsonObject } from "../../core/event.js";
import { SyslogFrameDecoder } from "./framing.js";
import { parseSyslog } from "./parse.js";

export interface SyslogProblem {
  readonly code: string;
  readonly message: string;
  readonly transport: "udp" | "tcp";
  readonly remote: string;
}

export interface SyslogListenerOptions {
  readonly udp?: { readonly host: string; readonly port: number };
  readonly tcp?: { readonly host: string; readonly port: number };
  /** Takes a batch of parsed events; TCP input from that connection waits until it settles. */
  readonly onEvents: (batch: JsonObject[]) => Promise<void>;
  readonly onProblem?: (problem: SyslogProblem) => void;
  readonly maxMessageBytes: number;
  /** UDP messages held while `onEvents` is busy before new ones are dropped. Default 10,000. */
  readonly maxUdpQueue?: number;
  /** Offset of BSD (RFC 3164) timestamps from UTC, in minutes. Default 0. */
  readonly utcOffsetMinutes?: number;
}

export interface SyslogListener {
  readonly addresses: { readonly udp?: AddressInfo; readonly tcp?: AddressInfo };
  close(): Promise<void>;
}

export async function startSyslog(opts: SyslogListenerOptions): Promise<SyslogListener> {
  const report = (p: SyslogProblem): void => opts.onProblem?.(p);
  const toEvent = (
    data: Buffer,
    transport: "udp" | "tcp",
    ip: string,
    port: number,
  ): JsonObject | undefined => {
    const now = new Date();
    const parsed = parseSyslog(data, {
      now,
      ...(opts.utcOffsetMinutes === undefined ? {} : { utcOffsetMinutes: opts.utcOffsetMinutes }),
    });
    if (!parsed.ok) {
      report({ ...parsed.error, transport, remote: `${ip}:${port}` });
      return undefined;
    }
    return { ...parsed.value, transport, source_ip: ip, source_port: port, received_at: now.toISOString() };
  };
  const addresses: { udp?: AddressInfo; tcp?: AddressInfo } = {};
  let udp: UdpSocket | undefined;
  let tcp: Server | undefined;
  const sockets = new Set<Socket>();
  try {
    if (opts.udp) {
      udp = await listenUdp(opts, toEvent, report);
      addresses.udp = udp.address();
    }
    if (opts.tcp) {
      tcp = await listenTcp(opts, toEvent, report, sockets);
      addresses.tcp = tcp.address() as AddressInfo;
    }
  } catch (e) {
    udp?.close();
    tcp?.close();
    throw e;
  }
  let closing: Promise<void> | undefined;
  return {
    addresses,
    // Idempotent: a second close() waits for the first.
    close: () => {
      closing ??= Promise.all([
        udp ? new Promise<void>((resolve) => udp.close(() => resolve())) : undefined,
        tcp
          ? new Promise<void>((resolve) => {
              tcp.close(() => resolve());
              for (const s of sockets) s.destroy();
            })
          : undefined,
      ]).then(() => undefined);
      return closing;
    },
  };
}

type ToEvent = (data: Buffer, transport: "udp" | "tcp", ip: string, port: number) => JsonObject | undefined;

async function listenUdp(
  opts: SyslogListenerOptions,
  toEvent: ToEvent,
  report: (p: SyslogProblem) => void,
): Promise<UdpSocket> {
  const family = opts.udp!.host.includes(":") ? "udp6" : "udp4";
  const socket = createSocket({ type: family });
  const maxQueue = opts.maxUdpQueue ?? 10_000;
  let queue: JsonObject[] = [];
  let busy = false;
  let dropped = 0;
  const drain = async (): Promise<void> => {
    busy = true;
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      try {
        await opts.onEvents(batch);
      } catch (e) {
        report({ code: "sink-failed", message: (e as Error).message, transport: "udp", remote: "" });
      }
      if (dropped > 0) {
        report({
          code: "dropped",
          message: `${dropped} UDP messages dropped: the sink is too slow`,
          transport: "udp",
          remote: "",
        });
        dropped = 0;
      }
    }
    busy = false;
  };
  socket.on("message", (msg, rinfo) => {
    const remote = `${rinfo.address}:${rinfo.port}`;
    if (msg.length > opts.maxMessageBytes) {
      report({
        code: "message-too-large",
        message: `datagram of ${msg.length} bytes exceeds ${opts.maxMessageBytes}`,
        transport: "udp",
        remote,
      });
      return;
    }
    let end = msg.length;
    while (end > 0 && (msg[end - 1] === 0x0a || msg[end - 1] === 0x0d || msg[end - 1] === 0)) end--;
    const event = toEvent(msg.subarray(0, end), "udp", rinfo.address, rinfo.port);
    if (event === undefined) return;
    if (queue.length >= maxQueue) {
      dropped++;
      return;
    }
    queue.push(event);
    // Batch whatever arrives in the same turn of the event loop.
    if (!busy) {
      busy = true;
      setImmediate(() => void drain());
    }
  });
  socket.on("error", (e) =>
    report({ code: "socket-error", message: e.message, transport: "udp", remote: "" }),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(opts.udp!.port, opts.udp!.host, () => {
      socket.off("error", reject);
      resolve();
    });
  });
  return socket;
}

async function listenTcp(
  opts: SyslogListenerOptions,
  toEvent: ToEvent,
  report: (p: SyslogProblem) => void,
  sockets: Set<Socket>,
): Promise<Server> {
  const server = createServer((socket) => {
    sockets.add(socket);
    const ip = socket.remoteAddress ?? "";
    const port = socket.remotePort ?? 0;
    const remote = `${ip}:${port}`;
    const decoder = new SyslogFrameDecoder(opts.maxMessageBytes);
    let pending: Promise<void> = Promise.resolve();
    const deliver = (items: ReturnType<SyslogFrameDecoder["push"]>): void => {
      const batch: JsonObject[] = [];
      for (const item of items) {
        if (item.kind === "problem")
          report({ code: item.code, message: item.message, transport: "tcp", remote });
        else {
          const event = toEvent(item.data, "tcp", ip, port);
          if (event) batch.push(event);
        }
      }
      if (batch.length === 0) return;
      socket.pause();
      pending = pending
        .then(() => opts.onEvents(batch))
        .then(
          () => {
            if (!socket.destroyed) socket.resume();
          },
          (e: Error) => {
            // The sink refused the batch: drop the connection so the sender sees it, not silently continue.
            report({ code: "sink-failed", message: e.message, transport: "tcp", remote });
            socket.destroy();
          },
        );
    };
    socket.on("data", (chunk: Buffer) => deliver(decoder.push(chunk)));
    socket.on("end", () => {
      deliver(decoder.end());
      void pending.then(() => socket.end());
    });
    socket.on("error", (e) => report({ code: "socket-error", message: e.message, transport: "tcp", remote }));
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.tcp!.port, opts.tcp!.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return server;
}
