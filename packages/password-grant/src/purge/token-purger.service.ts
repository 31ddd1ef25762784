import { Injectable, Logger } from '@nestjs/common';
import {
  In,
  LessThan,
  type FindOptionsSelect,
  type FindOptionsWhere,
  type Repository,
} from 'typeorm';
import { PasswordGrantError } from '../errors/password-grant.error.js';
import { PasswordGrantStorage } from '../persistence/password-grant-storage.service.js';

/**
 * Hours a row must have been expired before a purge deletes it: one week,
 * Laravel Passport's default.
 *
 * @publicApi
 */
export const DEFAULT_PURGE_HOURS = 168;
const DEFAULT_BATCH_SIZE = 1000;
const DEFAULT_MAX_BATCHES = 10_000;

/**
 * What {@link TokenPurger.purge} deletes. With neither `revoked` nor
 * `expired`, both apply.
 *
 * @publicApi
 */
export interface PurgeOptions {
  /** Delete revoked rows, once they have also expired for `hours`. */
  revoked?: boolean;
  /** Delete rows expired for `hours`, revoked or not. */
  expired?: boolean;
  /** @default 168 (one week) */
  hours?: number;
  /** Rows selected and deleted per statement. @default 1000 */
  batchSize?: number;
  /** Stop after this many batches per table. @default 10000 */
  maxBatches?: number;
  /** The current time. @default new Date() */
  now?: Date;
}

/**
 * What a purge removed.
 *
 * @publicApi
 */
export interface PurgeResult {
  accessTokens: number;
  refreshTokens: number;
  /** Rows expired before this time were eligible. */
  cutoff: Date;
  /** False when `maxBatches` stopped a table before it was done. */
  complete: boolean;
}

interface PurgeableRow {
  id: string;
  revoked: boolean;
  expiresAt: Date;
}

/**
 * Deletes expired and revoked token rows (Laravel Passport's
 * `passport:purge`) in small batches: each batch selects at most
 * `batchSize` ids and deletes those rows by id, so no statement locks a
 * whole table and memory stays bounded.
 *
 * A revoked row is deleted only once its token has also expired for the
 * window. Guards keep revoked token and grant ids in memory, loaded from
 * these rows; deleting a revoked row while its token is still valid would
 * let that token through again, and deleting a used refresh token early
 * would hide a reuse of it.
 *
 * @publicApi
 */
@Injectable()
export class TokenPurger {
  private readonly logger = new Logger(TokenPurger.name);

  constructor(private readonly storage: PasswordGrantStorage) {}

  async purge(options: PurgeOptions = {}): Promise<PurgeResult> {
    const hours = options.hours ?? DEFAULT_PURGE_HOURS;
    if (!Number.isInteger(hours) || hours < 0) {
      throw new PasswordGrantError(
        'ERR_PASSWORD_GRANT_INVALID_OPTIONS',
        'hours must be a whole number, 0 or more.',
      );
    }
    const now = options.now ?? new Date();
    const cutoff = new Date(now.getTime() - hours * 3_600_000);
    const onlyRevoked = Boolean(options.revoked) && !options.expired;
    const where: FindOptionsWhere<PurgeableRow> = onlyRevoked
      ? { expiresAt: LessThan(cutoff), revoked: true }
      : { expiresAt: LessThan(cutoff) };
    const refresh = await this.drain(
      this.storage.refreshTokens,
      where,
      options,
    );
    const access = await this.drain(this.storage.accessTokens, where, options);
    const result = {
      accessTokens: access.deleted,
      refreshTokens: refresh.deleted,
      cutoff,
      complete: access.complete && refresh.complete,
    };
    this.logger.log(
      `Purged ${result.accessTokens} access and ${result.refreshTokens} refresh token rows.`,
    );
    return result;
  }

  private async drain<T extends PurgeableRow>(
    repository: Repository<T>,
    where: FindOptionsWhere<PurgeableRow>,
    options: PurgeOptions,
  ): Promise<{ deleted: number; complete: boolean }> {
    const size = options.batchSize ?? DEFAULT_BATCH_SIZE;
    const maxBatches = options.maxBatches ?? DEFAULT_MAX_BATCHES;
    let deleted = 0;
    for (let batch = 0; batch < maxBatches; batch++) {
      const rows = await repository.find({
        select: { id: true } as FindOptionsSelect<T>,
        where: where as FindOptionsWhere<T>,
        take: size,
      });
      if (rows.length === 0) return { deleted, complete: true };
      const ids = rows.map(row => row.id);
      const result = await repository.delete({
        id: In(ids),
      } as FindOptionsWhere<T>);
      deleted += result.affected ?? ids.length;
      if (rows.length < size) return { deleted, complete: true };
    }
    return { deleted, complete: false };
  }
}
