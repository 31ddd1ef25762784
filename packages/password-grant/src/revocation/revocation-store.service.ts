import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { PASSWORD_GRANT_CONFIG } from '../password-grant.constants.js';
import type { PasswordGrantConfig } from '../password-grant-config.js';
import { PasswordGrantStorage } from '../persistence/password-grant-storage.service.js';
import { toEpochMs } from './epoch-ms.util.js';

/** What a guard learns about a token's `jti`. */
export type RevocationStatus = 'active' | 'revoked' | 'unavailable';

/**
 * Rows revoked up to this long before the last read are read again, to
 * cover statements still committing and small clock differences between
 * instances.
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
 * indexed `revoked_at` column. When no read has succeeded for
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
  private readonly revoked = new Map<string, number>();
  /** performance.now() at the start of the last successful read. */
  private freshAt = Number.NEGATIVE_INFINITY;
  /** Wall-clock start of the last successful read. */
  private readSince: Date | null = null;
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
    const wallClock = new Date();
    try {
      if (this.readSince === null) await this.loadAll(wallClock);
      else await this.loadSince(this.readSince);
    } catch (error) {
      this.reportFailure(error);
      return false;
    }
    this.freshAt = startedAt;
    this.readSince = new Date(wallClock.getTime() - OVERLAP_MS);
    this.reportRecovery();
    this.prune(wallClock.getTime());
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
  private async loadAll(now: Date): Promise<void> {
    let after = '';
    for (;;) {
      const rows: { id: string; expires_at: unknown }[] =
        await this.storage.accessTokens
          .createQueryBuilder('t')
          .select(['t.id AS id', 't.expires_at AS expires_at'])
          .where('t.revoked_at IS NOT NULL')
          .andWhere('t.expires_at > :now', { now })
          .andWhere('t.id > :after', { after })
          .orderBy('t.id', 'ASC')
          .limit(LOAD_BATCH)
          .getRawMany();
      this.add(rows);
      if (rows.length < LOAD_BATCH) return;
      after = rows[rows.length - 1].id;
    }
  }

  private async loadSince(since: Date): Promise<void> {
    const rows: { id: string; expires_at: unknown }[] =
      await this.storage.accessTokens
        .createQueryBuilder('t')
        .select(['t.id AS id', 't.expires_at AS expires_at'])
        .where('t.revoked_at >= :since', { since })
        .getRawMany();
    this.add(rows);
  }

  private add(rows: { id: string; expires_at: unknown }[]): void {
    for (const row of rows) this.revoked.set(row.id, toEpochMs(row.expires_at));
  }

  /** Forgets tokens past their expiry (the guard refuses them anyway). */
  private prune(now: number): void {
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    const horizon = now - this.config.clockTolerance * 1000;
    for (const [jti, expiresAt] of this.revoked) {
      if (expiresAt < horizon) this.revoked.delete(jti);
    }
  }

  private async statusFromDatabase(jti: string): Promise<RevocationStatus> {
    try {
      const row = await this.storage.accessTokens.findOne({
        select: { revoked: true },
        where: { id: jti },
      });
      return row?.revoked ? 'revoked' : 'active';
    } catch (error) {
      this.reportFailure(error);
      return 'unavailable';
    }
  }

  private reportFailure(error: unknown): void {
    if (this.failing) return;
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
