// Splits a body into per-event byte spans without parsing it: NDJSON by line, a JSON array by a small
// scanner over its top-level elements, so one broken event does not take its neighbours down with it.

/** One candidate event: its bytes in the body, or why it could not be delimited. */
export type Span =
  | { readonly kind: "span"; readonly start: number; readonly end: number; readonly line: number }
  | { readonly kind: "broken"; readonly start: number; readonly message: string; readonly line: number };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LF = 0x0a;

const isWs = (c: number | undefined): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

const bomLength = (buf: Uint8Array): number =>
  buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;

/** The first byte after whitespace (and, at the start of the body, a UTF-8 byte-order mark) from `i`. */
export function skipWs(buf: Uint8Array, i: number, end: number): number {
  if (i === 0) i = bomLength(buf);
  while (i < end && isWs(buf[i])) i++;
  return i;
}

const countLines = (buf: Uint8Array, from: number, to: number, line: number): number => {
  for (let i = from; i < to; i++) if (buf[i] === LF) line++;
  return line;
};

/** NDJSON: one event a line, CR before LF dropped, blank lines skipped. `line` is 1-based. */
export function splitLines(buf: Buffer, maxSpans: number): Span[] | "too-many" {
  const spans: Span[] = [];
  let from = bomLength(buf);
  let line = 1;
  while (from <= buf.length) {
    let nl = buf.indexOf(LF, from);
    if (nl === -1) nl = buf.length;
    let start = from;
    let end = nl;
    while (start < end && isWs(buf[start])) start++;
    while (end > start && isWs(buf[end - 1])) end--;
    if (end > start) {
      if (spans.length === maxSpans) return "too-many";
      spans.push({ kind: "span", start, end, line });
    }
    line++;
    from = nl + 1;
  }
  return spans;
}

/** The end of the string whose opening quote is at `i` (index after the closing quote), or -1. */
function stringEnd(buf: Buffer, i: number): number {
  let q = i;
  for (;;) {
    q = buf.indexOf(QUOTE, q + 1);
    if (q === -1) return -1;
    let slashes = 0;
    for (let k = q - 1; buf[k] === BACKSLASH; k--) slashes++;
    if (slashes % 2 === 0) return q + 1;
  }
}

/**
 * A JSON array body (`buf[open]` is `[`): the spans of its top-level elements. Strings, escapes and
 * nesting are respected, so a syntax error inside one element stays in that element. When the
 * structure itself breaks (an unterminated string, unbalanced brackets, a missing `]`), the rest of
 * the body becomes one "broken" span, since no element boundary after it can be trusted.
 */
export function splitArray(buf: Buffer, open: number, maxSpans: number): Span[] | "too-many" {
  const spans: Span[] = [];
  const end = buf.length;
  let i = open + 1;
  let line = countLines(buf, 0, open, 1);
  let lineAt = open;
  const lineOf = (pos: number): number => {
    line = countLines(buf, lineAt, pos, line);
    lineAt = pos;
    return line;
  };
  i = skipWs(buf, i, end);
  if (buf[i] === 0x5d) return trailing(buf, i + 1, spans, lineOf);
  for (;;) {
    i = skipWs(buf, i, end);
    const start = i;
    let depth = 0;
    let problem: string | undefined;
    let closed = false;
    while (i < end) {
      const c = buf[i]!;
      if (c === QUOTE) {
        const after = stringEnd(buf, i);
        if (after === -1) {
          problem = `unterminated string starting at byte ${i}`;
          break;
        }
        i = after;
        continue;
      }
      if (c === 0x7b || c === 0x5b) depth++;
      else if (c === 0x7d || c === 0x5d) {
        if (depth > 0) depth--;
        else if (c === 0x5d) {
          closed = true;
          break;
        }
        // A stray `}` at depth 0 is junk inside this element: JSON.parse will reject the element.
      } else if (c === 0x2c && depth === 0) break;
      i++;
    }
    if (problem === undefined && i >= end)
      problem = depth > 0 ? `unbalanced brackets: ${depth} not closed` : "the array is not closed with ]";
    if (spans.length === maxSpans) return "too-many";
    if (problem !== undefined) {
      const elementEnd = trimEnd(buf, start, end);
      // A complete last element followed by nothing: keep it, and flag the missing `]` separately.
      if (depth === 0 && i >= end && elementEnd > start && !problem.startsWith("unterminated")) {
        spans.push({ kind: "span", start, end: elementEnd, line: lineOf(start) });
        if (spans.length === maxSpans) return "too-many";
        spans.push({
          kind: "broken",
          start: end,
          line: lineOf(end),
          message: "the array is not closed with ]: the body may be truncated after this element",
        });
        return spans;
      }
      spans.push({
        kind: "broken",
        start,
        line: lineOf(start),
        message: `the array structure is broken from byte ${start} (${problem}); the remaining ${end - start} bytes are rejected`,
      });
      return spans;
    }
    const elementEnd = trimEnd(buf, start, i);
    if (elementEnd === start)
      spans.push({
        kind: "broken",
        start,
        line: lineOf(start),
        message: closed ? "empty element before ] (trailing comma)" : "empty element between commas",
      });
    else spans.push({ kind: "span", start, end: elementEnd, line: lineOf(start) });
    i++;
    if (closed) return trailing(buf, i, spans, lineOf);
  }
}

const trimEnd = (buf: Buffer, start: number, end: number): number => {
  while (end > start && isWs(buf[end - 1])) end--;
  return end;
};

function trailing(buf: Buffer, i: number, spans: Span[], lineOf: (pos: number) => number): Span[] {
  const j = skipWs(buf, i, buf.length);
  if (j < buf.length)
    spans.push({
      kind: "broken",
      start: j,
      line: lineOf(j),
      message: `unexpected data after the closing ] at byte ${j}`,
    });
  return spans;
}
