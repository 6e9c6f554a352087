// Splits a stream of text holding JSON objects (concatenated, pretty-printed, or inside a top-level
// array) into one object's text at a time, so a reader never holds more than one object in memory.

export type ScanPiece =
  | { readonly kind: "object"; readonly text: string; readonly line: number }
  | { readonly kind: "junk"; readonly code: string; readonly message: string; readonly line: number };

enum Mode {
  Top = 0,
  Object = 1,
  Junk = 2,
}

const LF = 10;
const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const COMMA = 44;

const isSpace = (c: number): boolean => c === 32 || c === 10 || c === 13 || c === 9 || c === 0xfeff;

/** Default cap on one object's text: beyond it the input is treated as garbage, not buffered forever. */
export const DEFAULT_MAX_OBJECT_CHARS = 64 * 1024 * 1024;

export class JsonObjectScanner {
  private mode = Mode.Top;
  private arrayDepth = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private line = 1;
  private objectLine = 0;
  private parts: string[] = [];
  private partsLength = 0;

  constructor(private readonly maxObjectChars = DEFAULT_MAX_OBJECT_CHARS) {}

  /** Feeds the next chunk; completed objects and junk reports are appended to `out`. */
  push(chunk: string, out: ScanPiece[]): void {
    let start = this.mode === Mode.Object ? 0 : -1;
    const n = chunk.length;
    for (let i = 0; i < n; i++) {
      const c = chunk.charCodeAt(i);
      if (c === LF) this.line++;
      if (this.mode === Mode.Object) {
        if (this.inString) {
          if (this.escaped) this.escaped = false;
          else if (c === BACKSLASH) this.escaped = true;
          else if (c === QUOTE) this.inString = false;
        } else if (c === QUOTE) this.inString = true;
        else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth++;
        else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
          this.depth--;
          if (this.depth === 0) {
            this.parts.push(chunk.slice(start, i + 1));
            out.push({ kind: "object", text: this.parts.join(""), line: this.objectLine });
            this.parts = [];
            this.partsLength = 0;
            this.mode = Mode.Top;
            start = -1;
          }
        }
        continue;
      }
      if (c === OPEN_BRACE) {
        this.mode = Mode.Object;
        this.depth = 1;
        this.inString = false;
        this.escaped = false;
        this.objectLine = this.line;
        start = i;
        continue;
      }
      if (this.mode === Mode.Junk || isSpace(c)) continue;
      if (c === OPEN_BRACKET) this.arrayDepth++;
      else if (c === CLOSE_BRACKET && this.arrayDepth > 0) this.arrayDepth--;
      else if (c === COMMA && this.arrayDepth > 0) {
        // separator between array elements
      } else {
        this.mode = Mode.Junk;
        out.push({
          kind: "junk",
          code: "json-not-object",
          message: `expected a JSON object, found ${describe(c)}; skipping to the next "{"`,
          line: this.line,
        });
      }
    }
    if (this.mode === Mode.Object && start >= 0) {
      const rest = chunk.slice(start);
      this.partsLength += rest.length;
      if (this.partsLength > this.maxObjectChars) {
        out.push({
          kind: "junk",
          code: "json-object-too-large",
          message: `object starting here is larger than ${this.maxObjectChars} characters (or never ends); skipped`,
          line: this.objectLine,
        });
        this.parts = [];
        this.partsLength = 0;
        this.mode = Mode.Junk;
      } else this.parts.push(rest);
    }
  }

  /** Ends the input: an object still open is reported as truncated. */
  end(out: ScanPiece[]): void {
    if (this.mode === Mode.Object) {
      out.push({
        kind: "junk",
        code: "json-truncated",
        message: "input ends inside a JSON object",
        line: this.objectLine,
      });
    }
    this.parts = [];
    this.partsLength = 0;
    this.mode = Mode.Top;
  }
}

const describe = (c: number): string =>
  c >= 32 && c < 127 ? `"${String.fromCharCode(c)}"` : `character U+${c.toString(16).padStart(4, "0")}`;
