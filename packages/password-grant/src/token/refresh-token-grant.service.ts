import type { RequestOrigin } from '../throttle/login-throttler.service.js';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ClientAuthenticator } from '../client/client-authenticator.service.js';
import { OAuthErrorException } from '../errors/oauth-error.exception.js';
import { PasswordGrantEvents } from '../events/password-grant-events.service.js';
import { ALL_SCOPES, parseScope } from '../internal/scope.util.js';
import {
  PASSWORD_GRANT_CONFIG,
  REFRESH_TOKEN_GRANT,
} from '../password-grant.constants.js';
import type { PasswordGrantConfig } from '../password-grant-config.js';
import type { OAuthClientEntity } from '../persistence/oauth-client.entity.js';
import type { RowWrite } from '../persistence/direct-statements.js';
import { OAuthRefreshTokenEntity } from '../persistence/oauth-refresh-token.entity.js';
import { PasswordGrantStorage } from '../persistence/password-grant-storage.service.js';
import { TokenRepository } from '../revocation/token.repository.js';
import {
  REFRESH_TOKEN_SYNTAX,
  refreshTokenDigest,
  TokenIssuer,
} from './token-issuer.service.js';
import type { TokenResponse } from './token-response.interface.js';

/** The parameters of a refresh request (RFC 6749 §6). */
export interface RefreshTokenParameters {
  client_id?: string;
  client_secret?: string;
  refresh_token?: string;
  scope?: string;
}

function refused(detail: string): OAuthErrorException {
  return new OAuthErrorException(
    'invalid_grant',
    'The refresh token is invalid, expired or revoked.',
    { detail: `refresh token ${detail}` },
  );
}

/**
 * The refresh token grant (RFC 6749 §6) with rotation and reuse detection
 * (RFC 9700 §4.14.2).
 *
 * A refresh token is bound to its client, can only narrow its scope, and
 * expires both absolutely (the family's first token sets the date) and
 * after an idle period. With rotation on, one atomic `UPDATE ... WHERE
 * used_at IS NULL` consumes it, so of many concurrent uses exactly one
 * wins; presenting a consumed token revokes its whole family.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.14.2
 */
@Injectable()
export class RefreshTokenGrant {
  private readonly logger = new Logger(RefreshTokenGrant.name);

  constructor(
    private readonly clients: ClientAuthenticator,
    private readonly storage: PasswordGrantStorage,
    private readonly issuer: TokenIssuer,
    private readonly tokens: TokenRepository,
    private readonly events: PasswordGrantEvents,
    @Inject(PASSWORD_GRANT_CONFIG) private readonly config: PasswordGrantConfig,
  ) {}

  async grant(
    params: RefreshTokenParameters,
    authorization?: string,
    origin?: RequestOrigin,
  ): Promise<TokenResponse> {
    const client = await this.clients.authenticateForGrant(
      {
        authorization,
        clientId: params.client_id,
        clientSecret: params.client_secret,
        origin,
      },
      REFRESH_TOKEN_GRANT,
    );
    if (params.refresh_token === undefined) {
      throw OAuthErrorException.invalidRequest(
        'The request is missing the "refresh_token" parameter.',
      );
    }
    const presented = await this.findUsable(params.refresh_token, client);
    const scopes = this.narrowedScopes(presented, params.scope);
    const issued = await this.issuer.issueAfter(
      {
        client,
        userId: presented.userId,
        scopes,
        grantId: presented.grantId,
        refreshScopes: presented.scopes.split(' ').filter(Boolean),
        parentId: presented.id,
        refreshExpiresAt: presented.expiresAt,
        requestedScope: params.scope,
      },
      this.consume(presented),
    );
    if (!issued) {
      if (this.config.revokeRefreshTokenAfterUse) {
        await this.reuseDetected(presented);
      }
      throw refused('consumed by another request');
    }
    const [, accessTokensRevoked] = issued.counts;
    this.tokens.announceAccessTokenRevoked(
      presented.accessTokenId,
      accessTokensRevoked,
    );
    if (!this.storage.direct.serialized) await this.closeRace(presented);
    this.logger.debug(`refresh grant issued tokens to client ${client.id}`);
    return issued.response;
  }

  /** The stored token if this client may use it now; throws otherwise. */
  private async findUsable(
    token: string,
    client: OAuthClientEntity,
  ): Promise<OAuthRefreshTokenEntity> {
    if (!REFRESH_TOKEN_SYNTAX.test(token)) throw refused('malformed');
    const row = await this.storage.direct.findOne(OAuthRefreshTokenEntity, {
      tokenHash: refreshTokenDigest(token),
    });
    if (!row) throw refused('unknown');
    if (row.clientId !== client.id) throw refused('of another client');
    if (row.revoked) throw refused('revoked');
    const now = Date.now();
    if (row.expiresAt.getTime() <= now) throw refused('expired');
    if (this.config.revokeRefreshTokenAfterUse && row.usedAt !== null) {
      return this.previousWithinGrace(row, now);
    }
    const lastUse = (row.usedAt ?? row.createdAt).getTime();
    if (lastUse + this.config.refreshTokenIdleTtl * 1000 <= now) {
      throw refused('idle too long');
    }
    return row;
  }

  /**
   * RFC 6749 §6: the requested scope must not include any scope not
   * originally granted; omitted, it equals the original.
   */
  private narrowedScopes(
    row: OAuthRefreshTokenEntity,
    requested: string | undefined,
  ): string[] {
    const original = row.scopes.split(' ').filter(Boolean);
    const scopes = parseScope(requested);
    if (scopes === null) {
      throw OAuthErrorException.invalidScope(
        'The requested scope is malformed.',
      );
    }
    if (scopes.length === 0) return original;
    const wildcard = original.includes(ALL_SCOPES);
    for (const name of scopes) {
      const known = name === ALL_SCOPES || name in this.config.scopes;
      if (wildcard ? !known : !original.includes(name)) {
        throw OAuthErrorException.invalidScope(
          'The requested scope exceeds the scope originally granted.',
        );
      }
    }
    return scopes;
  }

  /**
   * Marks the token used in one statement and revokes the access token it
   * came with, in the transaction that stores its successors. With
   * rotation on, only the request whose UPDATE changed the row wins; the
   * others are treated as reuse.
   */
  private consume(row: OAuthRefreshTokenEntity): RowWrite[] {
    const now = new Date();
    return [
      this.storage.direct.update(
        OAuthRefreshTokenEntity,
        { usedAt: now },
        this.config.revokeRefreshTokenAfterUse
          ? { id: row.id, usedAt: null, revoked: false }
          : { id: row.id, revoked: false },
        1,
      ),
      this.tokens.accessTokenRevocation(row.accessTokenId, now),
    ];
  }

  /**
   * A consumed token: accepted once more only when it is the immediately
   * previous token of its family, used less than the grace period ago,
   * and its successor is still unused. Then the successor is the one
   * consumed. Anything else is reuse (RFC 9700 §4.14.2).
   */
  private async previousWithinGrace(
    row: OAuthRefreshTokenEntity,
    now: number,
  ): Promise<OAuthRefreshTokenEntity> {
    const grace = this.config.refreshTokenGrace * 1000;
    if (grace > 0 && row.usedAt!.getTime() + grace > now) {
      const child = await this.storage.refreshTokens.findOneBy({
        parentId: row.id,
      });
      if (child && child.usedAt === null && !child.revoked) return child;
    }
    await this.reuseDetected(row);
    throw refused('reused');
  }

  private async reuseDetected(row: OAuthRefreshTokenEntity): Promise<void> {
    this.logger.warn(
      `A consumed refresh token was presented again; grant ${row.grantId} revoked.`,
    );
    await this.tokens.revokeGrant(row.grantId);
    this.events.emit('refresh_token.reused', {
      id: row.id,
      clientId: row.clientId,
      userId: row.userId,
      grantId: row.grantId,
    });
  }

  /**
   * If the family was revoked while this refresh wrote its new rows, the
   * revocation may have missed them: revoke the family again. Not needed
   * where writes are serialized (SQLite): a revocation then runs wholly
   * before the consuming UPDATE (which then fails) or after the new rows.
   */
  private async closeRace(parent: OAuthRefreshTokenEntity): Promise<void> {
    const current = await this.storage.refreshTokens.findOne({
      select: { id: true, revoked: true },
      where: { id: parent.id },
    });
    if (current?.revoked) await this.tokens.revokeGrant(parent.grantId);
  }
}
