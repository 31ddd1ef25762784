import type {
  ThrottleEntry,
  ThrottleStore,
} from './throttle-store.interface.js';

/**
 * Counters in a bounded map: expired entries are dropped when met, and the
 * oldest entry goes when the map is full, so memory stays bounded whatever
 * an attacker sends.
 *
 * @publicApi
 */
export class MemoryThrottleStore implements ThrottleStore {
  private readonly entries = new Map<string, ThrottleEntry>();

  constructor(private readonly capacity = 100_000) {}

  increment(key: string, ttlMs: number, now: number): Promise<ThrottleEntry> {
    const current = this.read(key, now);
    const entry = current
      ? { value: current.value + 1, expiresAt: current.expiresAt }
      : { value: 1, expiresAt: now + ttlMs };
    this.write(key, entry);
    return Promise.resolve(entry);
  }

  get(key: string, now: number): Promise<ThrottleEntry | null> {
    return Promise.resolve(this.read(key, now));
  }

  set(key: string, value: number, ttlMs: number, now: number): Promise<void> {
    this.write(key, { value, expiresAt: now + ttlMs });
    return Promise.resolve();
  }

  delete(key: string): Promise<void> {
    this.entries.delete(key);
    return Promise.resolve();
  }

  get size(): number {
    return this.entries.size;
  }

  private read(key: string, now: number): ThrottleEntry | null {
    const entry = this.entries.get(key);
    if (!entry) return null;
    if (entry.expiresAt > now) return entry;
    this.entries.delete(key);
    return null;
  }

  private write(key: string, entry: ThrottleEntry): void {
    this.entries.delete(key);
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, entry);
  }
}
