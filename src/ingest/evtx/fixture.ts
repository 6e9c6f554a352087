// Test-only: writes small but genuine EVTX files (template definitions, typed substitutions) so the
// tests can cover value types and layouts that the public corpus lacks.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { crc32 } from "./crc32.js";

/** Sigma's regression logs with their evtx_dump twins, relative to the repository root (test cwd). */
export const REGRESSION_DATA = "../shared/corpus/sigma/regression_data";

export function evtxFiles(dir = REGRESSION_DATA): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...evtxFiles(path));
    else if (entry.name.endsWith(".evtx")) out.push(path);
  }
  return out.sort();
}

/** A template-definition node: element, literal text, or substitution slot. */
export type Tpl =
  | { el: string; attrs?: [string, Tpl[]][]; children?: Tpl[] }
  | { text: string }
  | { sub: number; optional?: boolean };

/** A substitution value: type code and raw bytes. */
export interface Sub {
  type: number;
  bytes: Uint8Array;
}

const utf16 = (s: string): number[] => [...Buffer.from(s, "utf16le")];
const u16 = (v: number): number[] => [v & 0xff, v >>> 8];
const u32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];

export const sub = {
  string: (s: string): Sub => ({ type: 0x01, bytes: Buffer.from(s, "utf16le") }),
  strings: (items: string[]): Sub => ({
    type: 0x81,
    bytes: Buffer.from(items.map((s) => `${s}\0`).join(""), "utf16le"),
  }),
  u16: (v: number): Sub => ({ type: 0x06, bytes: new Uint8Array(u16(v)) }),
  u32: (v: number): Sub => ({ type: 0x08, bytes: new Uint8Array(u32(v)) }),
  raw: (type: number, bytes: number[]): Sub => ({ type, bytes: new Uint8Array(bytes) }),
  null: (): Sub => ({ type: 0x00, bytes: new Uint8Array(0) }),
};

/** Writes BinXml into a chunk image, tracking chunk-relative positions for inline names. */
class ChunkWriter {
  readonly bytes: number[] = [];
  constructor(readonly start: number) {}
  get pos(): number {
    return this.start + this.bytes.length;
  }
  put(...b: number[]): void {
    for (const x of b) this.bytes.push(x);
  }
  name(s: string): void {
    this.put(...u32(this.pos + 4), ...u32(0), ...u16(0), ...u16(s.length), ...utf16(s), 0, 0);
  }
  node(n: Tpl): void {
    if ("text" in n) this.put(0x05, 0x01, ...u16(n.text.length), ...utf16(n.text));
    else if ("sub" in n) this.put(n.optional ? 0x0e : 0x0d, ...u16(n.sub), 0x01);
    else {
      const attrs = n.attrs ?? [];
      this.put(attrs.length ? 0x41 : 0x01, 0, 0, ...u32(0));
      this.name(n.el);
      if (attrs.length) this.put(...u32(0));
      for (const [name, value] of attrs) {
        this.put(0x06);
        this.name(name);
        for (const v of value) this.node(v);
      }
      if (!n.children?.length) this.put(0x03);
      else {
        this.put(0x02);
        for (const c of n.children) this.node(c);
        this.put(0x04);
      }
    }
  }
}

/** One record: a template instance whose definition is written inline (first use in the chunk). */
function record(w: ChunkWriter, id: number, template: Tpl, values: Sub[]): void {
  const start = w.bytes.length;
  w.put(0x2a, 0x2a, 0, 0, 0, 0, 0, 0, ...u32(id), 0, 0, 0, 0);
  const written = 125_911_584_000_000_000n; // 2000-01-01T00:00:00Z as FILETIME
  w.put(...u32(Number(written & 0xffffffffn)), ...u32(Number(written >> 32n)));
  w.put(0x0f, 1, 1, 0, 0x0c, 0x01, ...u32(id));
  w.put(...u32(w.pos + 4));
  const def = new ChunkWriter(w.pos + 24);
  def.put(0x0f, 1, 1, 0);
  def.node(template);
  def.put(0x00);
  w.put(...u32(0), ...new Array(16).fill(0), ...u32(def.bytes.length), ...def.bytes);
  w.put(...u32(values.length));
  for (const v of values) w.put(...u16(v.bytes.length), v.type, 0);
  for (const v of values) w.put(...v.bytes);
  w.put(0x00);
  while ((w.bytes.length - start + 4) % 8) w.put(0);
  const size = w.bytes.length - start + 4;
  w.put(...u32(size));
  w.bytes.splice(start + 4, 4, ...u32(size));
}

/** A chunk holding one record per entry, with correct CRC32s. */
export function chunk(records: [Tpl, Sub[]][], firstId = 1): Uint8Array {
  const w = new ChunkWriter(512);
  for (const [i, [t, v]] of records.entries()) record(w, firstId + i, t, v);
  const buf = new Uint8Array(0x10000);
  const dv = new DataView(buf.buffer);
  buf.set(Buffer.from("ElfChnk\0", "latin1"));
  dv.setBigUint64(8, BigInt(firstId), true);
  dv.setBigUint64(16, BigInt(firstId + records.length - 1), true);
  dv.setBigUint64(24, BigInt(firstId), true);
  dv.setBigUint64(32, BigInt(firstId + records.length - 1), true);
  dv.setUint32(40, 128, true);
  dv.setUint32(48, 512 + w.bytes.length, true);
  buf.set(w.bytes, 512);
  dv.setUint32(52, crc32(buf, 512, 512 + w.bytes.length), true);
  dv.setUint32(124, crc32(buf, 128, 512, crc32(buf, 0, 120)), true);
  return buf;
}

/** A file: header plus the given chunks. */
export function file(chunks: Uint8Array[]): Uint8Array {
  const header = new Uint8Array(0x1000);
  const dv = new DataView(header.buffer);
  header.set(Buffer.from("ElfFile\0", "latin1"));
  dv.setBigUint64(16, BigInt(chunks.length - 1), true);
  dv.setUint32(32, 128, true);
  dv.setUint16(36, 1, true);
  dv.setUint16(38, 3, true);
  dv.setUint16(40, 0x1000, true);
  dv.setUint16(42, chunks.length, true);
  dv.setUint32(124, crc32(header, 0, 120), true);
  return Buffer.concat([header, ...chunks]);
}
