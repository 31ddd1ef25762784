import { Inject, Injectable, Optional } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { DataSource } from 'typeorm';
import { OAuthErrorException } from '../errors/oauth-error.exception.js';
import {
  PASSWORD_GRANT_CONFIG,
  PASSWORD_GRANT_DATA_SOURCE,
} from '../password-grant.constants.js';
import { DatabaseThrottleStore } from './database-throttle.store.js';
import type { PasswordGrantConfig } from '../password-grant-config.js';
import { ConcurrencyLimiter } from './concurrency-limiter.js';
import { MemoryThrottleStore } from './memory-throttle.store.js';
import type {
  AccountLockoutOptions,
  RateLimit,
  ThrottleOptions,
} from './throttle-options.interface.js';
import type { ThrottleStore } from './throttle-store.interface.js';

const HOUR_MS = 3_600_000;
const ACCOUNT_DEFAULTS: Required<AccountLockoutOptions> = {
  maxFailures: 5,
  waitIncrementSeconds: 60,
  maxWaitSeconds: 900,
  resetAfterSeconds: 43_200,
  quickLoginMs: 1000,
  quickWaitSeconds: 60,
  maxChecksPerHour: 100,
};

/** The store keys of one account's counters from one address. */
export interface AccountKeys {
  checks: string;
  failures: string;
  last: string;
  lock: string;
}

/** A request's origin as the throttler sees it. */
export interface RequestOrigin {
  address: string;
}

function digest(value: string): string {
  return createHash('sha256').update(value).digest('base64url').slice(0, 22);
}

/**
 * Brute-force defence of the token endpoint: a per-address limit checked
 * before any bcrypt work, lockouts per username and address that answer
 * like a wrong password, an hourly cap of password checks per username,
 * throttled client-secret guessing, and a bound on concurrent bcrypt.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.3.2
 * @publicApi
 */
@Injectable()
export class LoginThrottler {
  private readonly options: ThrottleOptions;
  private readonly store: ThrottleStore;
  private readonly account: Required<AccountLockoutOptions> | null;
  private readonly limiter: ConcurrencyLimiter;
  private readonly now: () => number;

  constructor(
    @Inject(PASSWORD_GRANT_CONFIG) config: PasswordGrantConfig,
    @Optional() @Inject(PASSWORD_GRANT_DATA_SOURCE) dataSource?: DataSource,
  ) {
    this.options = config.throttle;
    const store = this.options.store;
    this.store =
      store === 'database' && dataSource
        ? new DatabaseThrottleStore(dataSource)
        : typeof store === 'object'
          ? store
          : new MemoryThrottleStore();
    this.account =
      this.options.account === false
        ? null
        : { ...ACCOUNT_DEFAULTS, ...this.options.account };
    this.limiter = new ConcurrencyLimiter(
      this.options.maxConcurrentChecks ?? availableParallelism(),
      this.options.maxQueuedChecks ?? 64,
    );
    this.now = this.options.now ?? Date.now;
  }

  private get enabled(): boolean {
    return this.options.enabled !== false;
  }

  /**
   * The client's address: the connection's, or with trusted proxies the
   * entry of `X-Forwarded-For` the nearest trusted proxy added.
   */
  clientAddress(remote: string | undefined, forwardedFor?: string): string {
    const hops = this.options.trustedProxies ?? 0;
    if (hops > 0 && forwardedFor) {
      const chain = forwardedFor.split(',').map(entry => entry.trim());
      const candidate = chain[chain.length - hops];
      if (candidate) return candidate;
    }
    return remote ?? 'unknown';
  }

  /** SPEC §7.1: throws 429 once an address exceeds its request budget. */
  async assertAddressAllowed(origin: RequestOrigin | undefined): Promise<void> {
    const limit = this.rateLimit(this.options.perAddress, 60, 60);
    if (!this.enabled || !limit || !origin) return;
    const now = this.now();
    const key = `addr:${origin.address}`;
    const entry = await this.store.increment(
      key,
      limit.windowSeconds * 1000,
      now,
    );
    if (entry.value > limit.limit) this.tooMany(entry.expiresAt, now);
  }

  /** SPEC §7.3: throws 429 while a client id or address guesses secrets. */
  async assertClientAttemptsAllowed(
    clientId: string | undefined,
    origin: RequestOrigin | undefined,
  ): Promise<void> {
    const limit = this.rateLimit(this.options.clientAuthentication, 10, 60);
    if (!this.enabled || !limit || !origin) return;
    const now = this.now();
    for (const key of this.clientKeys(clientId, origin)) {
      const entry = await this.store.get(key, now);
      if (entry && entry.value >= limit.limit)
        this.tooMany(entry.expiresAt, now);
    }
  }

  async recordClientFailure(
    clientId: string | undefined,
    origin: RequestOrigin | undefined,
  ): Promise<void> {
    const limit = this.rateLimit(this.options.clientAuthentication, 10, 60);
    if (!this.enabled || !limit || !origin) return;
    for (const key of this.clientKeys(clientId, origin)) {
      await this.store.increment(key, limit.windowSeconds * 1000, this.now());
    }
  }

  /**
   * The counters of one login attempt on an account from an address, read
   * once per attempt and handed to the methods below; null when lockouts
   * are off. `account` should name the account found (for example
   * `provider:userId`), so every spelling of a username shares one count.
   */
  async keysFor(
    account: string,
    origin: RequestOrigin,
  ): Promise<AccountKeys | null> {
    if (!this.enabled || !this.account) return null;
    const user = digest(account);
    const generation = await this.store.get(`gen:${user}`, this.now());
    const scope = `${generation?.value ?? 0}:${user}`;
    const pair = `${scope}:${origin.address}`;
    return {
      checks: `checks:${scope}`,
      failures: `fail:${pair}`,
      last: `last:${pair}`,
      lock: `lock:${pair}`,
    };
  }

  /**
   * True while the account is locked for this address, or has used its
   * hourly budget of password checks. Callers answer exactly as for a
   * wrong password.
   */
  async isLocked(keys: AccountKeys | null): Promise<boolean> {
    if (!keys || !this.account) return false;
    const now = this.now();
    if (await this.store.get(keys.lock, now)) return true;
    const checks = await this.store.get(keys.checks, now);
    return (checks?.value ?? 0) >= this.account.maxChecksPerHour;
  }

  /** Counts one password check against the account's hourly budget. */
  async recordCheck(keys: AccountKeys | null): Promise<void> {
    if (!keys) return;
    await this.store.increment(keys.checks, HOUR_MS, this.now());
  }

  /** Counts a failure and locks the account for this address when due. */
  async recordFailure(keys: AccountKeys | null): Promise<void> {
    const account = this.account;
    if (!keys || !account) return;
    const now = this.now();
    const reset = account.resetAfterSeconds * 1000;
    const last = await this.store.get(keys.last, now);
    await this.store.set(keys.last, now, reset, now);
    const failures = await this.store.increment(keys.failures, reset, now);
    await this.store.set(keys.failures, failures.value, reset, now);
    // Once maxFailures is reached every further failure locks again, for
    // waitIncrement x floor(failures / maxFailures), capped at maxWait.
    const steps = Math.floor(failures.value / account.maxFailures);
    let waitSeconds = Math.min(
      account.waitIncrementSeconds * steps,
      account.maxWaitSeconds,
    );
    if (last && now - last.value < account.quickLoginMs) {
      waitSeconds = Math.max(waitSeconds, account.quickWaitSeconds);
    }
    if (waitSeconds > 0)
      await this.store.set(keys.lock, 1, waitSeconds * 1000, now);
  }

  /** A success forgets the failures of this account and address. */
  async recordSuccess(keys: AccountKeys | null): Promise<void> {
    if (!keys) return;
    await this.store.delete(keys.failures);
    await this.store.delete(keys.last);
    await this.store.delete(keys.lock);
  }

  /**
   * Lifts every lock and counter of a username, from every address (an
   * administrator's unlock).
   */
  async unlock(username: string): Promise<void> {
    const key = `gen:${digest(username)}`;
    const now = this.now();
    const current = await this.store.get(key, now);
    await this.store.set(key, (current?.value ?? 0) + 1, 30 * 86_400_000, now);
  }

  /** Runs a password check within the bound on concurrent bcrypt work. */
  check<T>(task: () => Promise<T>): Promise<T> {
    return this.limiter.run(task);
  }

  private clientKeys(
    clientId: string | undefined,
    origin: RequestOrigin,
  ): string[] {
    const keys = [`cfail:addr:${origin.address}`];
    if (clientId) keys.push(`cfail:id:${digest(clientId)}`);
    return keys;
  }

  private rateLimit(
    value: RateLimit | false | undefined,
    limit: number,
    windowSeconds: number,
  ): RateLimit | null {
    if (value === false) return null;
    return value ?? { limit, windowSeconds };
  }

  private tooMany(expiresAt: number, now: number): never {
    throw OAuthErrorException.tooManyRequests(
      Math.max(1, Math.ceil((expiresAt - now) / 1000)),
    );
  }
}
