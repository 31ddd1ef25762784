/** A counter or value kept by a {@link ThrottleStore}, with its expiry. */
export interface ThrottleEntry {
  value: number;
  /** Epoch milliseconds after which the entry is gone. */
  expiresAt: number;
}

/**
 * Where throttling counters live. The default is in memory and bounded;
 * instances that must share counters use {@link DatabaseThrottleStore} or
 * a store of their own (Redis, ...).
 *
 * @publicApi
 */
export interface ThrottleStore {
  /**
   * Adds one to a counter, starting a new window of `ttlMs` when it has
   * expired, and returns the entry after the increment. Must be atomic.
   */
  increment(key: string, ttlMs: number, now: number): Promise<ThrottleEntry>;
  /** The unexpired entry, or null. */
  get(key: string, now: number): Promise<ThrottleEntry | null>;
  /** Sets a value that expires after `ttlMs`. */
  set(key: string, value: number, ttlMs: number, now: number): Promise<void>;
  delete(key: string): Promise<void>;
}
