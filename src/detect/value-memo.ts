// A bounded cache from field values (strings) to what the prefilter found in them. A Map keyed by
// the string itself costs a hash of every character on each lookup, because the values of a freshly
// parsed event are fresh strings whose hash V8 has not computed yet: about 1.6 ns a character, a
// microsecond for a Sysmon CallTrace. This table hashes a sample of at most 80 characters and
// confirms a hit with `===` (a memory comparison), so a long value costs a fraction of that.

/**
 * The table grows to stay at most a quarter full, so runs of taken slots stay short, up to this
 * many slots; past it, new values replace old ones.
 */
const MAX_CAPACITY = 1 << 16;

/**
 * Slots probed for a value: values whose samples collide (call stacks that differ only between
 * samples) share these, the oldest giving way. A probe of a slot holding another value mostly
 * costs a length comparison, of one of the same length a comparison up to the first difference.
 */
const PROBES = 16;

/** Strings up to this length are hashed whole; longer ones by samples. */
const WHOLE = 64;

/** Samples spread over a long string, besides its last TAIL characters. */
const SPREAD = 48;
const TAIL = 16;

/**
 * A 32-bit hash of the length, every character of a short string, and of a long one 48 characters
 * spread over it plus its last 16 (where paths and keys differ most). Distinct values that agree on
 * all samples collide; the table stays correct (it compares whole strings) and only loses hits.
 */
export function sampledHash(s: string): number {
  const n = s.length;
  let h = Math.imul(n, 0x9e3779b1);
  if (n <= WHOLE) {
    // two characters a step: half the multiplications, which depend on each other
    let i = 0;
    for (; i + 1 < n; i += 2) h = Math.imul(h ^ (s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16)), 0x01000193);
    if (i < n) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  } else {
    const step = Math.floor((n - TAIL) / SPREAD);
    for (let i = 0; i < n - TAIL; i += step) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    for (let i = n - TAIL; i < n; i += 2)
      h = Math.imul(h ^ (s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16)), 0x01000193);
  }
  // murmur3's finaliser: the table indexes by the low bits, which must depend on all samples
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Open addressing over one array of [key, value] pairs: no allocation per lookup, none per insert
 * once grown, and a probe reads one cache line for both (values are read on hits only, but a memo
 * read after other events have run finds its table cold; two arrays cost two misses).
 */
export class ValueMemo<V> {
  /** Slot i at 2i (the key) and 2i + 1 (its value). */
  private entries: (string | V | undefined)[];
  private mask: number;
  private size = 0;
  /** Characters held by the keys. */
  private heldChars = 0;
  /** Rotates the victim among the probed slots when all are taken. */
  private victim = 0;

  constructor(capacity = 256) {
    let c = 16;
    while (c < capacity) c <<= 1;
    this.entries = new Array<string | V | undefined>(2 * c).fill(undefined);
    this.mask = c - 1;
  }

  /** Characters in the values held. */
  get chars(): number {
    return this.heldChars;
  }

  /** Slots in the table. */
  private get capacity(): number {
    return this.mask + 1;
  }

  get(text: string): V | undefined {
    const entries = this.entries;
    const mask = this.mask;
    const h = sampledHash(text);
    for (let i = 0; i < PROBES; i++) {
      const at = ((h + i) & mask) << 1;
      const k = entries[at];
      if (k === undefined) return undefined;
      if (k === text) return entries[at + 1] as V;
    }
    return undefined;
  }

  /** Remembers a value (not already held) and what it maps to; returns the change in characters held. */
  set(text: string, value: V): number {
    if (this.size * 4 >= this.capacity && this.capacity < MAX_CAPACITY) this.grow();
    const before = this.heldChars;
    this.place(text, value);
    return this.heldChars - before;
  }

  clear(): void {
    this.entries.fill(undefined);
    this.size = 0;
    this.heldChars = 0;
  }

  private place(text: string, value: V): void {
    const entries = this.entries;
    const mask = this.mask;
    const h = sampledHash(text);
    let at = -1;
    for (let i = 0; i < PROBES; i++) {
      if (entries[((h + i) & mask) << 1] === undefined) {
        at = ((h + i) & mask) << 1;
        break;
      }
    }
    if (at < 0) {
      // all probed slots are taken: one of them gives way, in turn
      at = ((h + (this.victim++ % PROBES)) & mask) << 1;
      this.heldChars -= (entries[at] as string).length;
      this.size--;
    }
    entries[at] = text;
    entries[at + 1] = value;
    this.size++;
    this.heldChars += text.length;
  }

  private grow(): void {
    const old = this.entries;
    const c = this.capacity * 2;
    this.entries = new Array<string | V | undefined>(2 * c).fill(undefined);
    this.mask = c - 1;
    this.size = 0;
    this.heldChars = 0;
    for (let i = 0; i < old.length; i += 2) {
      const k = old[i];
      if (k !== undefined) this.place(k as string, old[i + 1] as V);
    }
  }
}
