// Template instances: reads substitution values, caches template definitions per chunk by offset,
// and instantiates a definition (placeholders replaced, array values repeating their element).
import { type ChunkContext, MAX_FRAGMENT_DEPTH, parseFragment } from "./binxml.js";
import {
  EvtxFormatError,
  type Substitution,
  type XAttr,
  type XElement,
  type XNode,
  type XValue,
} from "./model.js";
import type { ByteReader } from "./reader.js";
import { BINXML_TYPE, decodeValue } from "./values.js";

const DEF_HEADER = 24; // next-definition offset, GUID, data size
/** Several arrays in one element multiply; real events stay far below this, crafted ones do not. */
const MAX_EXPANSION = 4096;
const EMPTY_BINXML: XValue = { k: "val", s: "", n: undefined, empty: true, items: undefined };

/** Reads a template-instance token's body (after the 0x0c byte) and returns the instantiated tree. */
export function readTemplateInstance(ctx: ChunkContext, r: ByteReader, depth: number): XElement {
  r.skip(5, "template instance header");
  const defOffset = r.u32();
  if (defOffset === r.pos) {
    // The definition is stored inline the first time it is used in a chunk: skip over it.
    r.skip(20, "template definition header");
    r.skip(r.u32(), "template definition");
  }
  const count = r.u32();
  r.need(count * 4, "substitution descriptors");
  const descriptors = r.pos;
  r.pos += count * 4;
  const values: Substitution[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const size = ctx.dv.getUint16(descriptors + 4 * i, true);
    const type = ctx.buf[descriptors + 4 * i + 2]!;
    const start = r.pos;
    r.need(size, "substitution value");
    if (type === BINXML_TYPE) {
      values[i] = size === 0 ? EMPTY_BINXML : parseFragment(ctx, start, start + size, "record", depth + 1);
    } else {
      values[i] = decodeValue(ctx.buf, ctx.dv, start, size, type, ctx.base);
    }
    r.pos = start + size;
  }
  return instantiate(definition(ctx, defOffset, depth), values);
}

/** The definition at `offset`, parsed once per chunk; a broken one is remembered as broken. */
function definition(ctx: ChunkContext, offset: number, depth: number): XElement {
  let def = ctx.templates.get(offset);
  if (def === undefined) {
    try {
      if (offset + DEF_HEADER > ctx.buf.length) {
        throw new EvtxFormatError("bad-record", "template definition outside the chunk", ctx.base + offset);
      }
      const size = ctx.dv.getUint32(offset + 20, true);
      const end = offset + DEF_HEADER + size;
      if (end > ctx.buf.length) {
        throw new EvtxFormatError("bad-record", "template definition runs past the chunk", ctx.base + offset);
      }
      def = parseFragment(ctx, offset + DEF_HEADER, end, "def", Math.min(depth, MAX_FRAGMENT_DEPTH));
    } catch (e) {
      if (!(e instanceof EvtxFormatError)) throw e;
      def = e;
    }
    ctx.templates.set(offset, def);
  }
  if (def instanceof EvtxFormatError) throw def;
  return def;
}

function isOptionalEmpty(v: Substitution): boolean {
  if (v === undefined) return true;
  if (v.k === "text") return v.s === "";
  if (v.k === "val") return v.empty;
  return false;
}

function resolveInto(nodes: readonly XNode[], values: readonly Substitution[], out: XNode[]): void {
  for (const node of nodes) {
    if (node.k === "ph") {
      const v = values[node.id];
      if (v !== undefined && !(node.optional && isOptionalEmpty(v))) out.push(v);
    } else if (node.k === "el" && node.dyn) {
      expandInto(instantiate(node, values), out);
    } else {
      out.push(node);
    }
  }
}

/** Copies the dynamic parts of `el` with placeholders replaced; static subtrees are shared. */
function instantiate(el: XElement, values: readonly Substitution[]): XElement {
  if (!el.dyn) return el;
  const attrs: XAttr[] = el.attrs.map((a) => {
    const value: XNode[] = [];
    resolveInto(a.value, values, value);
    return { name: a.name, value };
  });
  const children: XNode[] = [];
  resolveInto(el.children, values, children);
  return { k: "el", name: el.name, attrs, children, dyn: false };
}

/** MS-EVEN6 array substitution: an element holding an array value is repeated once per item. */
function expandInto(el: XElement, out: XNode[]): void {
  const at = el.children.findIndex(isArray);
  if (at >= 0) {
    const items = (el.children[at] as XValue).items!;
    for (const item of items) {
      const children = el.children.slice();
      if (item === undefined) children.splice(at, 1);
      else children[at] = item;
      expandInto({ ...el, children }, out);
    }
    return;
  }
  for (let a = 0; a < el.attrs.length; a++) {
    const attr = el.attrs[a]!;
    const i = attr.value.findIndex(isArray);
    if (i < 0) continue;
    const items = (attr.value[i] as XValue).items!;
    for (const item of items) {
      const value = attr.value.slice();
      if (item === undefined) value.splice(i, 1);
      else value[i] = item;
      const attrs = el.attrs.slice();
      attrs[a] = { name: attr.name, value };
      expandInto({ ...el, attrs }, out);
    }
    return;
  }
  if (out.length >= MAX_EXPANSION) throw new EvtxFormatError("bad-record", "array expansion too large", -1);
  out.push(el);
}

const isArray = (n: XNode): boolean => n.k === "val" && n.items !== undefined;
