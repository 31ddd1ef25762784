import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { PasswordGrantEvents } from '../events/password-grant-events.service.js';
import { parseScope, sameScopes } from '../internal/scope.util.js';
import { PASSWORD_GRANT_CONFIG } from '../password-grant.constants.js';
import type { PasswordGrantConfig } from '../password-grant-config.js';
import type { OAuthClientEntity } from '../persistence/oauth-client.entity.js';
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
 * in one grant family.
 */
@Injectable()
export class TokenIssuer {
  constructor(
    private readonly accessTokens: AccessTokenService,
    private readonly storage: PasswordGrantStorage,
    private readonly events: PasswordGrantEvents,
    @Inject(PASSWORD_GRANT_CONFIG) private readonly config: PasswordGrantConfig,
  ) {}

  async issue(request: TokenPairRequest): Promise<TokenResponse> {
    const { client, userId, scopes } = request;
    const grantId = request.grantId ?? randomBytes(20).toString('hex');
    const access = this.accessTokens.sign({
      userId,
      clientId: client.id,
      provider: client.provider,
      scopes,
    });
    await this.storage.accessTokens.insert({
      id: access.jti,
      clientId: client.id,
      userId,
      grantId,
      scopes: scopes.join(' '),
      revoked: false,
      createdAt: access.issuedAt,
      expiresAt: access.expiresAt,
    });
    this.events.emit('access_token.issued', {
      jti: access.jti,
      clientId: client.id,
      userId,
      grantId,
      scopes,
      expiresAt: access.expiresAt,
    });
    const refreshToken = await this.storeRefreshToken(request, {
      grantId,
      accessTokenId: access.jti,
      issuedAt: access.issuedAt,
    });
    const response: TokenResponse = {
      token_type: 'Bearer',
      expires_in: this.config.accessTokenTtl,
      access_token: access.token,
      refresh_token: refreshToken,
    };
    // RFC 6749 §5.1: name the scope when it differs from the request.
    if (!sameScopes(scopes, parseScope(request.requestedScope) ?? [])) {
      response.scope = scopes.join(' ');
    }
    return response;
  }

  private async storeRefreshToken(
    request: TokenPairRequest,
    issued: { grantId: string; accessTokenId: string; issuedAt: Date },
  ): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const id = randomBytes(20).toString('hex');
    const expiresAt =
      request.refreshExpiresAt ??
      new Date(Date.now() + this.config.refreshTokenTtl * 1000);
    await this.storage.refreshTokens.insert({
      id,
      tokenHash: refreshTokenDigest(token),
      accessTokenId: issued.accessTokenId,
      clientId: request.client.id,
      userId: request.userId,
      grantId: issued.grantId,
      scopes: (request.refreshScopes ?? request.scopes).join(' '),
      revoked: false,
      usedAt: null,
      parentId: request.parentId ?? null,
      createdAt: issued.issuedAt,
      expiresAt,
    });
    this.events.emit('refresh_token.issued', {
      id,
      clientId: request.client.id,
      userId: request.userId,
      grantId: issued.grantId,
      parentId: request.parentId ?? null,
    });
    return token;
  }
}
