import { Inject, Injectable } from '@nestjs/common';
import { ClientAuthenticator } from '../client/client-authenticator.service.js';
import { OAuthErrorException } from '../errors/oauth-error.exception.js';
import { PASSWORD_GRANT_CONFIG } from '../password-grant.constants.js';
import type { PasswordGrantConfig } from '../password-grant-config.js';
import type { OAuthRefreshTokenEntity } from '../persistence/oauth-refresh-token.entity.js';
import { TokenLookup, type FoundToken } from './token-lookup.service.js';
import {
  readTokenQuery,
  type TokenEndpointRequest,
} from './token-revocation.service.js';

/**
 * An introspection response (RFC 7662 §2.2). Inactive tokens get exactly
 * `{ "active": false }`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7662#section-2.2
 * @publicApi
 */
export type IntrospectionResponse =
  | { active: false }
  | {
      active: true;
      token_type: 'Bearer' | 'refresh_token';
      scope: string;
      client_id: string;
      sub: string;
      exp: number;
      iat: number;
      iss?: string;
      aud?: string | string[];
      jti?: string;
    };

const INACTIVE: IntrospectionResponse = { active: false };

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

/**
 * Token introspection (RFC 7662). Only confidential clients may call it
 * (§2.1, §4: it must not become a token-scanning oracle), and a client
 * learns only about its own tokens; any other token reads as inactive
 * (§4 allows answering differently per caller).
 *
 * @see https://www.rfc-editor.org/rfc/rfc7662
 */
@Injectable()
export class TokenIntrospectionService {
  constructor(
    private readonly clients: ClientAuthenticator,
    private readonly lookup: TokenLookup,
    @Inject(PASSWORD_GRANT_CONFIG) private readonly config: PasswordGrantConfig,
  ) {}

  get enabled(): boolean {
    return this.config.introspection;
  }

  async introspect(
    request: TokenEndpointRequest,
  ): Promise<IntrospectionResponse> {
    const { client, token, hint } = await readTokenQuery(
      request,
      this.clients,
      this.config.realm,
    );
    if (client.secretHash === null) {
      throw OAuthErrorException.invalidClient(
        this.config.realm,
        request.authorization !== undefined,
      );
    }
    const found = await this.lookup.find(token, hint);
    if (!found || found.row.clientId !== client.id) return INACTIVE;
    return found.type === 'access_token'
      ? this.describeAccess(found)
      : this.describeRefresh(found.row);
  }

  /**
   * RFC 7662 §4: the lookup checked signature, audience and `nbf`; this
   * adds expiry and revocation (read from the database, not the cache).
   */
  private describeAccess(
    found: Extract<FoundToken, { type: 'access_token' }>,
  ): IntrospectionResponse {
    const { claims, row } = found;
    const now = Date.now() / 1000;
    const leeway = this.config.clockTolerance;
    if (row.revoked || claims.exp + leeway <= now) return INACTIVE;
    return {
      active: true,
      token_type: 'Bearer',
      scope: claims.scopes.join(' '),
      client_id: claims.client_id,
      sub: claims.sub,
      exp: claims.exp,
      iat: claims.iat,
      iss: claims.iss,
      aud: claims.aud,
      jti: claims.jti,
    };
  }

  private describeRefresh(row: OAuthRefreshTokenEntity): IntrospectionResponse {
    const now = Date.now();
    const consumed =
      this.config.revokeRefreshTokenAfterUse && row.usedAt !== null;
    const idleUntil =
      (row.usedAt ?? row.createdAt).getTime() +
      this.config.refreshTokenIdleTtl * 1000;
    const exp = Math.min(row.expiresAt.getTime(), idleUntil);
    if (row.revoked || consumed || exp <= now) return INACTIVE;
    return {
      active: true,
      token_type: 'refresh_token',
      scope: row.scopes,
      client_id: row.clientId,
      sub: row.userId,
      exp: Math.floor(exp / 1000),
      iat: seconds(row.createdAt),
    };
  }
}
