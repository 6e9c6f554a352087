// Multi-needle substring search (Aho–Corasick): finds which of many lower-cased needles occur in a
// field value in one pass over it, whatever the number of needles.

export class SubstringSet {
  private readonly goto: Map<number, number>[] = [new Map()];
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

  private build(): void {
    this.fail = new Int32Array(this.goto.length);
    const queue: number[] = [];
    for (const next of this.goto[0]!.values()) queue.push(next);
    for (let q = 0; q < queue.length; q++) {
      const s = queue[q]!;
      for (const [c, next] of this.goto[s]!) {
        let f = this.fail[s]!;
        while (f !== 0 && !this.goto[f]!.has(c)) f = this.fail[f]!;
        const target = this.goto[f]!.get(c);
        this.fail[next] = target !== undefined && target !== next ? target : 0;
        const inherited = this.out[this.fail[next]!]!;
        if (inherited.length > 0) this.out[next] = [...this.out[next]!, ...inherited];
        queue.push(next);
      }
    }
    this.built = true;
  }

  /** Calls `hit(id)` for every needle found in `text` (an id may be reported more than once). */
  search(text: string, hit: (id: number) => void): void {
    if (!this.built) this.build();
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      let next = this.goto[s]!.get(c);
      while (next === undefined && s !== 0) {
        s = this.fail[s]!;
        next = this.goto[s]!.get(c);
      }
      s = next ?? 0;
      const found = this.out[s]!;
      for (let k = 0; k < found.length; k++) hit(found[k]!);
    }
  }
}
