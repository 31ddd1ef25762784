import { RevokedIdSet } from './revoked-id-set.js';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import type { SelectQueryBuilder } from 'typeorm';
import { PASSWORD_GRANT_CONFIG } from '../password-grant.constants.js';
import type { PasswordGrantConfig } from '../password-grant-config.js';
import type { OAuthAccessTokenEntity } from '../persistence/oauth-access-token.entity.js';
import { PasswordGrantStorage } from '../persistence/password-grant-storage.service.js';
import { toEpochMs } from './epoch-ms.util.js';

type RowQuery = SelectQueryBuilder<OAuthAccessTokenEntity>;

interface RevokedRow {
  id: string;
  expires_at: unknown;
  revoked_at: unknown;
}

/** What a guard learns about a token's `jti`. */
export type RevocationStatus = 'active' | 'revoked' | 'unavailable';

/**
 * How late a revocation may commit (an earlier `revoked_at` than rows
 * already read: a statement still running, or another instance's clock a
 * little behind) and still be found.
 */
const OVERLAP_MS = 5000;
const LOAD_BATCH = 10_000;
const PRUNE_EVERY_MS = 60_000;

/**
 * Tells guards whether an access token is revoked, without a database
 * query per request (SPEC §5.4).
 *
 * Keeps the revoked, unexpired `jti`s in memory and reads the rows revoked
 * since the last read every `revocation.refreshInterval`, through the
 * indexed `revoked_at` column; each row is read once, save for rare late
 * commits. When no read has succeeded for
 * `revocation.maxStaleness`, every token is `unavailable` (guards answer
 * 503) until a read succeeds again. In strict mode each check is a
 * database query instead.
 */
@Injectable()
export class RevocationStore
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger(RevocationStore.name);
  /** jti → expiry of the token, in epoch milliseconds. */
  private readonly revoked = new RevokedIdSet();
  /** performance.now() at the start of the last successful read. */
  private freshAt = Number.NEGATIVE_INFINITY;
  /** The latest `revoked_at` read, in epoch milliseconds. */
  private newest = 0;
  /** Rows revoked in the last seconds: id → `revoked_at`. */
  private readonly recent = new Map<string, number>();
  private loaded = false;
  private lastPrune = 0;
  private failing = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly storage: PasswordGrantStorage,
    @Inject(PASSWORD_GRANT_CONFIG) private readonly config: PasswordGrantConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.revocation.strict) return;
    await this.refresh();
    this.schedule();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** The status of a token; O(1) unless the strict mode is on. */
  status(jti: string): RevocationStatus | Promise<RevocationStatus> {
    if (this.config.revocation.strict) return this.statusFromDatabase(jti);
    const age = performance.now() - this.freshAt;
    if (age > this.config.revocation.maxStaleness) return 'unavailable';
    return this.revoked.has(jti) ? 'revoked' : 'active';
  }

  /** Number of revoked, unexpired ids held in memory. */
  get size(): number {
    return this.revoked.size;
  }

  /** Reads new revocations now; false when the database could not be read. */
  async refresh(): Promise<boolean> {
    const startedAt = performance.now();
    const now = Date.now();
    try {
      if (this.loaded) await this.loadNew(now);
      else await this.loadAll(now);
    } catch (error) {
      this.reportFailure(error);
      return false;
    }
    this.loaded = true;
    this.freshAt = startedAt;
    this.reportRecovery();
    this.prune(now);
    return true;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.refresh().finally(() => this.schedule());
    }, this.config.revocation.refreshInterval);
    this.timer.unref();
  }

  /** First read: every revoked token that has not expired, in batches. */
  private async loadAll(now: number): Promise<void> {
    let after = '';
    for (;;) {
      const rows = await this.rows(query =>
        query
          .where('t.revoked_at IS NOT NULL')
          .andWhere('t.expires_at > :now', { now: new Date(now) })
          .andWhere('t.id > :after', { after })
          .orderBy('t.id', 'ASC')
          .limit(LOAD_BATCH),
      );
      this.add(rows);
      if (rows.length < LOAD_BATCH) break;
      after = rows[rows.length - 1].id;
    }
    this.newest = Math.max(this.newest, now - OVERLAP_MS);
  }

  /**
   * Reads the rows revoked after the newest one seen, then checks that no
   * row of the last few seconds committed late (an earlier `revoked_at`
   * than rows already read): counting that window is cheap, and only a
   * difference makes it read the window again.
   */
  private async loadNew(now: number): Promise<void> {
    const before = this.newest;
    this.add(
      await this.rows(query =>
        query.where('t.revoked_at > :before', { before: new Date(before) }),
      ),
    );
    const since = now - OVERLAP_MS;
    if (since > before) return;
    const window = (query: RowQuery) =>
      query
        .where('t.revoked_at >= :since', { since: new Date(since) })
        .andWhere('t.revoked_at <= :before', { before: new Date(before) });
    const stored = await window(
      this.storage.accessTokens.createQueryBuilder('t'),
    ).getCount();
    if (stored !== this.countRecent(since, before)) {
      this.add(await this.rows(window));
    }
  }

  private rows(filter: (query: RowQuery) => RowQuery): Promise<RevokedRow[]> {
    const query = this.storage.accessTokens
      .createQueryBuilder('t')
      .select([
        't.id AS id',
        't.expires_at AS expires_at',
        't.revoked_at AS revoked_at',
      ]);
    return filter(query).getRawMany<RevokedRow>();
  }

  private add(rows: RevokedRow[]): void {
    const recentFrom = Date.now() - 2 * OVERLAP_MS;
    for (const row of rows) {
      this.revoked.set(row.id, toEpochMs(row.expires_at));
      const revokedAt = toEpochMs(row.revoked_at);
      if (revokedAt === Number.POSITIVE_INFINITY) continue;
      if (revokedAt > this.newest) this.newest = revokedAt;
      if (revokedAt >= recentFrom) this.recent.set(row.id, revokedAt);
    }
  }

  private countRecent(since: number, before: number): number {
    let count = 0;
    for (const [id, revokedAt] of this.recent) {
      if (revokedAt < since - OVERLAP_MS) this.recent.delete(id);
      else if (revokedAt >= since && revokedAt <= before) count++;
    }
    return count;
  }

  /** Forgets tokens past their expiry (the guard refuses them anyway). */
  private prune(now: number): void {
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    this.revoked.prune(now - this.config.clockTolerance * 1000);
  }

  private async statusFromDatabase(jti: string): Promise<RevocationStatus> {
    try {
      const row = await this.storage.accessTokens.findOne({
        select: { revoked: true },
        where: { id: jti },
      });
      this.reportRecovery();
      return row?.revoked ? 'revoked' : 'active';
    } catch (error) {
      this.reportFailure(error);
      return 'unavailable';
    }
  }

  private reportFailure(error: unknown): void {
    if (this.failing || this.stopped) return;
    this.failing = true;
    const kind = error instanceof Error ? error.name : 'Error';
    this.logger.error(
      `Cannot read revoked tokens (${kind}); guards answer 503 once the list is older than ${this.config.revocation.maxStaleness} ms.`,
    );
  }

  private reportRecovery(): void {
    if (!this.failing) return;
    this.failing = false;
    this.logger.log('Reading revoked tokens works again.');
  }
}
