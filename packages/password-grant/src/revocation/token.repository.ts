import { Injectable } from '@nestjs/common';
import { In, type FindOptionsWhere } from 'typeorm';
import { PasswordGrantEvents } from '../events/password-grant-events.service.js';
import type { RowWrite } from '../persistence/direct-statements.js';
import { OAuthAccessTokenEntity } from '../persistence/oauth-access-token.entity.js';
import type { OAuthRefreshTokenEntity } from '../persistence/oauth-refresh-token.entity.js';
import { PasswordGrantStorage } from '../persistence/password-grant-storage.service.js';

type TokenRows = FindOptionsWhere<
  OAuthAccessTokenEntity & OAuthRefreshTokenEntity
>;

/**
 * Revokes issued tokens. Revocation is keyed by `jti`, grant, user or
 * client id, never by a token string (a JWT has several valid spellings).
 * Guards refuse a revoked access token within the `revocation.maxStaleness`
 * bound, on every instance.
 *
 * Revoked rows must be kept until their token expires: purging one earlier
 * would let a fresh instance accept the token again.
 *
 * @publicApi
 */
@Injectable()
export class TokenRepository {
  constructor(
    private readonly storage: PasswordGrantStorage,
    private readonly events: PasswordGrantEvents,
  ) {}

  /** Revokes one access token by its `jti`; false when none was active. */
  async revokeAccessToken(jti: string): Promise<boolean> {
    const count = await this.revokeAccessRows({ id: jti });
    this.emit('access_token', jti, count);
    return count > 0;
  }

  /**
   * @internal The revocation of one access token as a write of a larger
   * transaction; `announceAccessTokenRevoked` reports it once committed.
   */
  accessTokenRevocation(jti: string, at: Date): RowWrite {
    return this.storage.direct.update(
      OAuthAccessTokenEntity,
      { revoked: true, revokedAt: at },
      { id: jti, revoked: false },
    );
  }

  /** @internal Emits `token.revoked` for a committed `accessTokenRevocation`. */
  announceAccessTokenRevoked(jti: string, count: number): void {
    this.emit('access_token', jti, count);
  }

  /**
   * Revokes a grant: every refresh token of the family, then every access
   * token. Refresh tokens go first, so a refresh running at the same time
   * either sees its parent revoked or has already written rows this
   * revocation catches. Returns the number of access tokens revoked.
   */
  async revokeGrant(grantId: string): Promise<number> {
    await this.revokeRefreshRows({ grantId });
    const count = await this.revokeAccessRows({ grantId });
    this.emit('grant', grantId, count);
    return count;
  }

  /**
   * Revokes every token of a user, optionally only those issued to
   * clients of one user provider (user ids are unique per provider).
   */
  async revokeUserTokens(
    userId: string,
    options: { provider?: string } = {},
  ): Promise<number> {
    const where: TokenRows = { userId };
    if (options.provider !== undefined) {
      const clients = await this.storage.clients.find({
        select: { id: true },
        where: { provider: options.provider },
      });
      where.clientId = In(clients.map(client => client.id));
    }
    await this.revokeRefreshRows(where);
    const count = await this.revokeAccessRows(where);
    this.emit('user', userId, count);
    return count;
  }

  /** Revokes every token issued to a client. */
  async revokeClientTokens(clientId: string): Promise<number> {
    await this.revokeRefreshRows({ clientId });
    const count = await this.revokeAccessRows({ clientId });
    this.emit('client', clientId, count);
    return count;
  }

  private async revokeRefreshRows(where: TokenRows): Promise<number> {
    const result = await this.storage.refreshTokens.update(
      { ...where, revoked: false },
      { revoked: true, revokedAt: new Date() },
    );
    return result.affected ?? 0;
  }

  private async revokeAccessRows(where: TokenRows): Promise<number> {
    const result = await this.storage.accessTokens.update(
      { ...where, revoked: false },
      { revoked: true, revokedAt: new Date() },
    );
    return result.affected ?? 0;
  }

  private emit(
    by: 'access_token' | 'grant' | 'user' | 'client',
    id: string,
    accessTokens: number,
  ): void {
    this.events.emit('token.revoked', { by, id, accessTokens });
  }
}
