import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-custom';
import type {
  AccessTokenClaims,
  TokenPrincipal,
} from '../interfaces/access-token-claims.interface.js';
import {
  ACCESS_TOKEN_REQUEST_KEY,
  ACCESS_TOKEN_STRATEGY,
  PASSWORD_GRANT_CONFIG,
} from '../password-grant.constants.js';
import type { PasswordGrantConfig } from '../password-grant-config.js';
import {
  RevocationStore,
  type RevocationStatus,
} from '../revocation/revocation-store.service.js';
import {
  AccessTokenService,
  InvalidAccessTokenError,
} from '../token/access-token.service.js';
import { UserProviders } from '../users/user-providers.service.js';
import {
  BearerException,
  TemporarilyUnavailableException,
} from './bearer.exception.js';

interface BearerRequest {
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
  [ACCESS_TOKEN_REQUEST_KEY]?: AccessTokenClaims;
}

/** RFC 6750 §2.1: `Bearer 1*SP b64token`, scheme case-insensitive. */
const BEARER = /^bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * The passport strategy behind {@link PasswordGrantGuard}: reads the
 * bearer token from the `Authorization` header only (RFC 6750 §2.1; query
 * tokens are not supported) and verifies it without the database.
 */
@Injectable()
export class AccessTokenStrategy extends PassportStrategy(
  Strategy,
  ACCESS_TOKEN_STRATEGY,
) {
  constructor(
    private readonly tokens: AccessTokenService,
    private readonly providers: UserProviders,
    private readonly revocations: RevocationStore,
    @Inject(PASSWORD_GRANT_CONFIG) private readonly config: PasswordGrantConfig,
  ) {
    super();
  }

  /** Passport's entry point; the guard calls {@link resolveRequest} itself. */
  validate(request: BearerRequest): Promise<unknown> {
    return Promise.resolve().then(() => this.resolveRequest(request));
  }

  /**
   * The principal (or loaded user) of the request's bearer token, or null
   * when the request carries none. Synchronous unless the strict
   * revocation mode or `loadUser` needs the database.
   *
   * @throws BearerException, TemporarilyUnavailableException
   */
  resolveRequest(request: BearerRequest): unknown {
    const claims = this.readToken(request);
    if (!claims) return null;
    const status = this.revocations.status(claims.jti);
    return status instanceof Promise
      ? status.then(value => this.accept(request, claims, value))
      : this.accept(request, claims, status);
  }

  private readToken(request: BearerRequest): AccessTokenClaims | null {
    const header = request.headers.authorization;
    if (typeof header !== 'string' || !/^bearer(\s|$)/i.test(header)) {
      return null;
    }
    if (hasBodyToken(request.body)) {
      throw BearerException.invalidRequest(this.config.realm);
    }
    const match = BEARER.exec(header);
    if (!match) throw BearerException.invalidToken(this.config.realm);
    try {
      return this.tokens.verify(match[1]);
    } catch (error) {
      if (error instanceof InvalidAccessTokenError) {
        throw BearerException.invalidToken(this.config.realm);
      }
      throw error;
    }
  }

  /** SPEC §5.4: revoked → 401; revocation list too old → 503. */
  private accept(
    request: BearerRequest,
    claims: AccessTokenClaims,
    status: RevocationStatus,
  ): unknown {
    if (status === 'revoked') {
      throw BearerException.invalidToken(this.config.realm);
    }
    if (status === 'unavailable') throw new TemporarilyUnavailableException();
    request[ACCESS_TOKEN_REQUEST_KEY] = claims;
    return this.config.loadUser ? this.loadUser(claims) : principal(claims);
  }

  private async loadUser(claims: AccessTokenClaims): Promise<unknown> {
    const provider = this.providers.get(claims.provider);
    const user = provider.findById ? await provider.findById(claims.sub) : null;
    if (!user) throw BearerException.invalidToken(this.config.realm);
    return user;
  }
}

function principal(claims: AccessTokenClaims): TokenPrincipal {
  return {
    id: claims.sub,
    clientId: claims.client_id,
    provider: claims.provider,
    scopes: claims.scopes,
  };
}

function hasBodyToken(body: unknown): boolean {
  return (
    typeof body === 'object' &&
    body !== null &&
    Object.prototype.hasOwnProperty.call(body, 'access_token')
  );
}
