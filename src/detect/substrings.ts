// Multi-needle substring search (Aho–Corasick): finds which of many lower-cased needles occur in a
// field value in one pass over it, whatever the number of needles.

/** Per UTF-16 unit: 0 not yet known, 1 lower-cases to itself alone, 2 otherwise (surrogates too). */
const caseClass = new Uint8Array(0x10000);

function caseless(c: number): boolean {
  let k = caseClass[c]!;
  if (k === 0) {
    const ch = String.fromCharCode(c);
    k = (c < 0xd800 || c > 0xdfff) && ch.toLowerCase() === ch ? 1 : 2;
    caseClass[c] = k;
  }
  return k === 1;
}

export class SubstringSet {
  private goto: Map<number, number>[] = [new Map()];
  private fail: Int32Array = new Int32Array(1);
  /** Needle ids ending at each state (own and inherited through failure links). */
  private out: number[][] = [[]];
  private built = false;

  /** Adds a needle with an id; returns this. */
  add(needle: string, id: number): this {
    if (this.built) throw new Error("bug: SubstringSet.add after search");
    let s = 0;
    for (let i = 0; i < needle.length; i++) {
      const c = needle.charCodeAt(i);
      let next = this.goto[s]!.get(c);
      if (next === undefined) {
        next = this.goto.length;
        this.goto.push(new Map());
        this.out.push([]);
        this.goto[s]!.set(c, next);
      }
      s = next;
    }
    this.out[s]!.push(id);
    return this;
  }

  // After build: a dense automaton over the ASCII characters of the needles, so the scan is one
  // table lookup per character (characters in no needle lead back to the root). The needles'
  // other characters have no column: a rule set's homoglyph and Unicode needles gave one automaton
  // 1,335 columns, 317 MiB for its 62,160 states. A scan meets them by following the trie and its
  // failure links (step), a few map lookups for a rare character.
  private delta: Int32Array = new Int32Array(0);
  private width = 1;
  private ascii: Int32Array = new Int32Array(128);
  /** `ascii` with A-Z read as a-z. */
  private folded: Int32Array = new Int32Array(128);
  /** The needles' characters outside ASCII. */
  private other = new Set<number>();

  private build(): void {
    this.renumberBreadthFirst();
    const states = this.goto.length;
    for (const g of this.goto) {
      for (const c of g.keys()) {
        if (c >= 128) this.other.add(c);
        else if (this.ascii[c] === 0) this.ascii[c] = this.width++;
      }
    }
    const width = this.width;
    this.fail = new Int32Array(states);
    this.delta = new Int32Array(states * width);
    // breadth-first, so a state's failure link (shallower) is complete before its children's
    for (let s = 0; s < states; s++) {
      const f = this.fail[s]!;
      if (s !== 0) {
        const inherited = this.out[f]!;
        if (inherited.length > 0) this.out[s] = [...this.out[s]!, ...inherited];
        // missing transitions follow the failure link
        for (let a = 0; a < width; a++) this.delta[s * width + a] = this.delta[f * width + a]!;
      }
      for (const [c, next] of this.goto[s]!) {
        if (s !== 0) this.fail[next] = c < 128 ? this.delta[f * width + this.ascii[c]!]! : this.step(f, c);
        if (c < 128) this.delta[s * width + this.ascii[c]!] = next;
      }
    }
    this.folded = this.ascii.slice();
    for (let c = 65; c <= 90; c++) this.folded[c] = this.ascii[c + 32]!;
    // Entries become the next state's row offset, bit-inverted when that state ends needles,
    // so the scan is one load, one sign test and no multiplication per character.
    for (let i = 0; i < this.delta.length; i++) {
      const next = this.delta[i]!;
      this.delta[i] = this.out[next]!.length > 0 ? ~(next * width) : next * width;
    }
    this.built = true;
  }

  /** Bytes of the transition table (built on first use). */
  get tableBytes(): number {
    if (!this.built) this.build();
    return this.delta.byteLength;
  }

  /** The state after reading c (a character of some needle) in state s, by the trie and failure links. */
  private step(s: number, c: number): number {
    for (let q = s; ; q = this.fail[q]!) {
      const next = this.goto[q]!.get(c);
      if (next !== undefined) return next;
      if (q === 0) return 0;
    }
  }

  /**
   * Numbers the trie's states breadth-first: a scan over ordinary text stays within a few
   * characters of the root, so the rows it reads are the table's first ones, which stay in the
   * CPU's caches, instead of being spread over a table of hundreds of KiB (the states were numbered
   * as the needles were added, each needle's path a run of new states). Measured in place on the
   * OTRF replay: 7.85 to 7.30 ns a character over PowerShell ContextInfo values (278 needles).
   */
  private renumberBreadthFirst(): void {
    const order = [0];
    for (let q = 0; q < order.length; q++)
      for (const next of this.goto[order[q]!]!.values()) order.push(next);
    const id = new Int32Array(order.length);
    for (let i = 0; i < order.length; i++) id[order[i]!] = i;
    this.goto = order.map((old) => new Map([...this.goto[old]!].map(([c, next]) => [c, id[next]!])));
    this.out = order.map((old) => this.out[old]!);
  }

  /**
   * Appends to `out` the id of every needle found in `text` (an id may appear more than once).
   * With `fold`, `text` need not be lower-cased: letters are folded while scanning, which is exact
   * as long as each character lower-cases to one character by itself; at the first other one the
   * scan gives up (returns false, `out` partly filled), and the caller scans the lower-cased text.
   */
  collect(text: string, out: number[], fold = false): boolean {
    if (!this.built) this.build();
    const delta = this.delta;
    const width = this.width;
    const ascii = fold ? this.folded : this.ascii;
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      let next: number;
      if (c < 128) next = delta[s + ascii[c]!]!;
      else if (fold && !caseless(c)) return false;
      else if (!this.other.has(c)) next = 0;
      else {
        const q = this.step(s / width, c);
        next = this.out[q]!.length > 0 ? ~(q * width) : q * width;
      }
      if (next >= 0) s = next;
      else {
        s = ~next;
        const found = this.out[s / width]!;
        for (let k = 0; k < found.length; k++) out.push(found[k]!);
      }
    }
    return true;
  }
}
