import type { ThrottleStore } from './throttle-store.interface.js';

/** A number of events allowed in a window. */
export interface RateLimit {
  limit: number;
  windowSeconds: number;
}

/**
 * Growing temporary lockouts of a username from one address, after
 * Keycloak's "multiple" strategy: every `maxFailures` failures add
 * `waitIncrementSeconds`, up to `maxWaitSeconds`.
 */
export interface AccountLockoutOptions {
  /** @default 5 */
  maxFailures?: number;
  /** @default 60 */
  waitIncrementSeconds?: number;
  /** @default 900 */
  maxWaitSeconds?: number;
  /** Failures are forgotten this long after the last one. @default 43200 */
  resetAfterSeconds?: number;
  /** Two failures closer than this lock for `quickWaitSeconds`. @default 1000 */
  quickLoginMs?: number;
  /** @default 60 */
  quickWaitSeconds?: number;
  /**
   * Password checks allowed per username per hour, from all addresses
   * together (ASVS 2.2.1 allows at most 100 failures an hour).
   * @default 100
   */
  maxChecksPerHour?: number;
}

/**
 * Brute-force defence of the token endpoint (SPEC §7).
 *
 * @publicApi
 */
export interface ThrottleOptions {
  /** @default true */
  enabled?: boolean;
  /** Token requests per client address. @default 60 a minute */
  perAddress?: RateLimit | false;
  /** Lockouts per username and address. @default on */
  account?: AccountLockoutOptions | false;
  /**
   * Failed client authentications per client id and per address.
   * @default 10 a minute
   */
  clientAuthentication?: RateLimit | false;
  /**
   * Number of trusted reverse proxies in front of the app. With 0 the
   * connection's address is used and `X-Forwarded-For` is ignored.
   * @default 0
   */
  trustedProxies?: number;
  /**
   * Where counters live: a store object, or `'database'` for the
   * `oauth_throttle` table that several instances share.
   * @default a bounded in-memory store
   */
  store?: ThrottleStore | 'database';
  /**
   * Password checks running at once. More than the cores would starve the
   * event loop (bcrypt runs on libuv's threads) and slow every guarded
   * route during a login burst.
   * @default the number of cores (`os.availableParallelism()`)
   */
  maxConcurrentChecks?: number;
  /** Password checks waiting; beyond them the answer is 503. @default 64 */
  maxQueuedChecks?: number;
  /** Clock in epoch milliseconds, for tests. @default Date.now */
  now?: () => number;
}
