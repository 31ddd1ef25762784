import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { AccessTokenClaims } from '../interfaces/access-token-claims.interface.js';
import { PASSWORD_GRANT_CONFIG } from '../password-grant.constants.js';
import type { PasswordGrantConfig } from '../password-grant-config.js';
import { VerifiedTokenCache } from './verified-token.cache.js';

/** What an access token is issued for. */
export interface AccessTokenSubject {
  userId: string;
  clientId: string;
  provider: string;
  scopes: string[];
}

/** A signed access token and the facts stored about it. */
export interface SignedAccessToken {
  token: string;
  jti: string;
  issuedAt: Date;
  expiresAt: Date;
}

/** Why a token was refused; kept server-side, never sent. */
export class InvalidAccessTokenError extends Error {}

const MAX_TOKEN_LENGTH = 8192;
const ACCEPTED_TYP = new Set(['at+jwt', 'application/at+jwt']);

function decodeHeader(token: string): Record<string, unknown> | null {
  const dot = token.indexOf('.');
  if (dot < 1 || dot > 1024) return null;
  try {
    const header: unknown = JSON.parse(
      Buffer.from(token.slice(0, dot), 'base64url').toString('utf8'),
    );
    return typeof header === 'object' && header !== null
      ? (header as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/**
 * Signs RFC 9068 access tokens and verifies them synchronously with key
 * objects prepared at startup, never on libuv's thread pool (which bcrypt
 * keeps busy during logins).
 *
 * @see https://www.rfc-editor.org/rfc/rfc9068
 */
@Injectable()
export class AccessTokenService {
  private readonly cache: VerifiedTokenCache<AccessTokenClaims>;

  constructor(
    @Inject(PASSWORD_GRANT_CONFIG) private readonly config: PasswordGrantConfig,
  ) {
    this.cache = new VerifiedTokenCache(config.verifiedTokenCacheSize);
    // A retired key's tokens must not live on in the cache.
    config.keyStore.onKeysRemoved(() => this.cache.clear());
  }

  sign(subject: AccessTokenSubject): SignedAccessToken {
    const key = this.config.signingKey;
    const jti = randomBytes(20).toString('hex');
    const now = Math.floor(Date.now() / 1000);
    const exp = now + this.config.accessTokenTtl;
    const claims: Omit<AccessTokenClaims, 'aud'> & { aud: string } = {
      iss: this.config.issuer,
      sub: subject.userId,
      aud: this.config.audience,
      client_id: subject.clientId,
      iat: now,
      nbf: now,
      exp,
      jti,
      scope: subject.scopes.join(' '),
      scopes: subject.scopes,
      provider: subject.provider,
    };
    const token = jwt.sign(claims, key.privateKey!, {
      algorithm: key.algorithm,
      header: { alg: key.algorithm, typ: 'at+jwt', kid: key.kid },
    });
    return {
      token,
      jti,
      issuedAt: new Date(now * 1000),
      expiresAt: new Date(exp * 1000),
    };
  }

  /**
   * The claims of a valid token. Checks signature, algorithm, `typ`, `iss`,
   * `aud`, `exp` and `nbf` (RFC 9068 §4); a token verified before costs a
   * map lookup and an expiry check.
   *
   * @throws InvalidAccessTokenError
   */
  verify(token: string): AccessTokenClaims {
    const now = Date.now() / 1000;
    const cached = this.cache.get(token);
    if (cached) {
      if (cached.exp + this.config.clockTolerance > now) return cached;
      this.cache.delete(token);
      throw new InvalidAccessTokenError('expired');
    }
    const claims = this.verifyFresh(token);
    this.cache.set(token, claims);
    return claims;
  }

  /**
   * The claims of a token this server signed, expired or not: for
   * revocation, where an expired access token still names its grant.
   *
   * @throws InvalidAccessTokenError
   */
  verifyIgnoringExpiry(token: string): AccessTokenClaims {
    return this.verifyFresh(token, true);
  }

  private verifyFresh(
    token: string,
    ignoreExpiration = false,
  ): AccessTokenClaims {
    if (token.length > MAX_TOKEN_LENGTH) {
      throw new InvalidAccessTokenError('too long');
    }
    const header = decodeHeader(token);
    const typ = typeof header?.typ === 'string' ? header.typ.toLowerCase() : '';
    if (!ACCEPTED_TYP.has(typ)) throw new InvalidAccessTokenError('typ');
    // RFC 7515 §4.1.11: we understand no extension, so any `crit` fails.
    if (header && 'crit' in header) throw new InvalidAccessTokenError('crit');
    const key =
      typeof header?.kid === 'string'
        ? this.config.keyStore.find(header.kid)
        : undefined;
    if (!key) throw new InvalidAccessTokenError('unknown kid');
    let claims: AccessTokenClaims;
    try {
      claims = jwt.verify(token, key.publicKey, {
        algorithms: [key.algorithm],
        issuer: this.config.issuer,
        audience: this.config.audience,
        clockTolerance: this.config.clockTolerance,
        ignoreExpiration,
      }) as unknown as AccessTokenClaims;
    } catch (error) {
      throw new InvalidAccessTokenError((error as Error).message);
    }
    if (!hasRequiredClaims(claims)) throw new InvalidAccessTokenError('claims');
    if (claims.iat > Date.now() / 1000 + this.config.clockTolerance) {
      throw new InvalidAccessTokenError('issued in the future');
    }
    return claims;
  }
}

/** RFC 9068 §2.2: `iss`, `exp`, `aud`, `sub`, `client_id`, `iat`, `jti`. */
function hasRequiredClaims(claims: Partial<AccessTokenClaims>): boolean {
  return (
    typeof claims.sub === 'string' &&
    claims.sub !== '' &&
    typeof claims.client_id === 'string' &&
    typeof claims.jti === 'string' &&
    isNumericDate(claims.iat) &&
    isNumericDate(claims.exp) &&
    (claims.nbf === undefined || isNumericDate(claims.nbf)) &&
    Array.isArray(claims.scopes) &&
    claims.scopes.every(scope => typeof scope === 'string') &&
    typeof claims.provider === 'string'
  );
}

/** A NumericDate as this library writes it: whole, positive seconds. */
function isNumericDate(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) > 0;
}
