import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { PasswordGrantEvents } from '../events/password-grant-events.service.js';
import { parseScope, sameScopes } from '../internal/scope.util.js';
import { PASSWORD_GRANT_CONFIG } from '../password-grant.constants.js';
import type { PasswordGrantConfig } from '../password-grant-config.js';
import type { RowWrite } from '../persistence/direct-statements.js';
import { OAuthAccessTokenEntity } from '../persistence/oauth-access-token.entity.js';
import type { OAuthClientEntity } from '../persistence/oauth-client.entity.js';
import { OAuthRefreshTokenEntity } from '../persistence/oauth-refresh-token.entity.js';
import { PasswordGrantStorage } from '../persistence/password-grant-storage.service.js';
import { AccessTokenService } from './access-token.service.js';
import type { TokenResponse } from './token-response.interface.js';

/** What a new access and refresh token pair is issued for. */
export interface TokenPairRequest {
  client: OAuthClientEntity;
  userId: string;
  /** Scopes of the access token. */
  scopes: string[];
  /** The family; a password grant starts a new one. */
  grantId?: string;
  /** Scopes of the refresh token; default: `scopes`. */
  refreshScopes?: string[];
  /** The refresh token this pair replaces. */
  parentId?: string;
  /** Absolute expiry of the refresh token; default: now + its lifetime. */
  refreshExpiresAt?: Date;
  /** The `scope` parameter as the client sent it. */
  requestedScope?: string;
}

/** Refresh tokens are 43 base64url characters; this allows some slack. */
export const REFRESH_TOKEN_SYNTAX = /^[A-Za-z0-9_-]{20,512}$/;

/** SHA-256 of a refresh token, the only form in which it is stored. */
export function refreshTokenDigest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Issues an access token (a signed JWT, stored by `jti`) and an opaque
 * refresh token of 256 random bits (stored as its SHA-256 digest), both
 * in one grant family, written in one transaction.
 */
@Injectable()
export class TokenIssuer {
  constructor(
    private readonly accessTokens: AccessTokenService,
    private readonly storage: PasswordGrantStorage,
    private readonly events: PasswordGrantEvents,
    @Inject(PASSWORD_GRANT_CONFIG) private readonly config: PasswordGrantConfig,
  ) {}

  /** Signs and stores a new pair in one transaction. */
  async issue(request: TokenPairRequest): Promise<TokenResponse> {
    const issued = await this.issueAfter(request, []);
    return issued!.response;
  }

  /**
   * Signs a new pair and stores it in the same transaction as `writes`
   * (consuming the token it replaces): null, with nothing stored, when one
   * of them did not change the rows it expected.
   */
  async issueAfter(
    request: TokenPairRequest,
    writes: RowWrite[],
  ): Promise<{ response: TokenResponse; counts: number[] } | null> {
    const pair = this.prepare(request);
    const counts = await this.storage.direct.atomically([
      ...writes,
      this.storage.direct.insert(OAuthAccessTokenEntity, pair.access),
      this.storage.direct.insert(OAuthRefreshTokenEntity, pair.refresh),
    ]);
    if (!counts) return null;
    this.announce(pair.access, pair.refresh, request.scopes);
    return { response: pair.response, counts: counts.slice(0, writes.length) };
  }

  private prepare(request: TokenPairRequest) {
    const { client, userId, scopes } = request;
    const grantId = request.grantId ?? randomBytes(20).toString('hex');
    const signed = this.accessTokens.sign({
      userId,
      clientId: client.id,
      provider: client.provider,
      scopes,
    });
    const access: OAuthAccessTokenEntity = {
      id: signed.jti,
      clientId: client.id,
      userId,
      grantId,
      scopes: scopes.join(' '),
      revoked: false,
      revokedAt: null,
      createdAt: signed.issuedAt,
      expiresAt: signed.expiresAt,
    };
    const refreshToken = randomBytes(32).toString('base64url');
    const refresh: OAuthRefreshTokenEntity = {
      id: randomBytes(20).toString('hex'),
      tokenHash: refreshTokenDigest(refreshToken),
      accessTokenId: signed.jti,
      clientId: client.id,
      userId,
      grantId,
      scopes: (request.refreshScopes ?? scopes).join(' '),
      revoked: false,
      revokedAt: null,
      parentId: request.parentId ?? null,
      usedAt: null,
      createdAt: signed.issuedAt,
      expiresAt:
        request.refreshExpiresAt ??
        new Date(Date.now() + this.config.refreshTokenTtl * 1000),
    };
    const response: TokenResponse = {
      token_type: 'Bearer',
      expires_in: this.config.accessTokenTtl,
      access_token: signed.token,
      refresh_token: refreshToken,
    };
    // RFC 6749 §5.1: name the scope when it differs from the request.
    if (!sameScopes(scopes, parseScope(request.requestedScope) ?? [])) {
      response.scope = scopes.join(' ');
    }
    return { access, refresh, response };
  }

  private announce(
    access: OAuthAccessTokenEntity,
    refresh: OAuthRefreshTokenEntity,
    scopes: string[],
  ): void {
    this.events.emit('access_token.issued', {
      jti: access.id,
      clientId: access.clientId,
      userId: access.userId,
      grantId: access.grantId,
      scopes,
      expiresAt: access.expiresAt,
    });
    this.events.emit('refresh_token.issued', {
      id: refresh.id,
      clientId: refresh.clientId,
      userId: refresh.userId,
      grantId: refresh.grantId,
      parentId: refresh.parentId,
    });
  }
}
