// The in-memory XML tree that BinXml decodes to, before it is rendered as evtx_dump-style JSON.
// Template definitions keep placeholders; instantiation replaces them with decoded substitution values.

/** Literal text: text tokens, string substitution values, resolved entity and character references. */
export interface XText {
  readonly k: "text";
  readonly s: string;
}

/** A typed substitution value. `n` is set for integers and booleans, which evtx_dump prints bare. */
export interface XValue {
  readonly k: "val";
  readonly s: string;
  readonly n: number | boolean | undefined;
  /** True when evtx treats the value as absent (null type, empty binary, empty array). */
  readonly empty: boolean;
  /** Items of an array value with more than one item: the containing element is repeated per item. */
  readonly items: readonly (XNode | undefined)[] | undefined;
}

/** A substitution slot inside a template definition. */
export interface XPlaceholder {
  readonly k: "ph";
  readonly id: number;
  readonly optional: boolean;
}

/** A processing instruction: never rendered in JSON, but it still occupies a child slot. */
export interface XPi {
  readonly k: "pi";
}

export interface XAttr {
  readonly name: string;
  readonly value: XNode[];
}

export interface XElement {
  readonly k: "el";
  readonly name: string;
  readonly attrs: XAttr[];
  readonly children: XNode[];
  /** True when this subtree holds placeholders, so instantiation must copy it; static subtrees are shared. */
  dyn: boolean;
}

export type XNode = XElement | XText | XValue | XPlaceholder | XPi;

/** A decoded substitution value: a node, or undefined for "nothing to insert". */
export type Substitution = XNode | undefined;

/** A malformed structure found while decoding; caught at record or chunk level and reported as a problem. */
export class EvtxFormatError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export const text = (s: string): XText => ({ k: "text", s });

export const value = (s: string, n: number | boolean | undefined = undefined, empty = false): XValue => ({
  k: "val",
  s,
  n,
  empty,
  items: undefined,
});
