// BinXml token stream to XML tree. Template definitions ("def" mode) keep substitution placeholders;
// record streams ("record" mode) splice instantiated templates in where template-instance tokens stand.
import { EvtxFormatError, text, type XAttr, type XElement, type XNode } from "./model.js";
import { ByteReader, decodeUtf16 } from "./reader.js";
import { readTemplateInstance } from "./template.js";

/** Per-chunk state: names and template definitions are referenced by chunk offset and shared by records. */
export interface ChunkContext {
  readonly buf: Buffer;
  readonly dv: DataView;
  /** Absolute file offset of the chunk, for problem reports. */
  readonly base: number;
  readonly names: Map<number, string>;
  readonly templates: Map<number, XElement | EvtxFormatError>;
}

export type Mode = "def" | "record";

/** Deeper trees only come from corrupt data; the limit keeps rendering recursion bounded. */
const MAX_ELEMENT_DEPTH = 200;
export const MAX_FRAGMENT_DEPTH = 8;

const ENTITIES: Record<string, string> = { quot: '"', apos: "'", amp: "&", lt: "<", gt: ">" };
const PI: XNode = { k: "pi" };

const fail = (message: string, r: ByteReader): never => {
  throw new EvtxFormatError("bad-record", message, r.at());
};

/** Parses the BinXml in [start, end) of the chunk and returns its root element. */
export function parseFragment(
  ctx: ChunkContext,
  start: number,
  end: number,
  mode: Mode,
  depth: number,
): XElement {
  if (depth > MAX_FRAGMENT_DEPTH)
    throw new EvtxFormatError("bad-record", "BinXml nested too deeply", ctx.base + start);
  const r = new ByteReader(ctx.buf, start, ctx.base, ctx.dv);
  const stack: XElement[] = [];
  let root: XElement | undefined;
  let attr: XAttr | undefined;

  const attach = (el: XElement): void => {
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(el);
    else if (!root) root = el;
    else if (mode === "def") fail("template definition with more than one root element", r);
    // Records with several top-level fragments keep the first, as evtx does.
  };
  const push = (node: XNode): void => {
    if (attr) attr.value.push(node);
    else (stack[stack.length - 1] ?? fail("content outside of any element", r)).children.push(node);
  };
  const close = (): void => {
    const el = stack.pop() ?? fail("end of element without a start", r);
    const parent = stack[stack.length - 1];
    if (el.dyn && parent) parent.dyn = true;
    attr = undefined;
  };

  loop: while (r.pos < end) {
    const token = r.u8();
    switch (token) {
      case 0x00:
        break loop;
      case 0x01:
      case 0x41: {
        if (mode === "def") r.skip(2, "dependency id");
        r.skip(4, "element size");
        const el: XElement = { k: "el", name: readName(ctx, r), attrs: [], children: [], dyn: false };
        if (token === 0x41) r.skip(4, "attribute list size");
        attach(el);
        stack.push(el);
        if (stack.length > MAX_ELEMENT_DEPTH) fail("elements nested too deeply", r);
        attr = undefined;
        break;
      }
      case 0x02:
        attr = undefined;
        break;
      case 0x03:
      case 0x04:
        close();
        break;
      case 0x05:
      case 0x45: {
        const type = r.u8();
        if (type !== 0x01) fail(`unsupported inline value type 0x${type.toString(16)}`, r);
        push(text(r.utf16(r.u16(), "text")));
        break;
      }
      case 0x06:
      case 0x46: {
        const el = stack[stack.length - 1] ?? fail("attribute outside of any element", r);
        attr = { name: readName(ctx, r), value: [] };
        el.attrs.push(attr);
        break;
      }
      case 0x07:
      case 0x47:
        push(text(r.utf16(r.u16(), "CDATA")));
        break;
      case 0x08:
      case 0x48: {
        const c = r.u16();
        push(text(c >= 0xd800 && c <= 0xdfff ? `&#${c};` : String.fromCharCode(c)));
        break;
      }
      case 0x09:
      case 0x49: {
        const name = readName(ctx, r);
        push(text(ENTITIES[name] ?? `&${name};`));
        break;
      }
      case 0x0a:
        readName(ctx, r);
        push(PI);
        break;
      case 0x0b:
        r.utf16(r.u16(), "processing instruction");
        push(PI);
        break;
      case 0x0c:
        if (mode === "def") fail("template instance inside a template definition", r);
        attach(readTemplateInstance(ctx, r, depth));
        break;
      case 0x0d:
      case 0x0e: {
        if (mode === "record") fail("substitution outside of a template definition", r);
        const id = r.u16();
        r.skip(1, "substitution type");
        push({ k: "ph", id, optional: token === 0x0e });
        const top = stack[stack.length - 1];
        if (top) top.dyn = true;
        break;
      }
      case 0x0f:
        r.skip(3, "fragment header");
        break;
      default:
        fail(`invalid BinXml token 0x${token.toString(16)}`, r);
    }
  }
  // Unclosed elements (truncated streams) still pass their placeholders up.
  for (let i = stack.length - 1; i > 0; i--) if (stack[i]!.dyn) stack[i - 1]!.dyn = true;
  return root ?? fail("BinXml without a root element", r);
}

/** A name is stored once per chunk and referenced by offset; when the offset is "here" it is inline. */
function readName(ctx: ChunkContext, r: ByteReader): string {
  const offset = r.u32();
  const inline = offset === r.pos;
  let name = ctx.names.get(offset);
  if (name === undefined || inline) {
    if (offset + 8 > ctx.buf.length) fail("name outside the chunk", r);
    const units = ctx.dv.getUint16(offset + 6, true);
    if (offset + 8 + 2 * units > ctx.buf.length) fail("name runs past the chunk", r);
    name ??= decodeUtf16(ctx.buf, offset + 8, units);
    ctx.names.set(offset, name);
    if (inline) r.skip(8 + 2 * units + 2, "inline name");
  }
  return name;
}
