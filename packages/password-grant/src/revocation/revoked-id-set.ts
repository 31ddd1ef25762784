const HEX_ID = /^[0-9a-f]{24}/;
const WORDS = 3;

/**
 * The revoked access-token ids a guard checks, with their expiry.
 *
 * The library's `jti`s are random hex; their first 96 bits are kept in an
 * open-addressing table of typed arrays, so a million ids take about 40 MB
 * and add nothing for the garbage collector to walk. Two ids sharing 96
 * random bits would both read as revoked (odds about 2^-57 for a million
 * ids), which fails safe. Ids of another shape go to a plain map.
 */
export class RevokedIdSet {
  private words: Uint32Array;
  private expiries: Float64Array;
  private used = 0;
  private readonly others = new Map<string, number>();

  constructor(private capacity = 1024) {
    this.words = new Uint32Array(capacity * WORDS);
    this.expiries = new Float64Array(capacity);
  }

  get size(): number {
    return this.used + this.others.size;
  }

  /** Adds an id, or moves its expiry. */
  set(id: string, expiresAt: number): void {
    const key = parse(id);
    if (!key) {
      this.others.set(id, expiresAt);
      return;
    }
    if ((this.used + 1) * 2 > this.capacity) this.resize(this.capacity * 2);
    this.place(key, expiresAt);
  }

  has(id: string): boolean {
    const key = parse(id);
    if (!key) return this.others.has(id);
    return this.find(key) >= 0;
  }

  /** Forgets every id whose expiry is before `horizon`. */
  prune(horizon: number): void {
    for (const [id, expiresAt] of this.others) {
      if (expiresAt < horizon) this.others.delete(id);
    }
    this.resize(this.capacity, horizon);
  }

  private place(key: Uint32Array, expiresAt: number): void {
    const found = this.find(key);
    if (found >= 0) {
      this.expiries[found] = expiresAt;
      return;
    }
    let slot = key[0] & (this.capacity - 1);
    while (this.expiries[slot] !== 0) slot = (slot + 1) & (this.capacity - 1);
    this.words.set(key, slot * WORDS);
    this.expiries[slot] = expiresAt || Number.MIN_VALUE;
    this.used += 1;
  }

  private find(key: Uint32Array): number {
    let slot = key[0] & (this.capacity - 1);
    while (this.expiries[slot] !== 0) {
      const at = slot * WORDS;
      const words = this.words;
      if (
        words[at] === key[0] &&
        words[at + 1] === key[1] &&
        words[at + 2] === key[2]
      ) {
        return slot;
      }
      slot = (slot + 1) & (this.capacity - 1);
    }
    return -1;
  }

  /** Rebuilds the table at `capacity`, dropping ids expired before `horizon`. */
  private resize(capacity: number, horizon = Number.NEGATIVE_INFINITY): void {
    const { words, expiries } = this;
    const old = this.capacity;
    let live = 0;
    for (let slot = 0; slot < old; slot++) {
      if (expiries[slot] !== 0 && expiries[slot] >= horizon) live += 1;
    }
    while (capacity > 1024 && live * 4 < capacity) capacity /= 2;
    while ((live + 1) * 2 > capacity) capacity *= 2;
    this.capacity = capacity;
    this.words = new Uint32Array(capacity * WORDS);
    this.expiries = new Float64Array(capacity);
    this.used = 0;
    for (let slot = 0; slot < old; slot++) {
      const expiresAt = expiries[slot];
      if (expiresAt === 0 || expiresAt < horizon) continue;
      this.place(words.subarray(slot * WORDS, slot * WORDS + WORDS), expiresAt);
    }
  }
}

const scratch = new Uint32Array(WORDS);

/** The first 96 bits of a lower-case hex id, or null for other shapes. */
function parse(id: string): Uint32Array | null {
  if (id.length < 24 || !HEX_ID.test(id)) return null;
  scratch[0] = parseInt(id.slice(0, 8), 16);
  scratch[1] = parseInt(id.slice(8, 16), 16);
  scratch[2] = parseInt(id.slice(16, 24), 16);
  return scratch;
}
