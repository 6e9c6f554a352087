// Renders an event tree as the JSON evtx_dump (Rust `evtx` crate) prints: `#attributes`, `#text`,
// `_1`-suffixed repeated names, numbers for integer values, and EventData `Data` flattening.
import type { JsonObject, JsonValue } from "../../core/index.js";
import { EvtxFormatError, type XAttr, type XElement, type XNode } from "./model.js";

/**
 * Substituted subtrees are shared, so a crafted record can make its tree exponentially larger than its
 * bytes. Real events render a few hundred elements; past this budget the record is refused.
 */
const ELEMENT_BUDGET = 200_000;
let budget = 0;

export function renderEvent(root: XElement): JsonObject {
  budget = ELEMENT_BUDGET;
  const out: JsonObject = {};
  put(out, root.name, elementValue(root, false));
  return out;
}

// A key such as "__proto__" must become an own property, as JSON.parse makes it.
function put(obj: JsonObject, key: string, v: JsonValue): void {
  if (key === "__proto__")
    Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
  else obj[key] = v;
}

function isContent(n: XNode): boolean {
  switch (n.k) {
    case "text":
      return n.s !== "";
    case "val":
      return !n.empty;
    case "ph":
      return true;
    default:
      return false;
  }
}

const hasContent = (nodes: readonly XNode[]): boolean => nodes.some(isContent);
const hasElementChild = (el: XElement): boolean => el.children.some((c) => c.k === "el");
const attrsHaveText = (attrs: readonly XAttr[]): boolean => attrs.some((a) => hasContent(a.value));

/** A single child that is text or a value renders directly; `undefined` means "not a leaf". */
function leafValue(el: XElement, emptyAsString: boolean): JsonValue | undefined {
  if (el.children.length !== 1) return undefined;
  const c = el.children[0]!;
  if (c.k === "text") return c.s === "" ? (emptyAsString ? "" : null) : c.s;
  if (c.k === "val") return c.empty ? (emptyAsString ? "" : null) : (c.n ?? c.s);
  return undefined;
}

/** A lone integer/boolean value renders as a JSON number/boolean; anything else is text. */
function asNumber(nodes: readonly XNode[], skipElements: boolean): number | boolean | undefined {
  let single: XNode | undefined;
  for (const n of nodes) {
    switch (n.k) {
      case "el":
        if (!skipElements) return undefined;
        break;
      case "text":
        if (skipElements) {
          if (n.s !== "") return undefined;
        } else if (single !== undefined || n.s !== "") {
          return undefined;
        } else {
          single = n; // an empty text node still occupies the single slot
        }
        break;
      case "val":
        if (skipElements && n.empty) break;
        if (single !== undefined) return undefined;
        single = n;
        break;
      case "pi":
        if (!skipElements) {
          if (single !== undefined) return undefined;
          single = n;
        }
        break;
      default:
        return undefined;
    }
  }
  return single?.k === "val" ? single.n : undefined;
}

function textOf(nodes: readonly XNode[]): string {
  if (nodes.length === 1) {
    const n = nodes[0]!;
    return n.k === "text" || n.k === "val" ? n.s : "";
  }
  let s = "";
  for (const n of nodes) if (n.k === "text" || n.k === "val") s += n.s;
  return s;
}

const contentValue = (nodes: readonly XNode[], skipElements: boolean): JsonValue =>
  asNumber(nodes, skipElements) ?? textOf(nodes);

function attributes(attrs: readonly XAttr[]): JsonObject {
  const obj: JsonObject = {};
  for (const a of attrs) if (hasContent(a.value)) put(obj, a.name, contentValue(a.value, false));
  return obj;
}

function elementValue(el: XElement, childIsContainer: boolean): JsonValue {
  if (--budget < 0) throw new EvtxFormatError("bad-record", "event tree too large to render", -1);
  if (el.attrs.length === 0) {
    const leaf = leafValue(el, false);
    if (leaf !== undefined) return leaf;
  }
  const hasText = hasContent(el.children);
  const hasElem = hasElementChild(el);
  const attrText = attrsHaveText(el.attrs);
  if (!hasElem && !hasText && !attrText) return null;
  if (!hasElem && !attrText) return contentValue(el.children, false);
  return body(el, childIsContainer, false, hasText);
}

/** The value of one `Data` element under EventData/UserData: empty renders as "" rather than null. */
function dataValue(el: XElement): JsonValue {
  const leaf = leafValue(el, true);
  if (leaf !== undefined) return leaf;
  const hasText = hasContent(el.children);
  const hasElem = hasElementChild(el);
  if (!hasText && !hasElem) return "";
  return hasElem ? body(el, false, true, hasText) : contentValue(el.children, false);
}

const isContainer = (name: string): boolean => name === "EventData" || name === "UserData";

function dataName(el: XElement): readonly XNode[] | undefined {
  return el.attrs.find((a) => a.name === "Name")?.value;
}

function body(el: XElement, inContainer: boolean, omitAttributes: boolean, hasText: boolean): JsonObject {
  const obj: JsonObject = {};
  if (!omitAttributes && attrsHaveText(el.attrs)) obj["#attributes"] = attributes(el.attrs);
  if (hasText) obj["#text"] = contentValue(el.children, true);

  // One named Data switches the container to "Name": value members; otherwise Data values are positional.
  let named = false;
  const positional: XElement[] = [];
  if (inContainer) {
    for (const c of el.children) {
      if (c.k !== "el" || c.name !== "Data") continue;
      positional.push(c);
      const name = dataName(c);
      if (name && hasContent(name)) named = true;
    }
  }
  let positionalDone = false;
  let seen: Map<string, number> | undefined;
  for (const c of el.children) {
    if (c.k !== "el") continue;
    if (inContainer && c.name === "Data") {
      if (named) {
        const name = dataName(c);
        if (name && hasContent(name)) put(obj, textOf(name), dataValue(c));
      } else if (!positionalDone) {
        positionalDone = true;
        const values = positional.length === 1 ? dataValue(c) : positional.map(dataValue);
        obj.Data = { "#text": values };
      }
      continue;
    }
    // Repeated names become Name, Name_1, Name_2, ...
    seen ??= new Map();
    const count = seen.get(c.name);
    seen.set(c.name, (count ?? 0) + 1);
    put(obj, count ? `${c.name}_${count}` : c.name, elementValue(c, isContainer(c.name)));
  }
  return obj;
}
