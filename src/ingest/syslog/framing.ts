// Splits a syslog TCP byte stream into messages. Each frame announces its framing by its first byte:
// a digit starts RFC 6587 octet counting (`LEN SP MSG`), `<` starts a LF-terminated message
// (non-transparent framing). Bad frames become problems and the decoder resynchronises at the next LF.

export type FrameItem =
  | { readonly kind: "frame"; readonly data: Buffer }
  | { readonly kind: "problem"; readonly code: string; readonly message: string };

const LF = 0x0a;
const SP = 0x20;
const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;

export class SyslogFrameDecoder {
  private buf: Buffer = Buffer.alloc(0);
  /** Bytes still to drop: of an oversized counted frame (a number), or up to the next LF ("line"). */
  private skip: number | "line" = 0;

  constructor(private readonly maxMessageBytes: number) {}

  push(chunk: Buffer): FrameItem[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: FrameItem[] = [];
    let i = 0;
    const buf = this.buf;
    for (;;) {
      if (this.skip === "line") {
        const nl = buf.indexOf(LF, i);
        if (nl === -1) {
          i = buf.length;
          break;
        }
        i = nl + 1;
        this.skip = 0;
      } else if (this.skip > 0) {
        const n = Math.min(this.skip, buf.length - i);
        i += n;
        this.skip -= n;
        if (this.skip > 0) break;
      }
      // Separators between frames: LF, CR and NUL (some senders end counted frames with LF or NUL).
      while (i < buf.length && (buf[i] === LF || buf[i] === 0x0d || buf[i] === 0)) i++;
      if (i >= buf.length) break;
      const c = buf[i];
      if (isDigit(c)) {
        let j = i;
        while (j < buf.length && j - i < 10 && isDigit(buf[j])) j++;
        if (j === buf.length && j - i < 10) break; // the length is still arriving
        const len = Number(buf.toString("latin1", i, j));
        if (buf[j] !== SP || buf[i] === 0x30) {
          out.push(
            problem("malformed-frame", `octet-counted frame must be "LEN SP MSG", got ${preview(buf, i)}`),
          );
          this.skip = "line";
          i = j;
          continue;
        }
        if (len > this.maxMessageBytes) {
          out.push(
            problem("frame-too-large", `frame of ${len} bytes exceeds ${this.maxMessageBytes}; skipped`),
          );
          i = j + 1;
          this.skip = len;
          continue;
        }
        if (buf.length - (j + 1) < len) break; // the message is still arriving
        out.push({ kind: "frame", data: Buffer.from(buf.subarray(j + 1, j + 1 + len)) });
        i = j + 1 + len;
      } else if (c === 0x3c) {
        const nl = buf.indexOf(LF, i);
        const end = nl === -1 ? buf.length : nl;
        if (end - i > this.maxMessageBytes) {
          out.push(problem("frame-too-large", `line frame exceeds ${this.maxMessageBytes} bytes; skipped`));
          this.skip = "line";
          continue;
        }
        if (nl === -1) break;
        out.push({ kind: "frame", data: Buffer.from(buf.subarray(i, trimCr(buf, i, nl))) });
        i = nl + 1;
      } else {
        out.push(problem("malformed-frame", `a frame starts with a length or <PRI>, got ${preview(buf, i)}`));
        this.skip = "line";
      }
    }
    this.buf = i >= buf.length ? Buffer.alloc(0) : buf.subarray(i);
    return out;
  }

  /** At the end of the stream: a last LF frame without its LF is still a message; anything else is cut. */
  end(): FrameItem[] {
    const rest = this.buf;
    this.buf = Buffer.alloc(0);
    if (rest.length === 0 || this.skip !== 0) return [];
    if (rest[0] === 0x3c)
      return [{ kind: "frame", data: Buffer.from(rest.subarray(0, trimCr(rest, 0, rest.length))) }];
    return [problem("truncated-frame", `the connection closed inside a frame: ${preview(rest, 0)}`)];
  }
}

const trimCr = (buf: Buffer, start: number, end: number): number =>
  end > start && buf[end - 1] === 0x0d ? end - 1 : end;

const preview = (buf: Buffer, i: number): string =>
  JSON.stringify(buf.toString("utf8", i, Math.min(buf.length, i + 24)));

const problem = (code: string, message: string): FrameItem => ({ kind: "problem", code, message });
