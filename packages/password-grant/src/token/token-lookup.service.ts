import { Injectable } from '@nestjs/common';
import type { AccessTokenClaims } from '../interfaces/access-token-claims.interface.js';
import type { OAuthAccessTokenEntity } from '../persistence/oauth-access-token.entity.js';
import type { OAuthRefreshTokenEntity } from '../persistence/oauth-refresh-token.entity.js';
import { PasswordGrantStorage } from '../persistence/password-grant-storage.service.js';
import {
  AccessTokenService,
  InvalidAccessTokenError,
} from './access-token.service.js';
import {
  REFRESH_TOKEN_SYNTAX,
  refreshTokenDigest,
} from './token-issuer.service.js';

/** A token string found among the issued tokens. */
export type FoundToken =
  | {
      type: 'access_token';
      row: OAuthAccessTokenEntity;
      claims: AccessTokenClaims;
    }
  | { type: 'refresh_token'; row: OAuthRefreshTokenEntity };

const MAX_TOKEN_LENGTH = 8192;

/**
 * Finds the stored row of an access or refresh token string, for the
 * revocation and introspection endpoints. Access tokens are found by the
 * `jti` of a verified signature, never by their text.
 */
@Injectable()
export class TokenLookup {
  constructor(
    private readonly accessTokens: AccessTokenService,
    private readonly storage: PasswordGrantStorage,
  ) {}

  /**
   * RFC 7009 §2.1: the hint only sets the search order; a wrong or
   * unknown hint still finds the token.
   */
  async find(token: string, hint?: string): Promise<FoundToken | null> {
    if (token.length > MAX_TOKEN_LENGTH) return null;
    if (hint === 'access_token') {
      return (await this.findAccess(token)) ?? this.findRefresh(token);
    }
    return (await this.findRefresh(token)) ?? this.findAccess(token);
  }

  private async findAccess(token: string): Promise<FoundToken | null> {
    let claims: AccessTokenClaims;
    try {
      claims = this.accessTokens.verifyIgnoringExpiry(token);
    } catch (error) {
      if (error instanceof InvalidAccessTokenError) return null;
      throw error;
    }
    const row = await this.storage.accessTokens.findOneBy({ id: claims.jti });
    return row && { type: 'access_token', row, claims };
  }

  private async findRefresh(token: string): Promise<FoundToken | null> {
    if (!REFRESH_TOKEN_SYNTAX.test(token)) return null;
    const row = await this.storage.refreshTokens.findOneBy({
      tokenHash: refreshTokenDigest(token),
    });
    return row && { type: 'refresh_token', row };
  }
}
